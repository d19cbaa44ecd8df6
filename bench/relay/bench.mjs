// Side-by-side benchmark of the /chat-run streaming path: `caduceus --relay` against a minimal Node relay
// on the socket.io server (node-relay.mjs), each in front of its own fresh hermes-sim, under the same
// socket.io-client load. Prints one table. Not a test: run it through run.sh.
//
// Load: S sessions × C clients per session, every client resumed into its session's room; one client
// per session sends a run of exactly D deltas (hermes-sim's sim:bench script). Two phases per relay:
//   burst  — deltas as fast as the agent can write them (throughput, CPU per delta)
//   paced  — one delta per session every P ms (the latency a user sees while the relay is not saturated)
// Figures, per relay and phase:
//   deltas/s        message.delta events received by all clients / wall time of the phase
//   CPU s/100k      the relay process's user+system CPU seconds per 100 000 delivered deltas
//   p50/p99 ms      agent timestamp (in each event, written by hermes-sim) → receipt by the client
//   peak RSS        the relay process's largest resident size sampled during the phase (paced runs first);
//                   the summary compares VmHWM, the peak over the relay's whole life
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { io } from "socket.io-client";

const here = dirname(fileURLToPath(import.meta.url));
const settings = {
  sessions: Number(process.env.BENCH_SESSIONS ?? 50),
  clients: Number(process.env.BENCH_CLIENTS ?? 2),
  deltas: Number(process.env.BENCH_DELTAS ?? 2000),
  chars: Number(process.env.BENCH_CHARS ?? 12),
  pacedDeltas: Number(process.env.BENCH_PACED_DELTAS ?? 300),
  pacedDelayMs: Number(process.env.BENCH_PACED_DELAY_MS ?? 20),
  only: process.env.BENCH_ONLY ?? "", // "caduceus" or "node" to run one relay
};
const caduceusPath = process.env.CADUCEUS;
const simPath = process.env.HERMES_SIM;
if (!caduceusPath || !simPath) {
  console.error("set CADUCEUS and HERMES_SIM to the built binaries (run.sh does)");
  process.exit(2);
}
const AGENT_KEY = "bench-agent-key";
const TOKEN = "bench-relay-token-0123456789abcdef";
const PHASE_TIMEOUT_MS = 600000;
const CLOCK_TICKS = 100; // USER_HZ on Linux

const children = new Set();
process.on("exit", () => children.forEach((child) => child.kill("SIGKILL")));

function start(path, args, env, ready, label) {
  const child = spawn(path, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  children.add(child);
  child.on("exit", () => children.delete(child));
  let output = "";
  child.stderr.on("data", (chunk) => {
    if (output.length < 100000) output += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start:\n${output}`)), 30000);
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
    child.on("exit", (code) => reject(new Error(`${label} exited (${code}):\n${output}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", resolve);
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 10000).unref();
  });
}

function cpuSeconds(pid) {
  // /proc/<pid>/stat: fields 14 and 15 (utime, stime) after the parenthesised command name.
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function memoryMiB(pid, field) {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : NaN;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const nowSeconds = () => (performance.timeOrigin + performance.now()) / 1000;

async function connectAll(relayUrl) {
  const rooms = [];
  for (let s = 0; s < settings.sessions; s++) {
    const sessionId = `bench-${process.pid}-${Date.now()}-${s}`;
    const clients = [];
    for (let c = 0; c < settings.clients; c++) {
      const socket = io(`${relayUrl}/chat-run`, {
        transports: ["websocket"],
        auth: { token: TOKEN },
        reconnection: false,
        forceNew: true,
      });
      clients.push(socket);
    }
    rooms.push({ sessionId, clients });
  }
  await Promise.all(
    rooms.flatMap(({ sessionId, clients }) =>
      clients.map(
        (socket) =>
          new Promise((resolve, reject) => {
            socket.once("connect_error", reject);
            socket.once("connect", () => {
              socket.once("resumed", resolve);
              socket.emit("resume", { session_id: sessionId });
            });
          }),
      ),
    ),
  );
  return rooms;
}

// Runs one phase on already connected rooms; resolves with the measured figures.
async function runPhase(rooms, relayPid, deltas, delayMs) {
  const expected = rooms.length * settings.clients * deltas;
  const latencies = new Float64Array(expected);
  let received = 0;
  let firstDeltaAt = 0;
  let lastDeltaAt = 0;
  let finished = 0;
  let failures = 0;
  const handlers = [];
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`phase timed out: ${received}/${expected} deltas`)), PHASE_TIMEOUT_MS);
    const onEnd = (failed) => {
      if (failed) failures++;
      if (++finished === rooms.length * settings.clients) {
        clearTimeout(timer);
        resolve();
      }
    };
    for (const { clients } of rooms) {
      for (const socket of clients) {
        const onDelta = (payload) => {
          if (received === 0) firstDeltaAt = performance.now();
          lastDeltaAt = performance.now();
          if (received < expected) latencies[received] = (nowSeconds() - payload.timestamp) * 1000;
          received++;
        };
        const onCompleted = () => onEnd(false);
        const onFailed = (payload) => {
          console.error(`run.failed: ${payload?.error}`);
          onEnd(true);
        };
        socket.on("message.delta", onDelta);
        socket.on("run.completed", onCompleted);
        socket.on("run.failed", onFailed);
        handlers.push(() => {
          socket.off("message.delta", onDelta);
          socket.off("run.completed", onCompleted);
          socket.off("run.failed", onFailed);
        });
      }
    }
  });
  let peakRss = memoryMiB(relayPid, "VmRSS");
  const rssSampler = setInterval(() => (peakRss = Math.max(peakRss, memoryMiB(relayPid, "VmRSS"))), 50);
  const cpuBefore = cpuSeconds(relayPid);
  const clientCpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const input = `bench sim:bench sim:deltas=${deltas} sim:delay=${delayMs} sim:chars=${settings.chars}`;
  for (const { sessionId, clients } of rooms) clients[0].emit("run", { session_id: sessionId, input });
  await done;
  clearInterval(rssSampler);
  const wallSeconds = (performance.now() - t0) / 1000;
  const relayCpu = cpuSeconds(relayPid) - cpuBefore;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  handlers.forEach((off) => off());
  const sorted = latencies.subarray(0, Math.min(received, expected)).sort();
  return {
    delivered: received,
    expected,
    failures,
    deltasPerSecond: received / wallSeconds,
    cpuPer100k: (relayCpu / received) * 100000,
    deltasPerCpuSecond: received / relayCpu,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    wallSeconds,
    relayCpu,
    clientCpu: (clientCpu.user + clientCpu.system) / 1e6,
    peakRss,
    firstDeltaSeconds: (firstDeltaAt - t0) / 1000,
    lastDeltaSeconds: (lastDeltaAt - t0) / 1000,
  };
}

async function benchRelay(name, startRelay) {
  const sim = await start(simPath, ["--port", "0", "--key", AGENT_KEY], {}, /listening on (http:\/\/\S+)/, "hermes-sim");
  const relay = await startRelay(sim.url);
  try {
    const rooms = await connectAll(relay.url);
    // A short warm-up so both relays have their code paths and allocators warm.
    await runPhase(rooms.slice(0, 5), relay.child.pid, 50, 0);
    // Paced first, so that its memory figure is not the leftover of the burst.
    const paced = await runPhase(rooms, relay.child.pid, settings.pacedDeltas, settings.pacedDelayMs);
    const burst = await runPhase(rooms, relay.child.pid, settings.deltas, 0);
    const rss = memoryMiB(relay.child.pid, "VmHWM");
    rooms.forEach(({ clients }) => clients.forEach((socket) => socket.disconnect()));
    return { name, burst, paced, rss };
  } finally {
    await stop(relay.child);
    relay.cleanup?.();
    await stop(sim.child);
  }
}

function startCaduceus(agentUrl) {
  const dataDir = mkdtempSync(join(tmpdir(), "caduceus-bench-"));
  return start(
    caduceusPath,
    ["--relay", "--port", "0", "--agent", agentUrl, "--data-dir", dataDir],
    {
      CADUCEUS_RELAY_TOKEN: TOKEN,
      CADUCEUS_AGENT_KEY: AGENT_KEY,
      CADUCEUS_NO_KEYCHAIN: "1",
    },
    /relay listening on (http:\/\/\S+)\r?\n/,
    "caduceus --relay",
  ).then((relay) => ({ ...relay, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) }));
}

function startNodeRelay(agentUrl) {
  return start(
    process.execPath,
    [join(here, "node-relay.mjs")],
    { AGENT_URL: agentUrl, AGENT_KEY: AGENT_KEY, RELAY_TOKEN: TOKEN },
    /node relay listening on (http:\/\/\S+)/,
    "node relay",
  );
}

function table(results) {
  const fmt = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
  const rows = [
    ["relay", "phase", "deltas", "deltas/s", "deltas/CPU-s", "CPU s/100k", "p50 ms", "p99 ms", "peak RSS MiB"],
  ];
  for (const r of results) {
    for (const [phase, m] of [
      ["paced", r.paced],
      ["burst", r.burst],
    ]) {
      rows.push([
        r.name,
        phase,
        `${m.delivered}/${m.expected}`,
        fmt(m.deltasPerSecond),
        fmt(m.deltasPerCpuSecond),
        fmt(m.cpuPer100k, 2),
        fmt(m.p50, 2),
        fmt(m.p99, 2),
        fmt(m.peakRss, 1),
      ]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  return rows.map((row) => row.map((cell, i) => String(cell).padStart(widths[i])).join("  ")).join("\n");
}

const loadAtStart = loadavg()[0];
const results = [];
const relays = [
  ["caduceus", startCaduceus],
  ["node", startNodeRelay],
];
for (const [name, starter] of relays) {
  if (settings.only && settings.only !== name) continue;
  process.stderr.write(`benchmarking ${name} relay…\n`);
  results.push(await benchRelay(name, starter));
}

console.log(
  `\n/chat-run streaming: ${settings.sessions} sessions × ${settings.clients} clients; burst ${settings.deltas} ` +
    `deltas per run as fast as hermes-sim writes; paced ${settings.pacedDeltas} deltas every ` +
    `${settings.pacedDelayMs} ms per session; ${settings.chars} characters per delta; ` +
    `${availableParallelism()} CPUs, load average ${loadAtStart.toFixed(1)} → ${loadavg()[0].toFixed(1)}\n`,
);
console.log(table(results));
const [caduceus, node] = [results.find((r) => r.name === "caduceus"), results.find((r) => r.name === "node")];
if (caduceus && node) {
  const ratio = caduceus.burst.deltasPerCpuSecond / node.burst.deltasPerCpuSecond;
  const rssShare = caduceus.rss / node.rss;
  console.log(
    `\nthroughput per CPU second: ${ratio.toFixed(1)}× the Node relay (target ≥ 3×)` +
      `\npeak RSS: ${(rssShare * 100).toFixed(0)}% of the Node relay's (target ≤ 33%)` +
      `\np99 added latency, paced: ${caduceus.paced.p99.toFixed(2)} ms (target < 5 ms)`,
  );
}
for (const r of results) {
  const lost = [r.burst, r.paced].filter((m) => m.delivered !== m.expected || m.failures > 0);
  if (lost.length) console.log(`warning: ${r.name} delivered ${lost.map((m) => `${m.delivered}/${m.expected}`).join(", ")}`);
  console.log(
    `${r.name}: load client CPU ${r.burst.clientCpu.toFixed(1)} s (burst), relay CPU ${r.burst.relayCpu.toFixed(1)} s ` +
      `(burst) / ${r.paced.relayCpu.toFixed(1)} s (paced); burst: first delta after ` +
      `${r.burst.firstDeltaSeconds.toFixed(2)} s, last after ${r.burst.lastDeltaSeconds.toFixed(2)} s, ` +
      `all runs ended after ${r.burst.wallSeconds.toFixed(2)} s`,
  );
}
process.exit(0);
