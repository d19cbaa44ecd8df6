// Engine.IO v4 handshake over both transports, and the HTTP answers to requests that are not valid
// Engine.IO.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  MAX_PAYLOAD,
  MessageSocket,
  PING_INTERVAL,
  PING_TIMEOUT,
  openEngineSocket,
  openPollingSession,
  startFixtureServer,
} from "./helpers.js";

let server;
before(async () => (server = await startFixtureServer()));
after(() => server.stop());

const HANDSHAKE_KEYS = ["maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades"];

describe("Engine.IO handshake", () => {
  for (const path of ["/socket.io/", "/engine.io/"]) {
    it(`opens a long-polling session at ${path} offering the WebSocket upgrade`, async () => {
      const response = await fetch(`${server.http}${path}?EIO=4&transport=polling`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type"), /^text\/plain/);
      const text = await response.text();
      assert.equal(text[0], "0");
      const handshake = JSON.parse(text.substring(1));
      assert.deepEqual(Object.keys(handshake).sort(), HANDSHAKE_KEYS);
      assert.equal(typeof handshake.sid, "string");
      assert.ok(handshake.sid.length >= 16);
      assert.deepEqual(handshake.upgrades, ["websocket"]);
      assert.equal(handshake.pingInterval, PING_INTERVAL);
      assert.equal(handshake.pingTimeout, PING_TIMEOUT);
      assert.equal(handshake.maxPayload, MAX_PAYLOAD);
    });

    it(`opens a WebSocket session at ${path} with no upgrades`, async () => {
      const socket = await openEngineSocket(server, path);
      const handshake = socket.handshake;
      assert.deepEqual(Object.keys(handshake).sort(), HANDSHAKE_KEYS);
      assert.deepEqual(handshake.upgrades, []);
      assert.equal(handshake.pingInterval, PING_INTERVAL);
      assert.equal(handshake.pingTimeout, PING_TIMEOUT);
      assert.equal(handshake.maxPayload, MAX_PAYLOAD);
      socket.close();
    });
  }

  it("gives every session its own sid", async () => {
    const sids = new Set();
    for (let i = 0; i < 5; i++) sids.add((await openPollingSession(server)).sid);
    assert.equal(sids.size, 5);
  });

  it("refuses a missing or unsupported EIO version with a JSON 400", async () => {
    for (const query of ["transport=polling", "EIO=abc&transport=polling", "EIO=3&transport=polling"]) {
      const response = await fetch(`${server.http}/socket.io/?${query}`);
      assert.equal(response.status, 400, query);
      assert.deepEqual(await response.json(), { code: 5, message: "Unsupported protocol version" });
    }
  });

  it("refuses a missing or unknown transport with a JSON 400", async () => {
    for (const query of ["EIO=4", "EIO=4&transport=abc"]) {
      const response = await fetch(`${server.http}/socket.io/?${query}`);
      assert.equal(response.status, 400, query);
      assert.deepEqual(await response.json(), { code: 0, message: "Transport unknown" });
    }
  });

  it("refuses a handshake with another method than GET", async () => {
    for (const method of ["POST", "PUT"]) {
      const response = await fetch(`${server.http}/socket.io/?EIO=4&transport=polling`, { method, body: "x" });
      assert.equal(response.status, 400, method);
      assert.deepEqual(await response.json(), { code: 2, message: "Bad handshake method" });
    }
  });

  it("refuses an unknown sid", async () => {
    const response = await fetch(`${server.http}/socket.io/?EIO=4&transport=polling&sid=nope`);
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), { code: 1, message: "Session ID unknown" });
  });

  it("answers plain HTTP outside the Engine.IO paths with a JSON 404", async () => {
    const response = await fetch(`${server.http}/api/whatever`);
    assert.equal(response.status, 404);
    assert.match(response.headers.get("content-type"), /json/);
    assert.ok((await response.json()).error);
  });

  for (const query of ["transport=websocket", "EIO=abc&transport=websocket", "EIO=4", "EIO=4&transport=abc",
    "EIO=4&transport=websocket&sid=unknown"]) {
    it(`refuses a WebSocket with ${query}`, async () => {
      const socket = new MessageSocket(`${server.ws}/socket.io/?${query}`);
      await assert.rejects(socket.opened());
      await socket.closed();
    });
  }

  it("refuses a WebSocket outside the Engine.IO paths", async () => {
    const socket = new MessageSocket(`${server.ws}/elsewhere/?EIO=4&transport=websocket`);
    await assert.rejects(socket.opened());
  });
});
