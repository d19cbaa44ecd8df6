// Drives the real program: hermes-sim as the agent, `caduceus --relay` in front of it, and web-UI-like
// clients (the real socket.io-client) on /chat-run. Every event a client receives is checked against
// SPEC section 2 (payload-shapes.js) as it arrives.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io } from "socket.io-client";
import { checkServerEvent } from "./payload-shapes.js";

// Generous: the suite must pass on a loaded 2-core machine. Nothing waits for a fixed time; these only
// bound how long a missing event is waited for.
export const EVENT_TIMEOUT_MS = 20000;
const START_TIMEOUT_MS = 30000;

export const AGENT_KEY = "sim-key-for-e2e";
export const RELAY_TOKEN = "e2e-relay-token-0123456789abcdef";

const children = new Set();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

function binary(variable) {
  const path = process.env[variable];
  if (!path) throw new Error(`set ${variable} to the built binary (ctest does)`);
  return path;
}

// Spawns a program and resolves with {child, match} once its output matches `ready`.
function startProgram(path, args, env, ready, label) {
  const child = spawn(path, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  children.add(child);
  child.on("exit", () => children.delete(child));
  let output = "";
  const keep = (chunk) => {
    output += chunk;
    if (output.length > 200000) output = output.slice(-100000); // bounded log for failure reports
  };
  child.stderr.on("data", keep);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${label} did not start:\n${output}`));
    }, START_TIMEOUT_MS);
    child.stdout.on("data", (chunk) => {
      keep(chunk);
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, log: () => output });
      }
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code ?? signal}):\n${output}`));
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${label} (${path}): ${error.message}`));
    });
  });
}

function stopProgram(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill("SIGKILL"), 10000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

// hermes-sim on a free port with an API key.
export async function startSim(extraArgs = []) {
  const { child, match, log } = await startProgram(
    binary("HERMES_SIM"),
    ["--port", "0", "--key", AGENT_KEY, ...extraArgs],
    {},
    /listening on (http:\/\/\S+)/,
    "hermes-sim",
  );
  return { url: match[1], log, stop: () => stopProgram(child) };
}

// A data folder for relays that outlives one relay process (restart tests); remove() deletes it.
export function makeDataDir() {
  const path = mkdtempSync(join(tmpdir(), "caduceus-e2e-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

// `caduceus --relay` on a free port against `agentUrl`, with its own empty data folder unless `dataDir`
// (from makeDataDir(), kept when the relay stops) is given.
export async function startRelay(agentUrl, { token = RELAY_TOKEN, extraArgs = [], dataDir: shared } = {}) {
  const own = shared ? null : makeDataDir();
  const dataDir = (shared ?? own).path;
  let started;
  try {
    started = await startProgram(
      binary("CADUCEUS"),
      ["--relay", "--port", "0", "--agent", agentUrl, "--data-dir", dataDir, ...extraArgs],
      {
        CADUCEUS_RELAY_TOKEN: token,
        CADUCEUS_AGENT_KEY: AGENT_KEY,
        CADUCEUS_NO_KEYCHAIN: "1",
        QT_QPA_PLATFORM: "offscreen",
      },
      /relay listening on (http:\/\/\S+)\r?\n/,
      "caduceus --relay",
    );
  } catch (error) {
    own?.remove();
    throw error;
  }
  const { child, match, log } = started;
  return {
    url: match[1],
    token,
    log,
    dataDir, // attachments may name files in dataDir/uploads only
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: async () => {
      await stopProgram(child);
      own?.remove();
    },
  };
}

// Starts the agent and the relay; returns them with a stop() for both.
export async function startStack() {
  const sim = await startSim();
  let relay;
  try {
    relay = await startRelay(sim.url);
  } catch (error) {
    await sim.stop();
    throw error;
  }
  return {
    sim,
    relay,
    stop: async () => {
      await relay.stop();
      await sim.stop();
    },
  };
}

let sessionCounter = 0;
// A session id no other test uses (the relay's database outlives single tests).
export function newSessionId(label) {
  sessionCounter += 1;
  return `e2e-${label}-${process.pid}-${sessionCounter}`;
}

// The sim's scripted answer of exactly `deltas` chunks, `delayMs` apart.
export function benchInput(deltas, delayMs, text = "stream") {
  return `${text} sim:bench sim:deltas=${deltas} sim:delay=${delayMs}`;
}

function describeEvent(event) {
  return `#${event.seq} ${event.name} ${JSON.stringify(event.payload).slice(0, 300)}`;
}

// A web-UI-like client of /chat-run. Received events are logged in order (each with a sequence number
// shared by all clients, so tests can compare the order of events across clients) and checked against
// SPEC 2; waitFor() takes the first matching event not taken yet, waiting for it if needed.
let globalSeq = 0;
export class ChatClient {
  // options.token: the auth token (default: the relay's); `token: undefined` sends no auth at all.
  constructor(url, options = {}) {
    const { profile, transports = ["websocket"], reconnection = false } = options;
    const token = "token" in options ? options.token : RELAY_TOKEN;
    this.events = [];
    this.taken = new Set();
    this.waiters = [];
    this.problems = [];
    this.disconnects = [];
    const ioOptions = {
      transports,
      reconnection,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      forceNew: true,
      timeout: EVENT_TIMEOUT_MS,
    };
    if (token !== undefined) ioOptions.auth = { token };
    if (profile !== undefined) ioOptions.query = { profile };
    this.socket = io(`${url}/chat-run`, ioOptions);
    this.socket.onAny((name, ...args) => this.record(name, args));
    this.socket.on("disconnect", (reason) => this.disconnects.push({ reason, seq: globalSeq }));
  }

  record(name, args) {
    const event = { seq: ++globalSeq, name, payload: args[0], at: Date.now() };
    for (const problem of checkServerEvent(name, args)) this.problems.push(`${problem} (in ${describeEvent(event)})`);
    this.events.push(event);
    const index = this.events.length - 1;
    for (const waiter of [...this.waiters]) {
      if (!this.taken.has(index) && waiter.matches(event)) {
        this.taken.add(index);
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  }

  // Resolves once connected; rejects with the connect error (e.g. "Authentication failed").
  connected() {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onConnect = () => {
        this.socket.off("connect_error", onError);
        resolve();
      };
      const onError = (error) => {
        this.socket.off("connect", onConnect);
        reject(error);
      };
      this.socket.once("connect", onConnect);
      this.socket.once("connect_error", onError);
    });
  }

  // The first event named `name` (or any of a list of names) and matching `where(payload, event)`, if
  // given, that no earlier waitFor() took.
  waitFor(name, where = () => true, timeoutMs = EVENT_TIMEOUT_MS) {
    const names = Array.isArray(name) ? name : [name];
    const matches = (event) => names.includes(event.name) && where(event.payload, event);
    const index = this.events.findIndex((event, i) => !this.taken.has(i) && matches(event));
    if (index >= 0) {
      this.taken.add(index);
      return Promise.resolve(this.events[index]);
    }
    return new Promise((resolve, reject) => {
      const waiter = { matches, resolve };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        const seen = this.events.slice(-15).map(describeEvent).join("\n  ");
        reject(new Error(`no ${name} within ${timeoutMs} ms; last events:\n  ${seen}`));
      }, timeoutMs);
      waiter.resolve = (event) => {
        clearTimeout(timer);
        resolve(event);
      };
      this.waiters.push(waiter);
    });
  }

  // Every received event named `name`, optionally of one session.
  all(name, sessionId) {
    return this.events.filter((e) => e.name === name && (!sessionId || e.payload?.session_id === sessionId));
  }

  // Concatenated message.delta text of one run.
  streamedText(runId) {
    return this.all("message.delta")
      .filter((e) => e.payload.run_id === runId)
      .map((e) => e.payload.delta)
      .join("");
  }

  // Emits and resolves with the relay's ack.
  request(name, payload) {
    return this.socket.timeout(EVENT_TIMEOUT_MS).emitWithAck(name, payload);
  }

  // resume → the `resumed` answer to this request.
  async resume(sessionId) {
    const answer = this.waitFor("resumed", (p) => p.session_id === sessionId);
    const ack = await this.request("resume", { session_id: sessionId });
    if (!ack?.ok) throw new Error(`resume refused: ${JSON.stringify(ack)}`);
    return (await answer).payload;
  }

  // What a front end does after a reconnect (SPEC 3.6): resume the session again on every new connection.
  resumeOnReconnect(sessionId) {
    this.socket.on("disconnect", (reason) => {
      // After a server-side disconnect socket.io-client waits for the application to reconnect.
      if (reason === "io server disconnect") setTimeout(() => this.socket.connect(), 100);
    });
    this.socket.on("connect", () => {
      if (this.disconnects.length > 0) this.socket.emit("resume", { session_id: sessionId });
    });
  }

  close() {
    this.socket.disconnect();
  }
}

// Every event each client received matched SPEC 2.
export function assertConform(...clients) {
  for (const client of clients) assert.deepEqual(client.problems, []);
}

// Connects a client and waits until it is in.
export async function connectClient(url, options) {
  const client = new ChatClient(url, options);
  await client.connected();
  return client;
}

// A TCP relay between clients and the Caduceus relay that can cut every connection at once, as a dropped
// network or a restarting proxy would.
export async function startCuttableProxy(targetUrl) {
  const target = new URL(targetUrl);
  const sockets = new Set();
  let refusing = false;
  const server = createServer((inbound) => {
    if (refusing) {
      inbound.destroy();
      return;
    }
    const outbound = tcpConnect(Number(target.port), target.hostname);
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
    }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    inbound.on("close", () => outbound.destroy());
    outbound.on("close", () => inbound.destroy());
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    // Cuts every open connection; while `refuse` is set, new connections are cut at once too.
    cutAll: ({ refuse = false } = {}) => {
      refusing = refuse;
      for (const socket of sockets) socket.destroy();
    },
    accept: () => {
      refusing = false;
    },
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(resolve);
      }),
  };
}
