// Signing in to /chat-run of `caduceus --relay` with the real socket.io-client: the token decides, there is
// no way around it, and a refused client is told why.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ChatClient, RELAY_TOKEN, assertConform, connectClient, newSessionId, startStack } from "./harness.js";

let stack;
before(async () => (stack = await startStack()));
after(() => stack?.stop());

async function refusal(options) {
  const client = new ChatClient(stack.relay.url, options);
  try {
    await client.connected();
    return null;
  } catch (error) {
    return error;
  } finally {
    client.close();
  }
}

describe("connecting to /chat-run", () => {
  it("accepts the relay's token and serves the client", async () => {
    const client = await connectClient(stack.relay.url, { token: RELAY_TOKEN });
    assert.ok(client.socket.id);
    const session = newSessionId("connect");
    const resumed = await client.resume(session);
    assert.equal(resumed.session_id, session);
    assert.deepEqual(resumed.messages, []);
    assert.equal(resumed.isWorking, false);
    assertConform(client);
    client.close();
  });

  for (const [label, options] of [
    ["without a token", { token: undefined }],
    ["with an empty token", { token: "" }],
    ["with a wrong token", { token: "wrong-token" }],
    ["with the token plus one character", { token: `${RELAY_TOKEN}x` }],
    ["with a token that is not a string", { token: 12345 }],
  ]) {
    it(`refuses a client ${label} with "Authentication failed"`, async () => {
      const error = await refusal(options);
      assert.ok(error, "the client was let in");
      assert.equal(error.message, "Authentication failed");
    });
  }

  it("refuses a profile name that could leave the profiles folder", async () => {
    const error = await refusal({ profile: "../etc" });
    assert.ok(error, "the client was let in");
    assert.match(error.message, /profile/i);
  });

  it("accepts a named profile in the query", async () => {
    const client = await connectClient(stack.relay.url, { profile: "work" });
    const resumed = await client.resume(newSessionId("profile"));
    assert.equal(resumed.isWorking, false);
    client.close();
  });

  it("also serves clients that start on HTTP long-polling and upgrade", async () => {
    const client = await connectClient(stack.relay.url, { transports: ["polling", "websocket"] });
    const session = newSessionId("polling");
    await client.request("run", { session_id: session, input: "over polling sim:bench sim:deltas=5 sim:delay=0" });
    const completed = await client.waitFor("run.completed", (p) => p.session_id === session);
    assert.equal(client.streamedText(completed.payload.run_id), completed.payload.output);
    assertConform(client);
    client.close();
  });

  it("keeps serving signed-in clients while others are refused", async () => {
    const client = await connectClient(stack.relay.url);
    for (let i = 0; i < 5; i++) assert.ok(await refusal({ token: `bad-${i}` }));
    const resumed = await client.resume(newSessionId("after-refusals"));
    assert.equal(resumed.isWorking, false);
    assert.ok(stack.relay.alive());
    client.close();
  });
});
