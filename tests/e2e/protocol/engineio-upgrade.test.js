// The polling → WebSocket upgrade: probe "2probe"/"3probe", the noop that ends the waiting poll, the
// "5" switch, and what happens to requests with the same sid afterwards.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { MessageSocket, openPollingSession, poll, post, sleep, startFixtureServer } from "./helpers.js";

let server;
before(async () => (server = await startFixtureServer()));
after(() => server.stop());

const ECHO = "/engine.io/";

function probeSocket(sid, path = ECHO) {
  return new MessageSocket(`${server.ws}${path}?EIO=4&transport=websocket&sid=${sid}`);
}

describe("Engine.IO upgrade", () => {
  it("upgrades from long-polling to WebSocket", async () => {
    const { sid } = await openPollingSession(server, ECHO);
    const waiting = poll(server, ECHO, sid);
    const socket = probeSocket(sid);
    await socket.opened();
    socket.send("2probe");
    assert.equal(await socket.next(), "3probe");
    // The waiting poll ends with a noop so that the client can pause polling.
    const polled = await waiting;
    assert.equal(polled.status, 200);
    assert.equal(polled.body, "6");
    socket.send("5");
    socket.send("4hello");
    assert.equal(await socket.nextAnswering(), "4hello");
    socket.send(Uint8Array.from([9, 8, 7]));
    assert.deepEqual([...(await socket.nextAnswering())], [9, 8, 7]);
    socket.close();
  });

  it("keeps packets queued during the upgrade and delivers them on the WebSocket", async () => {
    const { sid } = await openPollingSession(server, ECHO);
    const socket = probeSocket(sid);
    await socket.opened();
    socket.send("2probe");
    assert.equal(await socket.next(), "3probe");
    // Still on polling until "5": this message's echo waits for the new transport.
    assert.equal((await post(server, ECHO, sid, "4queued")).status, 200);
    await sleep(50);
    socket.send("5");
    assert.equal(await socket.nextAnswering(), "4queued");
    socket.close();
  });

  it("ignores HTTP requests with the same sid after the upgrade", async () => {
    const { sid } = await openPollingSession(server, ECHO);
    const socket = probeSocket(sid);
    await socket.opened();
    socket.send("2probe");
    assert.equal(await socket.next(), "3probe");
    socket.send("5");
    await sleep(50);
    assert.equal((await poll(server, ECHO, sid)).status, 400);
    assert.equal((await post(server, ECHO, sid, "4x")).status, 400);
    // The session itself is alive on the WebSocket.
    socket.send("4still");
    assert.equal(await socket.nextAnswering(), "4still");
    socket.close();
  });

  // Both official suites › upgrade › ignores WebSocket connection with same sid after upgrade (issue 16):
  // the second WebSocket completes its handshake and is then closed (an HTTP 400 would be an error, not a
  // close, to the client); the first one keeps working. Also while the upgrade is still under way.
  for (const when of ["after the upgrade", "while the upgrade is under way"]) {
    it(`opens then closes a second WebSocket with the same sid ${when}`, async () => {
      const { sid } = await openPollingSession(server, ECHO);
      const socket = probeSocket(sid);
      await socket.opened();
      socket.send("2probe");
      if (when === "after the upgrade") {
        assert.equal(await socket.next(), "3probe");
        socket.send("5");
        await sleep(50);
      }
      const second = probeSocket(sid);
      await second.opened();
      const { code } = await second.closed();
      assert.equal(second.error, null);
      assert.ok(code >= 1000 && code < 4000, `close code ${code}`);
      if (when !== "after the upgrade") {
        assert.equal(await socket.next(), "3probe");
        socket.send("5");
      }
      socket.send("4still here");
      assert.equal(await socket.nextAnswering(), "4still here");
      socket.close();
    });
  }

  it("refuses a WebSocket with an unknown sid with HTTP 400", async () => {
    const socket = probeSocket("no-such-session");
    await assert.rejects(socket.opened());
    await socket.closed();
    assert.match(String(socket.error?.message), /400/);
  });

  it("gives up a probe that sends something else, and the polling session goes on", async () => {
    const { sid } = await openPollingSession(server, ECHO);
    const socket = probeSocket(sid);
    await socket.opened();
    socket.send("4not a probe");
    await socket.closed();
    assert.equal((await post(server, ECHO, sid, "4polling")).status, 200);
    assert.equal((await poll(server, ECHO, sid)).body, "4polling");
  });

  it("upgrades a Socket.IO session and keeps its namespace", async () => {
    const { sid } = await openPollingSession(server, "/socket.io/");
    assert.equal((await post(server, "/socket.io/", sid, "40")).status, 200);
    const connected = await poll(server, "/socket.io/", sid);
    // CONNECT answer and the fixture's auth event arrive batched in one response.
    const [answer, auth] = connected.body.split("\x1e");
    assert.match(answer, /^40\{"sid":"[^"]+"\}$/);
    assert.equal(auth, '42["auth",{}]');
    const socket = probeSocket(sid, "/socket.io/");
    await socket.opened();
    socket.send("2probe");
    assert.equal(await socket.next(), "3probe");
    socket.send("5");
    socket.send('42["message","over websocket"]');
    assert.equal(await socket.nextAnswering(), '42["message-back","over websocket"]');
    socket.close();
  });
});
