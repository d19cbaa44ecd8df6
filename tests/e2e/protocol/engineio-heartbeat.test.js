// Heartbeat: the server pings every pingInterval and closes a session whose pong does not come within
// pingTimeout.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  PING_INTERVAL,
  PING_TIMEOUT,
  openEngineSocket,
  openPollingSession,
  poll,
  post,
  sleep,
  startFixtureServer,
} from "./helpers.js";

let server;
before(async () => (server = await startFixtureServer()));
after(() => server.stop());

// The raw endpoint: on /socket.io/ the 1 s connect timeout would end these sessions first.
const ECHO = "/engine.io/";

describe("Engine.IO heartbeat", () => {
  it("pings a WebSocket client every pingInterval and stays open while it answers", async () => {
    const socket = await openEngineSocket(server, ECHO);
    const opened = Date.now();
    for (let i = 1; i <= 4; i++) {
      assert.equal(await socket.next(), "2");
      const elapsed = Date.now() - opened;
      // Each ping comes one interval after the previous pong.
      assert.ok(elapsed >= i * PING_INTERVAL - 50, `ping ${i} after ${elapsed} ms`);
      assert.ok(elapsed <= i * (PING_INTERVAL + 150) + 200, `ping ${i} after ${elapsed} ms`);
      socket.send("3");
    }
    assert.equal(socket.closeInfo, null);
    socket.close();
  });

  it("closes a WebSocket session whose pong is missing about 500 ms after the handshake", async () => {
    const started = Date.now();
    const socket = await openEngineSocket(server, ECHO);
    assert.equal(await socket.next(), "2");
    const { at } = await socket.closed(3000);
    const elapsed = at - started;
    assert.ok(elapsed >= PING_INTERVAL + PING_TIMEOUT - 50, `closed after ${elapsed} ms`);
    assert.ok(elapsed <= PING_INTERVAL + PING_TIMEOUT + 600, `closed after ${elapsed} ms`);
  });

  it("pings a polling client through its GET and accepts the pong by POST", async () => {
    const { sid } = await openPollingSession(server, ECHO);
    for (let i = 0; i < 3; i++) {
      const ping = await poll(server, ECHO, sid);
      assert.equal(ping.status, 200);
      assert.equal(ping.body, "2");
      const pong = await post(server, ECHO, sid, "3");
      assert.equal(pong.status, 200);
      assert.equal(pong.body, "ok");
    }
  });

  it("closes a polling session that never answers the ping", async () => {
    const { sid } = await openPollingSession(server, ECHO);
    await sleep(PING_INTERVAL + PING_TIMEOUT + 200);
    const response = await poll(server, ECHO, sid);
    assert.equal(response.status, 400);
    assert.deepEqual(JSON.parse(response.body), { code: 1, message: "Session ID unknown" });
  });

  it("ends a waiting poll with a close packet on ping timeout", async () => {
    const { sid } = await openPollingSession(server, ECHO);
    // This GET receives the ping; the next one waits until the session times out.
    assert.equal((await poll(server, ECHO, sid)).body, "2");
    const started = Date.now();
    const waiting = await poll(server, ECHO, sid);
    assert.equal(waiting.status, 200);
    assert.equal(waiting.body, "1");
    assert.ok(Date.now() - started <= PING_TIMEOUT + 300);
  });
});
