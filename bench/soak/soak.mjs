// A bounded soak of `caduceus --relay` (issue 8): C socket.io clients spread over S sessions for T seconds,
// all on loopback, against hermes-sim. Every session keeps running turns; at random, a run is aborted,
// queued inputs are cancelled, and clients drop their connection and come back (resume). It stops by
// itself and prints one table:
//   RSS over time   the relay's resident memory every SOAK_SAMPLE_S seconds, and its growth between the
//                   end of the warm-up (first quarter) and the end
//   lost/duplicated message.delta events: for every completed run, each client that stayed connected
//                   through the whole run must have received exactly the agent's output, in order
//   terminal events each such client gets exactly one run.started and one end per run
//   errors          relay.error events, failed acks, connect errors, unexpected disconnections, run.failed
// Not a test: run it through run.sh. SOAK_REPORT=file also writes the figures as JSON.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io } from "socket.io-client";

const settings = {
  seconds: Number(process.env.SOAK_SECONDS ?? 600),
  clients: Number(process.env.SOAK_CLIENTS ?? 200),
  sessions: Number(process.env.SOAK_SESSIONS ?? 50),
  sampleSeconds: Number(process.env.SOAK_SAMPLE_S ?? 10),
  abortChance: Number(process.env.SOAK_ABORT ?? 0.15), // per run
  queueChance: Number(process.env.SOAK_QUEUE ?? 0.3), // per run: queue 1-3 more inputs, cancel some
  reconnectPerMinute: Number(process.env.SOAK_RECONNECTS ?? 2), // per client
  // After this many turns the clients of a chat move to a new one, as users start new chats (0: never). The
  // old chat is left in the history (SOAK_ROTATE=leave: the relay must unload it once idle) or deleted
  // through REST (SOAK_ROTATE=delete).
  turnsPerSession: Number(process.env.SOAK_TURNS_PER_SESSION ?? 25),
  rotate: process.env.SOAK_ROTATE ?? "leave",
  seed: Number(process.env.SOAK_SEED ?? 1),
};
const caduceusPath = process.env.CADUCEUS;
const simPath = process.env.HERMES_SIM;
if (!caduceusPath || !simPath) {
  console.error("set CADUCEUS and HERMES_SIM to the built binaries (run.sh does)");
  process.exit(2);
}
const AGENT_KEY = "soak-agent-key";
const TOKEN = "soak-relay-token-0123456789abcdef";

// A small seeded generator: the same load for the same seed.
let state = settings.seed >>> 0 || 1;
function random() {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
}
const between = (low, high) => low + Math.floor(random() * (high - low + 1));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const children = new Set();
process.on("exit", () => children.forEach((child) => child.kill("SIGKILL")));

function start(path, args, env, ready, label) {
  const child = spawn(path, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  children.add(child);
  child.on("exit", () => children.delete(child));
  let output = "";
  child.stderr.on("data", (chunk) => {
    if (output.length < 200000) output += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start:\n${output}`)), 30000);
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1], log: () => output });
      }
    });
    child.on("exit", (code) => reject(new Error(`${label} exited (${code}):\n${output}`)));
  });
}

function rssMiB(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

const stats = {
  runsStarted: 0,
  runsCompleted: 0,
  runsAborted: 0,
  runsFailed: 0,
  queued: 0,
  queueCancels: 0,
  reconnects: 0,
  checkedDeliveries: 0, // (client, completed run) pairs verified delta by delta
  deltasChecked: 0,
  lostOrDuplicated: 0, // deliveries whose text differs from the agent's output
  missingEnds: 0,
  duplicateEnds: 0,
  relayErrors: 0,
  failedAcks: 0,
  acksLostToReconnects: 0, // the client itself dropped its connection while waiting: not the relay's fault
  sessionsDeleted: 0,
  sessionsLeft: 0,
  connectErrors: 0,
  unexpectedDisconnects: 0,
  examples: [],
};

function noteProblem(kind, detail) {
  if (stats.examples.length < 10) stats.examples.push(`${kind}: ${detail}`);
}

// One browser tab: a socket.io client in one session's room.
class Client {
  constructor(index, relayUrl, sessionId) {
    this.index = index;
    this.relayUrl = relayUrl;
    this.sessionId = sessionId;
    this.runs = new Map(); // run_id -> { text, started, ends, connectedThroughout }
    this.connectedSince = 0;
    this.closing = false;
  }

  connect() {
    return new Promise((resolve) => {
      this.socket = io(`${this.relayUrl}/chat-run`, {
        transports: ["websocket"],
        auth: { token: TOKEN },
        reconnection: false,
        forceNew: true,
        timeout: 20000,
      });
      this.socket.on("connect", () => {
        this.connectedSince = Date.now();
        this.socket.emit("resume", { session_id: this.sessionId });
        resolve(true);
      });
      this.socket.on("connect_error", (error) => {
        stats.connectErrors++;
        noteProblem("connect error", error.message);
        resolve(false);
      });
      this.socket.on("disconnect", (reason) => {
        // Runs in flight can no longer be checked delta by delta from this client.
        for (const run of this.runs.values()) {
          if (run.ends === 0) run.connectedThroughout = false;
        }
        if (!this.closing && reason !== "io client disconnect") {
          stats.unexpectedDisconnects++;
          noteProblem("disconnect", `client ${this.index}: ${reason}`);
        }
      });
      this.socket.onAny((name, payload) => this.onEvent(name, payload));
    });
  }

  run(runId) {
    if (!this.runs.has(runId))
      this.runs.set(runId, { text: "", started: 0, ends: 0, connectedThroughout: this.socket?.connected ?? false });
    return this.runs.get(runId);
  }

  onEvent(name, payload) {
    if (!payload || payload.session_id !== this.sessionId) return;
    const runId = payload.run_id;
    if (name === "relay.error") {
      stats.relayErrors++;
      noteProblem("relay.error", payload.message);
    } else if (name === "run.started") {
      const run = this.run(runId);
      run.started++;
      run.connectedThroughout = run.connectedThroughout && run.started === 1;
    } else if (name === "message.delta" && runId) {
      this.run(runId).text += payload.delta ?? "";
    } else if (name === "run.completed" || name === "run.failed" || name === "run.cancelled" || name === "abort.completed") {
      if (!runId || payload.ignored) return;
      const run = this.run(runId);
      run.ends++;
      if (name === "run.completed") run.output = payload.output ?? "";
      this.session.onEnd(this, name, runId, run);
    }
  }

  async bounce() {
    stats.reconnects++;
    this.bouncedAt = Date.now();
    this.closing = true;
    this.socket.disconnect();
    this.closing = false;
    await sleep(between(200, 2000));
    if (!stopping) await this.connect();
  }

  // The chat this client shows was replaced by a new one.
  follow(sessionId) {
    this.sessionId = sessionId;
    if (this.socket?.connected) this.socket.emit("resume", { session_id: sessionId });
  }

  close() {
    this.closing = true;
    this.socket?.disconnect();
  }
}

let stopping = false;
const sessions = new Map();

// One chat: its clients, and the turns one of them sends one after another.
class Session {
  constructor(id, relayUrl) {
    this.base = id;
    this.id = id;
    this.relayUrl = relayUrl;
    this.turnsHere = 0;
    this.clients = [];
    this.turn = 0;
    this.ended = new Set();
  }

  ack(client, event, payload) {
    return new Promise((resolve) => {
      if (!client.socket?.connected) return resolve(null);
      const sentAt = Date.now();
      client.socket.timeout(20000).emit(event, payload, (error, answer) => {
        if (error && client.bouncedAt >= sentAt) {
          stats.acksLostToReconnects++;
          return resolve(null);
        }
        if (error || !answer?.ok) {
          // Refusals the relay explains (e.g. cancelling an item that already started) are not errors.
          if (error || !(event === "cancel_queued_run")) {
            stats.failedAcks++;
            noteProblem(`${event} ack`, error ? error.message : JSON.stringify(answer));
          }
          return resolve(null);
        }
        resolve(answer);
      });
    });
  }

  pick() {
    const connected = this.clients.filter((c) => c.socket?.connected);
    return connected.length ? connected[between(0, connected.length - 1)] : null;
  }

  onEnd(client, name, runId, run) {
    if (run.ends > 1) {
      stats.duplicateEnds++;
      noteProblem("duplicate end", `${this.id} ${runId} ${name} (client ${client.index})`);
    }
    if (!this.ended.has(runId)) {
      this.ended.add(runId);
      if (name === "run.completed") stats.runsCompleted++;
      else if (name === "abort.completed") stats.runsAborted++;
      else if (name === "run.failed") {
        stats.runsFailed++;
        noteProblem("run.failed", `${this.id} ${runId}`);
      }
    }
  }

  async loop() {
    while (!stopping) {
      const sender = this.pick();
      if (!sender) {
        await sleep(200);
        continue;
      }
      const deltas = between(20, 150);
      const input = `soak ${this.id} turn ${++this.turn} sim:bench sim:deltas=${deltas} sim:chars=${between(4, 24)} sim:delay=${between(10, 40)}`;
      const answer = await this.ack(sender, "run", { session_id: this.id, input });
      if (!answer) {
        await sleep(500);
        continue;
      }
      stats.runsStarted++;
      if (random() < settings.queueChance) {
        const count = between(1, 3);
        const ids = [];
        for (let i = 0; i < count; i++) {
          const queueId = `q-${this.id}-${this.turn}-${i}`;
          const queued = await this.ack(this.pick() ?? sender, "run", {
            session_id: this.id,
            input: `queued ${queueId} sim:bench sim:deltas=${between(5, 40)} sim:delay=10`,
            queue_id: queueId,
          });
          if (queued) {
            stats.queued++;
            ids.push(queueId);
          }
        }
        for (const queueId of ids) {
          if (random() < 0.5) {
            const cancelled = await this.ack(this.pick() ?? sender, "cancel_queued_run", { session_id: this.id, queue_id: queueId });
            if (cancelled?.cancelled) stats.queueCancels++;
          }
        }
      }
      if (random() < settings.abortChance) {
        await sleep(between(100, 1500));
        const aborter = this.pick();
        if (aborter) await this.ack(aborter, "abort", { session_id: this.id });
      }
      // Wait for the session to be idle (its queue drained) before the next turn.
      const deadline = Date.now() + 120000;
      while (!stopping && Date.now() < deadline) {
        await sleep(300);
        const reader = this.pick();
        if (!reader) continue;
        const state = await new Promise((resolve) => {
          const socket = reader.socket;
          const timer = setTimeout(() => finish(null), 20000);
          function finish(value) {
            clearTimeout(timer);
            socket.off("resumed", onResumed);
            resolve(value);
          }
          const onResumed = (payload) => payload?.session_id === this.id && finish(payload);
          socket.on("resumed", onResumed);
          socket.on("disconnect", () => finish(null));
          socket.emit("resume", { session_id: this.id });
        });
        if (state && state.isWorking === false && (state.queueLength ?? 0) === 0) break;
      }
      if (settings.turnsPerSession > 0 && ++this.turnsHere >= settings.turnsPerSession && !stopping) await this.rotate();
      await sleep(between(50, 500));
    }
  }

  async rotate() {
    if (settings.rotate === "delete") {
      const response = await fetch(`${this.relayUrl}/api/hermes/sessions/${encodeURIComponent(this.id)}`, {
        method: "DELETE",
        headers: { Authorization: `Bearer ${TOKEN}` },
      }).catch((error) => ({ ok: false, statusText: error.message }));
      if (!response.ok) {
        stats.failedAcks++;
        noteProblem("delete session", `${this.id}: ${response.status ?? ""} ${response.statusText}`);
      } else {
        stats.sessionsDeleted++;
      }
    } else {
      stats.sessionsLeft++;
    }
    this.generation = (this.generation ?? 0) + 1;
    this.id = `${this.base}-${this.generation}`;
    this.turnsHere = 0;
    this.ended.clear();
    for (const client of this.clients) client.follow(this.id);
  }
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), "caduceus-soak-"));
  const sim = await start(simPath, ["--port", "0", "--key", AGENT_KEY, "--keepalive-ms", "15000"], {},
    /listening on (http:\/\/\S+)/, "hermes-sim");
  const relay = await start(caduceusPath, ["--relay", "--port", "0", "--agent", sim.url, "--data-dir", dataDir], {
    CADUCEUS_RELAY_TOKEN: TOKEN,
    CADUCEUS_AGENT_KEY: AGENT_KEY,
    CADUCEUS_NO_KEYCHAIN: "1",
    QT_QPA_PLATFORM: "offscreen",
    QT_LOGGING_RULES: "*.info=false",
  }, /relay listening on (http:\/\/\S+)\r?\n/, "caduceus --relay");
  const relayPid = relay.child.pid;
  if (!/^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)[:/]/.test(relay.url)) throw new Error(`not loopback: ${relay.url}`);

  const clients = [];
  for (let s = 0; s < settings.sessions; s++) sessions.set(`soak${s}`, new Session(`soak${s}`, relay.url));
  const sessionIds = [...sessions.keys()];
  for (let i = 0; i < settings.clients; i++) {
    const session = sessions.get(sessionIds[i % sessionIds.length]);
    const client = new Client(i, relay.url, session.id);
    client.session = session;
    session.clients.push(client);
    clients.push(client);
  }
  for (let i = 0; i < clients.length; i += 20) await Promise.all(clients.slice(i, i + 20).map((c) => c.connect()));

  const began = Date.now();
  const samples = [{ at: 0, rss: rssMiB(relayPid) }];
  const sampler = setInterval(() => samples.push({ at: (Date.now() - began) / 1000, rss: rssMiB(relayPid) }),
    settings.sampleSeconds * 1000);
  const bouncer = setInterval(() => {
    // Each client drops and comes back about reconnectPerMinute times a minute.
    for (const client of clients) {
      if (client.socket?.connected && random() < settings.reconnectPerMinute / 60) client.bounce();
    }
  }, 1000);
  const loops = [...sessions.values()].map((s) => s.loop());
  await sleep(settings.seconds * 1000);
  stopping = true;
  clearInterval(bouncer);
  await Promise.race([Promise.all(loops), sleep(60000)]);
  await sleep(1000);
  clearInterval(sampler);
  samples.push({ at: (Date.now() - began) / 1000, rss: rssMiB(relayPid) });

  // Every client that saw a completed run from its start to its end must hold exactly its output.
  for (const client of clients) {
    for (const [runId, run] of client.runs) {
      if (run.output === undefined || !run.connectedThroughout || run.started !== 1) continue;
      stats.checkedDeliveries++;
      stats.deltasChecked += run.text.length;
      if (run.text !== run.output) {
        stats.lostOrDuplicated++;
        noteProblem("text", `client ${client.index} ${runId}: ${run.text.length} chars streamed, ${run.output.length} in the output`);
      }
      if (run.ends !== 1) stats.missingEnds += run.ends === 0 ? 1 : 0;
    }
  }
  const alive = relay.child.exitCode === null && relay.child.signalCode === null;
  clients.forEach((c) => c.close());
  relay.child.kill("SIGTERM");
  sim.child.kill("SIGTERM");
  await sleep(1000);
  rmSync(dataDir, { recursive: true, force: true });

  const warm = samples.filter((s) => s.at >= settings.seconds / 4);
  const afterWarmUp = warm.length ? warm[0].rss : samples[0].rss;
  const atEnd = samples[samples.length - 1].rss;
  const peak = Math.max(...samples.map((s) => s.rss));
  const growthPercent = ((atEnd - afterWarmUp) / afterWarmUp) * 100;
  const summary = { settings, relayAlive: alive, rss: { start: samples[0].rss, afterWarmUp, atEnd, peak, growthPercent }, samples, ...stats };

  const row = (label, value) => console.log(`${label.padEnd(34)} ${value}`);
  console.log(`\nrelay soak: ${settings.clients} clients on ${settings.sessions} sessions for ${settings.seconds} s (loopback)`);
  console.log("-".repeat(60));
  row("turns sent / runs completed", `${stats.runsStarted} / ${stats.runsCompleted}`);
  row("runs aborted / failed", `${stats.runsAborted} / ${stats.runsFailed}`);
  row("queued / cancelled from the queue", `${stats.queued} / ${stats.queueCancels}`);
  row("client reconnects", stats.reconnects);
  row("deliveries checked (chars)", `${stats.checkedDeliveries} (${stats.deltasChecked})`);
  row("lost or duplicated deltas", stats.lostOrDuplicated);
  row("missing / duplicated run ends", `${stats.missingEnds} / ${stats.duplicateEnds}`);
  row("relay.error / failed acks", `${stats.relayErrors} / ${stats.failedAcks}`);
  row("acks lost to own reconnects", stats.acksLostToReconnects);
  row("chats replaced (left / deleted)", `${stats.sessionsLeft} / ${stats.sessionsDeleted}`);
  row("connect errors / unexpected drops", `${stats.connectErrors} / ${stats.unexpectedDisconnects}`);
  row("relay RSS MiB start/warm/end/peak", `${summary.rss.start.toFixed(1)} / ${afterWarmUp.toFixed(1)} / ${atEnd.toFixed(1)} / ${peak.toFixed(1)}`);
  row("RSS growth after warm-up", `${growthPercent.toFixed(1)} %`);
  row("relay still running at the end", alive ? "yes" : "NO");
  console.log("\nRSS over time (s → MiB): " + samples.map((s) => `${Math.round(s.at)}→${s.rss.toFixed(1)}`).join("  "));
  if (stats.examples.length) console.log("\nexamples:\n  " + stats.examples.join("\n  "));
  if (process.env.SOAK_REPORT) writeFileSync(process.env.SOAK_REPORT, JSON.stringify(summary, null, 2));
  const clean = alive && stats.lostOrDuplicated === 0 && stats.duplicateEnds === 0 && stats.missingEnds === 0;
  process.exit(clean ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
