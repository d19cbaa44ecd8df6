// The fixture driven by the real socket.io-client 4.8 over WebSocket, long-polling and the upgrade.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Manager, io } from "socket.io-client";
import { startFixtureServer } from "./helpers.js";

let server;
before(async () => (server = await startFixtureServer()));
after(() => server.stop());

const TRANSPORTS = {
  websocket: ["websocket"],
  polling: ["polling"],
  "polling then websocket": ["polling", "websocket"],
};

function connect(nsp, transports, options = {}) {
  const socket = io(`${server.http}${nsp}`, { transports, reconnection: false, forceNew: true, ...options });
  const auth = new Promise((resolve) => socket.once("auth", resolve));
  const connected = new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return { socket, auth, connected };
}

for (const [name, transports] of Object.entries(TRANSPORTS)) {
  describe(`socket.io-client over ${name}`, () => {
    it("connects, receives its auth back and echoes messages", async () => {
      const { socket, auth, connected } = connect("/", transports, { auth: { token: "t-1" } });
      await connected;
      assert.deepEqual(await auth, { token: "t-1" });
      const back = new Promise((resolve) => socket.once("message-back", (...args) => resolve(args)));
      socket.emit("message", 1, "2", { 3: [true] }, null);
      assert.deepEqual(await back, [1, "2", { 3: [true] }, null]);
      socket.disconnect();
    });

    it("gets acks for message-with-ack", async () => {
      const { socket, connected } = connect("/custom", transports);
      await connected;
      const reply = await socket.timeout(2000).emitWithAck("message-with-ack", "a", { b: ["c"] });
      assert.equal(reply, "a");
      const all = await new Promise((resolve) => socket.emit("message-with-ack", 1, 2, 3, (...args) => resolve(args)));
      assert.deepEqual(all, [1, 2, 3]);
      socket.disconnect();
    });

    it("answers the server's ack request", async () => {
      const { socket, connected } = connect("/", transports);
      await connected;
      let asked = 0;
      const second = new Promise((resolve) => {
        socket.on("emit-with-ack", (...args) => {
          const callback = typeof args.at(-1) === "function" ? args.pop() : null;
          if (callback) {
            asked++;
            callback("answer", ...args);
          } else {
            resolve(args);
          }
        });
      });
      socket.emit("emit-with-ack", 42, "x");
      assert.deepEqual(await second, ["answer", 42, "x"]);
      assert.equal(asked, 1);
      socket.disconnect();
    });

    it("round-trips binary arguments", async () => {
      const { socket, connected } = connect("/", transports);
      await connected;
      const back = new Promise((resolve) => socket.once("message-back", (...args) => resolve(args)));
      const payload = Buffer.from([0, 1, 2, 250, 255]);
      socket.emit("message", payload, { nested: Buffer.from("hi") }, "text");
      const [bytes, nested, text] = await back;
      assert.deepEqual([...Buffer.from(bytes)], [...payload]);
      assert.equal(Buffer.from(nested.nested).toString(), "hi");
      assert.equal(text, "text");
      const acked = await socket.timeout(2000).emitWithAck("message-with-ack", Buffer.from([7, 7]));
      assert.deepEqual([...Buffer.from(acked)], [7, 7]);
      socket.disconnect();
    });

    it("is refused an unknown namespace with Invalid namespace", async () => {
      const { socket, connected } = connect("/random", transports);
      await assert.rejects(connected, (error) => error.message === "Invalid namespace");
      socket.disconnect();
    });
  });
}

describe("socket.io-client transport behaviour", () => {
  it("upgrades from polling to websocket", async () => {
    const { socket, connected } = connect("/", ["polling", "websocket"]);
    // The engine starts on polling at once; the upgrade follows.
    assert.equal(socket.io.engine.transport.name, "polling");
    const upgraded = new Promise((resolve) => socket.io.engine.once("upgrade", resolve));
    await connected;
    await upgraded;
    assert.equal(socket.io.engine.transport.name, "websocket");
    const back = new Promise((resolve) => socket.once("message-back", resolve));
    socket.emit("message", "after upgrade");
    assert.equal(await back, "after upgrade");
    socket.disconnect();
  });

  it("multiplexes / and /custom over one connection", async () => {
    const manager = new Manager(server.http, { transports: ["websocket"], reconnection: false });
    const main = manager.socket("/");
    const custom = manager.socket("/custom");
    await Promise.all([main, custom].map((socket) => new Promise((resolve) => socket.once("connect", resolve))));
    const both = Promise.all([
      new Promise((resolve) => main.once("message-back", resolve)),
      new Promise((resolve) => custom.once("message-back", resolve)),
    ]);
    main.emit("message", "main");
    custom.emit("message", "custom");
    assert.deepEqual(await both, ["main", "custom"]);
    // Leaving one namespace keeps the other on the same Engine.IO connection.
    custom.disconnect();
    const again = new Promise((resolve) => main.once("message-back", resolve));
    main.emit("message", "still here");
    assert.equal(await again, "still here");
    assert.equal(manager.engine.readyState, "open");
    main.disconnect();
  });

  it("stays connected across several heartbeats", async () => {
    const { socket, connected } = connect("/", ["websocket"]);
    await connected;
    let pings = 0;
    socket.io.on("ping", () => pings++);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.ok(socket.connected);
    assert.ok(pings >= 3, `${pings} pings`);
    socket.disconnect();
  });

  it("carries many messages in batched polling payloads", async () => {
    const { socket, connected } = connect("/", ["polling"]);
    await connected;
    const received = [];
    const done = new Promise((resolve) =>
      socket.on("message-back", (n) => {
        received.push(n);
        if (received.length === 200) resolve();
      }),
    );
    for (let i = 0; i < 200; i++) socket.emit("message", i);
    await done;
    assert.deepEqual(received, [...Array(200).keys()]);
    socket.disconnect();
  });
});
