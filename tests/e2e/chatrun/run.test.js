// A turn through `caduceus --relay` as the web UI sees it: run → run.started → deltas → run.completed,
// failures, and several clients sharing one session room.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { assertConform, benchInput, connectClient, newSessionId, startStack } from "./harness.js";

let stack;
before(async () => (stack = await startStack()));
after(() => stack?.stop());

describe("run", () => {
  it("streams run.started, every delta in order and run.completed with queue_remaining", async () => {
    const client = await connectClient(stack.relay.url);
    const session = newSessionId("run");
    const ack = await client.request("run", { session_id: session, input: benchInput(40, 5, "count") });
    assert.deepEqual(ack, { ok: true, queued: false });

    const started = await client.waitFor("run.started", (p) => p.session_id === session);
    const runId = started.payload.run_id;
    assert.match(runId, /^run_/);
    assert.equal(started.payload.queue_length, 0);
    const completed = await client.waitFor("run.completed", (p) => p.session_id === session);
    assert.equal(completed.payload.run_id, runId);
    assert.equal(completed.payload.queue_remaining, 0);
    assert.ok(completed.payload.usage, "the agent's usage is passed through");

    const deltas = client.all("message.delta", session);
    assert.equal(deltas.length, 40);
    assert.ok(deltas.every((d) => d.seq > started.seq && d.seq < completed.seq), "deltas between start and end");
    assert.ok(deltas.every((d) => d.payload.run_id === runId));
    assert.equal(client.streamedText(runId), completed.payload.output);

    // The finished turn is what a reload of the page shows.
    const resumed = await client.resume(session);
    assert.equal(resumed.isWorking, false);
    assert.equal(resumed.isAborting, false);
    assert.deepEqual(resumed.events, []);
    assert.equal(resumed.queueLength, 0);
    const roles = resumed.messages.map((m) => m.role);
    assert.deepEqual(roles, ["user", "assistant"]);
    assert.equal(resumed.messages[0].content, benchInput(40, 5, "count"));
    assert.equal(resumed.messages[1].content, completed.payload.output);
    assert.ok(resumed.inputTokens > 0 && resumed.outputTokens > 0);
    assertConform(client);
    client.close();
  });

  it("reports usage.updated after the turn", async () => {
    const client = await connectClient(stack.relay.url);
    const session = newSessionId("usage");
    await client.request("run", { session_id: session, input: benchInput(3, 0) });
    const completed = await client.waitFor("run.completed", (p) => p.session_id === session);
    const usage = await client.waitFor("usage.updated", (p) => p.session_id === session);
    assert.ok(usage.seq > completed.seq);
    assert.ok(usage.payload.inputTokens > 0 && usage.payload.outputTokens > 0);
    assertConform(client);
    client.close();
  });

  it("accepts content blocks as input and stores their text", async () => {
    const client = await connectClient(stack.relay.url);
    const session = newSessionId("blocks");
    // The relay accepts attachments only from the folders the user allowed: here the upload folder.
    const shot = join(stack.relay.dataDir, "uploads", "shot.png");
    mkdirSync(dirname(shot), { recursive: true });
    writeFileSync(shot, "not really a png");
    const input = [
      { type: "text", text: "look at this sim:bench sim:deltas=3 sim:delay=0" },
      { type: "image", name: "shot.png", path: shot, media_type: "image/png" },
    ];
    assert.equal((await client.request("run", { session_id: session, input })).ok, true);
    await client.waitFor("run.completed", (p) => p.session_id === session);
    const resumed = await client.resume(session);
    assert.match(resumed.messages[0].content, /look at this/);
    assert.equal(resumed.messages[0].role, "user");
    assertConform(client);
    client.close();
  });

  it("ends a failing run with run.failed carrying the error and queue_remaining", async () => {
    const client = await connectClient(stack.relay.url);
    const session = newSessionId("fail");
    await client.request("run", { session_id: session, input: "break sim:fail" });
    const failed = await client.waitFor("run.failed", (p) => p.session_id === session);
    assert.ok(failed.payload.error.length > 0);
    assert.equal(failed.payload.queue_remaining, 0);
    assert.equal(client.all("run.completed", session).length, 0);
    const resumed = await client.resume(session);
    assert.equal(resumed.isWorking, false, "a failed run leaves no spinner");
    assertConform(client);
    client.close();
  });

  it("passes tool events through and keeps tool rows in the transcript", async () => {
    const client = await connectClient(stack.relay.url);
    const session = newSessionId("tools");
    await client.request("run", { session_id: session, input: "use tools sim:tools sim:delay=0" });
    await client.waitFor("run.completed", (p) => p.session_id === session);
    const started = client.all("tool.started", session);
    const completed = client.all("tool.completed", session);
    assert.equal(started.length, 2);
    assert.equal(completed.length, 2);
    assert.ok(client.all("reasoning.available", session).length > 0, "unknown-to-the-relay events pass through");
    const resumed = await client.resume(session);
    assert.ok(resumed.messages.some((m) => m.role === "tool"));
    assertConform(client);
    client.close();
  });
});

describe("two clients in one room", () => {
  it("both see the same run, event for event, and other sessions see none of it", async () => {
    const session = newSessionId("room");
    const [first, second, elsewhere] = await Promise.all([1, 2, 3].map(() => connectClient(stack.relay.url)));
    await second.resume(session);
    await elsewhere.resume(newSessionId("room-other"));

    await first.request("run", { session_id: session, input: benchInput(30, 5, "shared") });
    const [a, b] = await Promise.all(
      [first, second].map((c) => c.waitFor("run.completed", (p) => p.session_id === session)),
    );
    assert.equal(a.payload.run_id, b.payload.run_id);
    const sequence = (client) =>
      client.events
        .filter((e) => e.payload?.session_id === session && e.name !== "resumed")
        .map((e) => `${e.name}:${e.payload.delta ?? e.payload.run_id ?? ""}`);
    assert.deepEqual(sequence(second), sequence(first));
    assert.equal(second.all("message.delta", session).length, 30);
    assert.equal(elsewhere.events.filter((e) => e.payload?.session_id === session).length, 0);

    // The second client can drive the session too; the first sees its run.
    await second.request("run", { session_id: session, input: benchInput(5, 0, "from the second tab") });
    const secondRun = await first.waitFor(
      "run.started",
      (p) => p.session_id === session && p.run_id !== a.payload.run_id,
    );
    await first.waitFor("run.completed", (p) => p.run_id === secondRun.payload.run_id);
    assertConform(first, second, elsewhere);
    for (const client of [first, second, elsewhere]) client.close();
  });

  it("keeps streaming to the room when one of its clients leaves mid-run", async () => {
    const session = newSessionId("leave");
    const [staying, leaving] = await Promise.all([1, 2].map(() => connectClient(stack.relay.url)));
    await leaving.resume(session);
    await staying.request("run", { session_id: session, input: benchInput(30, 10, "leaving") });
    await leaving.waitFor("message.delta", (p) => p.session_id === session);
    leaving.close();
    const completed = await staying.waitFor("run.completed", (p) => p.session_id === session);
    assert.equal(staying.streamedText(completed.payload.run_id), completed.payload.output);
    assertConform(staying, leaving);
    staying.close();
  });
});
