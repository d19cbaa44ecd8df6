// Whatever a client sends, it gets a clear error (relay.error and a refusing ack) and keeps its
// connection; the relay keeps serving everyone (SPEC 8).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { assertConform, benchInput, connectClient, newSessionId, startStack } from "./harness.js";

let stack;
let client;
before(async () => {
  stack = await startStack();
  client = await connectClient(stack.relay.url);
});
after(async () => {
  client?.close();
  await stack?.stop();
});

// Sends one bad request and returns [ack, relay.error payload].
async function refused(name, ...args) {
  const error = client.waitFor("relay.error", (p) => p.request === name);
  const ack = await client.socket.timeout(20000).emitWithAck(name, ...args);
  return [ack, (await error).payload];
}

describe("bad payloads", () => {
  const session = newSessionId("bad");
  const cases = [
    ["a run without a session_id", "run", [{ input: "hi" }], /needs a session_id/],
    ["a run with an unsafe session_id", "run", [{ session_id: "../../etc", input: "hi" }], /Invalid session_id/],
    ["a run with a 200-character session_id", "run", [{ session_id: "s".repeat(200), input: "hi" }], /Invalid session_id/],
    ["a run with a numeric session_id", "run", [{ session_id: 42, input: "hi" }], /session_id/],
    ["a run whose input is a number", "run", [{ session_id: session, input: 7 }], /"input" must be a string or a list/],
    ["a run without input", "run", [{ session_id: session }], /"input" must be/],
    ["a run with an empty message", "run", [{ session_id: session, input: "   " }], /empty/],
    ["a run with an unknown content block", "run", [{ session_id: session, input: [{ type: "video", src: "x" }] }], /unknown type "video"/],
    ["a run with an empty block list", "run", [{ session_id: session, input: [] }], /empty/],
    ["a run with a block that is not an object", "run", [{ session_id: session, input: ["text"] }], /not an object/],
    ["a run whose payload is a string", "run", ["hello"], /must be an object/],
    ["a run whose payload is an array", "run", [[1, 2]], /must be an object/],
    ["a run whose payload is null", "run", [null], /must be an object/],
    ["a resume without a session_id", "resume", [{}], /needs a session_id/],
    ["an abort whose payload is a number", "abort", [5], /must be an object/],
    ["an unknown event", "delete_everything", [{ session_id: session }], /Unknown event "delete_everything"/],
  ];
  for (const [label, name, args, message] of cases) {
    it(`answers ${label} with a clear error and stays connected`, async () => {
      const [ack, error] = await refused(name, ...args);
      assert.equal(ack.ok, false);
      assert.match(ack.error, message);
      assert.equal(error.message, ack.error);
      assert.ok(client.socket.connected);
    });
  }

  it("refuses a message over the input limit with a clear error, not a dropped connection", async () => {
    const [ack] = await refused("run", { session_id: session, input: "x".repeat(950 * 1000) });
    assert.match(ack.error, /larger than/);
    assert.ok(client.socket.connected);
  });

  it("answers an event sent without an ack request with relay.error only", async () => {
    const error = client.waitFor("relay.error", (p) => p.request === "run" && p.session_id === session);
    client.socket.emit("run", { session_id: session, input: 12 });
    assert.match((await error).payload.message, /"input" must be/);
  });

  it("never started or stored anything for the refused requests", async () => {
    const resumed = await client.resume(session);
    assert.equal(resumed.messages.length, 0);
    assert.equal(resumed.isWorking, false);
    assert.equal(client.all("run.started").length, 0);
  });

  it("still runs a valid request afterwards on the same connection", async () => {
    const fine = newSessionId("after-bad");
    assert.deepEqual(await client.request("run", { session_id: fine, input: benchInput(3, 0) }), {
      ok: true,
      queued: false,
    });
    const completed = await client.waitFor("run.completed", (p) => p.session_id === fine);
    assert.equal(client.streamedText(completed.payload.run_id), completed.payload.output);
    assertConform(client);
    assert.ok(stack.relay.alive());
  });
});
