// Shared helpers of the relay wire tests: start the fixture server, and drive raw Engine.IO over
// WebSocket and HTTP long-polling.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";

export const PING_INTERVAL = 300;
export const PING_TIMEOUT = 200;
export const MAX_PAYLOAD = 1000000;

function fixtureServerPath() {
  if (process.env.RELAY_FIXTURE_SERVER) return process.env.RELAY_FIXTURE_SERVER;
  const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
  const candidate = join(repo, "build", "bin", "relay-fixture-server");
  if (existsSync(candidate)) return candidate;
  throw new Error("set RELAY_FIXTURE_SERVER to the relay-fixture-server binary (ctest does)");
}

// Arguments put before "--port 0": RELAY_FIXTURE_ARGS="--relay --protocol-fixture" runs the same suite
// against `caduceus` itself (issue 9) instead of relay-fixture-server.
function fixtureServerArgs() {
  const extra = (process.env.RELAY_FIXTURE_ARGS ?? "").split(/\s+/).filter(Boolean);
  return [...extra, "--port", "0"];
}

// Starts the fixture server on a free port; resolves once it prints "listening on [<address>:]<port>".
export async function startFixtureServer() {
  const child = spawn(fixtureServerPath(), fixtureServerArgs(), { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const port = await new Promise((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => reject(new Error(`fixture server did not start: ${stderr}`)), 10000);
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const match = /listening on (?:\S*:)?(\d+)\s/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`fixture server exited with ${code}: ${stderr}`));
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run the fixture server: ${error.message}`));
    });
  });
  return {
    port,
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", resolve);
        child.kill("SIGTERM");
      }),
    alive: () => child.exitCode === null,
  };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A WebSocket whose messages are read in order with `await next()` (text as string, binary as Buffer).
export class MessageSocket {
  constructor(url) {
    this.ws = new WebSocket(url);
    this.queue = [];
    this.waiters = [];
    this.closeInfo = null;
    this.closeWaiters = [];
    this.error = null;
    this.ws.on("message", (data, isBinary) => {
      const message = isBinary ? Buffer.from(data) : data.toString();
      const waiter = this.waiters.shift();
      if (waiter) waiter.resolve(message);
      else this.queue.push(message);
    });
    this.ws.on("error", (error) => (this.error = error));
    this.ws.on("close", (code, reason) => {
      this.closeInfo = { code, reason: reason.toString(), at: Date.now() };
      for (const waiter of this.waiters.splice(0)) waiter.reject(new Error(`socket closed (${code})`));
      for (const resolve of this.closeWaiters.splice(0)) resolve(this.closeInfo);
    });
  }

  opened() {
    if (this.ws.readyState === WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.ws.once("open", resolve);
      this.ws.once("close", () => reject(new Error("closed before open")));
    });
  }

  next(timeoutMs = 3000) {
    if (this.queue.length) return Promise.resolve(this.queue.shift());
    if (this.closeInfo) return Promise.reject(new Error(`socket closed (${this.closeInfo.code})`));
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no message within ${timeoutMs} ms`));
      }, timeoutMs);
      waiter.resolve = (value) => (clearTimeout(timer), resolve(value));
      waiter.reject = (error) => (clearTimeout(timer), reject(error));
      this.waiters.push(waiter);
    });
  }

  // The next message that is not an Engine.IO ping (which it answers, keeping the session alive).
  async nextAnswering(timeoutMs = 3000) {
    for (;;) {
      const message = await this.next(timeoutMs);
      if (message === "2") {
        this.send("3");
        continue;
      }
      return message;
    }
  }

  closed(timeoutMs = 3000) {
    if (this.closeInfo) return Promise.resolve(this.closeInfo);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not closed within ${timeoutMs} ms`)), timeoutMs);
      this.closeWaiters.push((info) => (clearTimeout(timer), resolve(info)));
    });
  }

  send(data) {
    this.ws.send(data);
  }

  close() {
    this.ws.terminate();
  }
}

// Opens an Engine.IO WebSocket session and returns it with its parsed open packet.
export async function openEngineSocket(server, path = "/socket.io/") {
  const socket = new MessageSocket(`${server.ws}${path}?EIO=4&transport=websocket`);
  const open = await socket.next();
  if (!open.startsWith("0")) throw new Error(`expected an open packet, got ${open}`);
  socket.handshake = JSON.parse(open.substring(1));
  return socket;
}

// Opens a Socket.IO connection to a namespace over a raw WebSocket; consumes the CONNECT answer and the
// fixture's "auth" event.
export async function openSocketIo(server, nsp = "/") {
  const socket = await openEngineSocket(server);
  socket.send(nsp === "/" ? "40" : `40${nsp},`);
  socket.connectAnswer = await socket.nextAnswering();
  socket.authEvent = await socket.nextAnswering();
  return socket;
}

export function pollingUrl(server, path, sid) {
  return `${server.http}${path}?EIO=4&transport=polling${sid ? `&sid=${sid}` : ""}`;
}

// Opens an Engine.IO long-polling session; returns its sid and handshake, `requestedAt` and `openedAt`
// (performance.now() when the handshake was sent and when its answer arrived: the server started its
// heartbeat timers in between).
export async function openPollingSession(server, path = "/socket.io/") {
  const requestedAt = performance.now();
  const response = await fetch(pollingUrl(server, path));
  const openedAt = performance.now();
  if (response.status !== 200) throw new Error(`handshake answered ${response.status}`);
  const text = await response.text();
  const handshake = JSON.parse(text.substring(1));
  return { sid: handshake.sid, handshake, text, requestedAt, openedAt };
}

// Resolves once at least `ms` milliseconds have passed since `since` (a performance.now() value). Node's
// timers may fire a little early; this never does, so a test can probe a server deadline to the ms.
export async function sleepUntil(since, ms) {
  for (;;) {
    const left = since + ms - performance.now();
    if (left <= 0) return;
    await sleep(Math.max(1, Math.ceil(left)));
  }
}

export async function poll(server, path, sid) {
  const response = await fetch(pollingUrl(server, path, sid));
  return { status: response.status, body: await response.text(), headers: response.headers };
}

export async function post(server, path, sid, body) {
  const response = await fetch(pollingUrl(server, path, sid), { method: "POST", body });
  return { status: response.status, body: await response.text() };
}
