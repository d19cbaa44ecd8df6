// Heartbeat: the server pings every pingInterval and closes a session whose pong does not come within
// pingTimeout. The official engine.io-protocol suite probes these deadlines to the millisecond (issue 16),
// so the cases marked "to the ms" do too, over several sessions opened a few ms apart: a timer that fires
// early or late at any phase of the clock is caught.
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
  sleepUntil,
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

  it("pings a polling client no sooner than pingInterval after the handshake or the last pong (to the ms)", async () => {
    const early = [];
    const sessions = [];
    for (let i = 0; i < 4; i++) {
      sessions.push(
        (async () => {
          // The interval starts when the server handles the handshake or the pong: after we sent it.
          const { sid, requestedAt } = await openPollingSession(server, ECHO);
          let since = requestedAt;
          for (let round = 0; round < 3; round++) {
            const ping = await poll(server, ECHO, sid);
            const elapsed = performance.now() - since;
            assert.equal(ping.status, 200, `round ${round}: ${ping.body}`);
            assert.equal(ping.body, "2");
            if (elapsed < PING_INTERVAL - 1) early.push(`round ${round}: ping after ${elapsed.toFixed(1)} ms`);
            since = performance.now();
            const pong = await post(server, ECHO, sid, "3");
            assert.equal(pong.status, 200, `round ${round}: ${pong.body}`);
          }
        })(),
      );
      await sleep(11);
    }
    await Promise.all(sessions);
    assert.deepEqual(early, []);
  });

  it("has closed a silent polling session pingInterval + pingTimeout after the handshake (to the ms)", async () => {
    // engine.io-protocol › heartbeat › HTTP long-polling › closes the session upon ping timeout.
    const sessions = [];
    for (let i = 0; i < 8; i++) {
      sessions.push(
        (async () => {
          const { sid, openedAt } = await openPollingSession(server, ECHO);
          await sleepUntil(openedAt, PING_INTERVAL + PING_TIMEOUT + 2);
          const response = await poll(server, ECHO, sid);
          return `${response.status} ${response.body}`;
        })(),
      );
      await sleep(7);
    }
    const answers = await Promise.all(sessions);
    assert.deepEqual(answers, new Array(8).fill('400 {"code":1,"message":"Session ID unknown"}'));
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
