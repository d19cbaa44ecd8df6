// Engine.IO messages on the raw echo endpoint /engine.io/: text and binary over both transports,
// batched polling payloads, invalid packets, close packets, duplicate polls and maxPayload.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { MAX_PAYLOAD, openEngineSocket, openPollingSession, poll, post, sleep, startFixtureServer } from "./helpers.js";

let server;
before(async () => (server = await startFixtureServer()));
after(() => server.stop());

const ECHO = "/engine.io/";

describe("Engine.IO messages over WebSocket", () => {
  it("echoes text messages unchanged", async () => {
    const socket = await openEngineSocket(server, ECHO);
    for (const text of ["4hello", "4", "4€€€ 😀", `4${JSON.stringify({ a: [1, 2] })}`]) {
      socket.send(text);
      assert.equal(await socket.nextAnswering(), text);
    }
    socket.close();
  });

  it("echoes binary messages as binary frames", async () => {
    const socket = await openEngineSocket(server, ECHO);
    socket.send(Uint8Array.from([1, 2, 3, 4]));
    const reply = await socket.nextAnswering();
    assert.ok(Buffer.isBuffer(reply));
    assert.deepEqual([...reply], [1, 2, 3, 4]);
    socket.send(Buffer.alloc(0));
    assert.equal((await socket.nextAnswering()).length, 0);
    socket.close();
  });

  it("closes the session upon an invalid packet", async () => {
    for (const invalid of ["abc", "9", ""]) {
      const socket = await openEngineSocket(server, ECHO);
      socket.send(invalid);
      await socket.closed();
    }
  });

  it("closes the session upon a ping from the client (wrong heartbeat direction)", async () => {
    const socket = await openEngineSocket(server, ECHO);
    socket.send("2");
    await socket.closed();
  });

  it("closes the session upon the close packet", async () => {
    const socket = await openEngineSocket(server, ECHO);
    socket.send("1");
    await socket.closed();
  });

  it("accepts a message of exactly maxPayload bytes and closes on a larger one", async () => {
    const socket = await openEngineSocket(server, ECHO);
    const largest = "4" + "x".repeat(MAX_PAYLOAD - 1);
    socket.send(largest);
    assert.equal((await socket.nextAnswering(5000)).length, MAX_PAYLOAD);
    socket.send("4" + "x".repeat(MAX_PAYLOAD));
    const { code } = await socket.closed(5000);
    assert.equal(code, 1009);
  });

  it("closes only the connection that sent too much", async () => {
    const bystander = await openEngineSocket(server, ECHO);
    const offender = await openEngineSocket(server, ECHO);
    offender.send(Buffer.alloc(MAX_PAYLOAD + 1));
    await offender.closed(5000);
    bystander.send("4still here");
    assert.equal(await bystander.nextAnswering(), "4still here");
    bystander.close();
  });
});

describe("Engine.IO messages over HTTP long-polling", () => {
  it("receives one text packet by POST and returns it on the next GET", async () => {
    const { sid } = await openPollingSession(server, ECHO);
    const pushed = await post(server, ECHO, sid, "4hello");
    assert.equal(pushed.status, 200);
    assert.equal(pushed.body, "ok");
    const polled = await poll(server, ECHO, sid);
    assert.equal(polled.status, 200);
    assert.equal(polled.body, "4hello");
  });

  it("splits batched payloads on \\x1e and batches the answers the same way", async () => {
    const { sid } = await openPollingSession(server, ECHO);
    assert.equal((await post(server, ECHO, sid, "4test1\x1e4test2\x1e4test3")).status, 200);
    assert.equal((await poll(server, ECHO, sid)).body, "4test1\x1e4test2\x1e4test3");
  });

  it("carries binary packets as base64 with the b prefix", async () => {
    const { sid } = await openPollingSession(server, ECHO);
    assert.equal((await post(server, ECHO, sid, "4hello\x1ebAQIDBA==")).status, 200);
    assert.equal((await poll(server, ECHO, sid)).body, "4hello\x1ebAQIDBA==");
  });

  it("answers a waiting GET as soon as a packet is there", async () => {
    const { sid } = await openPollingSession(server, ECHO);
    const waiting = poll(server, ECHO, sid);
    await sleep(50);
    await post(server, ECHO, sid, "4later");
    assert.equal((await waiting).body, "4later");
  });

  it("closes the session upon an invalid payload", async () => {
    const { sid } = await openPollingSession(server, ECHO);
    const pushed = await post(server, ECHO, sid, "abc");
    assert.equal(pushed.status, 400);
    assert.equal((await poll(server, ECHO, sid)).status, 400);
  });

  it("closes the session upon a close packet, ending the waiting GET with a noop", async () => {
    const { sid } = await openPollingSession(server, ECHO);
    const waiting = poll(server, ECHO, sid);
    await sleep(50);
    assert.equal((await post(server, ECHO, sid, "1")).status, 200);
    const polled = await waiting;
    assert.equal(polled.status, 200);
    assert.equal(polled.body, "6");
    assert.equal((await poll(server, ECHO, sid)).status, 400);
  });

  it("closes the session upon a duplicate GET", async () => {
    const { sid } = await openPollingSession(server, ECHO);
    const first = poll(server, ECHO, sid);
    await sleep(30);
    const second = await poll(server, ECHO, sid);
    assert.equal(second.status, 400);
    const firstAnswer = await first;
    assert.equal(firstAnswer.status, 200);
    assert.equal(firstAnswer.body, "1");
    assert.equal((await poll(server, ECHO, sid)).status, 400);
  });

  it("accepts a POST of maxPayload bytes and ends the session on a larger one", async () => {
    const { sid } = await openPollingSession(server, ECHO);
    const largest = "4" + "y".repeat(MAX_PAYLOAD - 1);
    assert.equal((await post(server, ECHO, sid, largest)).status, 200);
    assert.equal((await poll(server, ECHO, sid)).body.length, MAX_PAYLOAD);
    const tooLarge = await post(server, ECHO, sid, "4" + "y".repeat(MAX_PAYLOAD));
    assert.equal(tooLarge.status, 413);
    assert.equal((await poll(server, ECHO, sid)).status, 400);
    // Another session is not affected.
    const other = await openPollingSession(server, ECHO);
    assert.equal((await post(server, ECHO, other.sid, "4fine")).status, 200);
  });

  it("refuses polling requests with another method", async () => {
    const { sid } = await openPollingSession(server, ECHO);
    const response = await fetch(`${server.http}${ECHO}?EIO=4&transport=polling&sid=${sid}`, { method: "PUT", body: "4x" });
    assert.equal(response.status, 400);
  });
});
