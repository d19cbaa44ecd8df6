// The per-session queue and abort through `caduceus --relay` (SPEC 3.3, 3.5).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { assertConform, benchInput, connectClient, newSessionId, startStack } from "./harness.js";

let stack;
before(async () => (stack = await startStack()));
after(() => stack?.stop());

const userTexts = (resumed) => resumed.messages.filter((m) => m.role === "user").map((m) => m.content);

describe("queue", () => {
  it("runs three queued inputs in order, minus the one cancelled, each after the previous ends", async () => {
    const client = await connectClient(stack.relay.url);
    const session = newSessionId("queue");
    // The first run waits for an approval, so it is certainly still running while the others queue up
    // however slow the machine is.
    const first = "hold the line sim:approval";
    await client.request("run", { session_id: session, input: first });
    const running = await client.waitFor("approval.request", (p) => p.session_id === session);

    const inputs = ["second", "third", "fourth"].map((word, i) => benchInput(5 + i, 0, word));
    for (const [i, input] of inputs.entries()) {
      const ack = await client.request("run", { session_id: session, input, queue_id: `q${i}` });
      assert.deepEqual(ack, { ok: true, queued: true });
      const queued = await client.waitFor("run.queued", (p) => p.session_id === session && p.queue_id === `q${i}`);
      assert.equal(queued.payload.queue_length, i + 1);
    }
    const before = await client.resume(session);
    assert.equal(before.isWorking, true);
    assert.equal(before.queueLength, 3);

    assert.deepEqual(await client.request("cancel_queued_run", { session_id: session, queue_id: "q1" }), {
      ok: true,
      cancelled: true,
    });
    const afterCancel = await client.waitFor("run.queued", (p) => p.session_id === session && !p.queue_id);
    assert.equal(afterCancel.payload.queue_length, 2);
    // An unknown or already cancelled id changes nothing.
    assert.deepEqual(await client.request("cancel_queued_run", { session_id: session, queue_id: "q1" }), {
      ok: true,
      cancelled: false,
    });

    await client.request("approval.respond", { session_id: session, choice: "once" });
    const completions = [];
    for (let i = 0; i < 3; i++) completions.push(await client.waitFor("run.completed", (p) => p.session_id === session));
    assert.deepEqual(
      completions.map((c) => c.payload.queue_remaining),
      [2, 1, 0],
    );
    assert.equal(completions[0].payload.run_id, running.payload.run_id);
    const starts = client.all("run.started", session);
    assert.equal(starts.length, 3, "the cancelled input never ran");
    // Each queued input starts only after the previous run ended.
    assert.ok(starts[1].seq > completions[0].seq && starts[2].seq > completions[1].seq);
    assert.equal(client.streamedText(completions[1].payload.run_id).length, 5 * 12);
    assert.equal(client.streamedText(completions[2].payload.run_id).length, 7 * 12);

    const resumed = await client.resume(session);
    assert.deepEqual(userTexts(resumed), [first, inputs[0], inputs[2]]);
    assert.equal(resumed.queueLength, 0);
    assert.equal(resumed.isWorking, false);
    assertConform(client);
    client.close();
  });

  it("starts an input sent to an idle session at once", async () => {
    const client = await connectClient(stack.relay.url);
    const session = newSessionId("idle");
    assert.deepEqual(await client.request("run", { session_id: session, input: benchInput(2, 0), queue_id: "x" }), {
      ok: true,
      queued: false,
    });
    const started = await client.waitFor("run.started", (p) => p.session_id === session);
    assert.equal(started.payload.queue_length, 0);
    await client.waitFor("run.completed", (p) => p.session_id === session);
    assert.equal(client.all("run.queued", session).length, 0);
    assertConform(client);
    client.close();
  });
});

describe("abort", () => {
  it("stops a streaming run (abort.started, abort.completed) and then starts the queued run", async () => {
    const client = await connectClient(stack.relay.url);
    const session = newSessionId("abort");
    await client.request("run", { session_id: session, input: benchInput(500, 20, "endless") });
    const started = await client.waitFor("run.started", (p) => p.session_id === session);
    const runId = started.payload.run_id;
    await client.request("run", { session_id: session, input: benchInput(4, 0, "next"), queue_id: "after-abort" });
    for (let i = 0; i < 3; i++) await client.waitFor("message.delta", (p) => p.run_id === runId);

    assert.deepEqual(await client.request("abort", { session_id: session }), { ok: true });
    const abortStarted = await client.waitFor("abort.started", (p) => p.session_id === session);
    assert.equal(abortStarted.payload.run_id, runId);
    assert.equal(abortStarted.payload.graceMs, 5000);
    const abortCompleted = await client.waitFor("abort.completed", (p) => p.session_id === session);
    assert.equal(abortCompleted.payload.run_id, runId);
    assert.equal(typeof abortCompleted.payload.synced, "boolean");
    assert.equal(abortCompleted.payload.queue_length, 1);

    const next = await client.waitFor("run.started", (p) => p.session_id === session && p.run_id !== runId);
    assert.ok(next.seq > abortCompleted.seq, "the queued run starts after the abort completed");
    const dequeued = client.all("run.queued", session).filter((e) => e.seq > abortCompleted.seq);
    assert.equal(dequeued.length, 1, "run.queued tells the clients the queue shrank");
    assert.equal(dequeued[0].payload.queue_length, 0);
    assert.ok(dequeued[0].seq < next.seq);
    const nextDone = await client.waitFor("run.completed", (p) => p.run_id === next.payload.run_id);
    assert.equal(nextDone.payload.queue_remaining, 0);

    // The aborted run ended only through abort.*: no terminal event of its own, and it stopped early.
    assert.equal(client.all("run.completed").filter((e) => e.payload.run_id === runId).length, 0);
    assert.equal(client.all("run.cancelled").filter((e) => e.payload.run_id === runId).length, 0);
    assert.ok(client.all("message.delta").filter((e) => e.payload.run_id === runId).length < 500);

    const resumed = await client.resume(session);
    assert.equal(resumed.isWorking, false);
    assert.equal(resumed.isAborting, false);
    const partial = resumed.messages.find((m) => m.role === "assistant" && m.run_id === runId);
    assert.ok(partial && partial.content.length > 0, "the partial answer is kept");
    assertConform(client);
    client.close();
  });

  it("shows a slow abort to a resuming client (isAborting, abort.started replayed) and ignores a second abort", async () => {
    const client = await connectClient(stack.relay.url);
    const session = newSessionId("slow-abort");
    // sim:nocancel ignores the stop: the relay finishes by its grace period or by the run's own end.
    await client.request("run", { session_id: session, input: "keep going sim:nocancel" });
    const started = await client.waitFor("run.started", (p) => p.session_id === session);
    await client.waitFor("message.delta", (p) => p.session_id === session);
    await client.request("abort", { session_id: session });
    const abortStarted = await client.waitFor("abort.started", (p) => p.session_id === session);

    const observer = await connectClient(stack.relay.url);
    const resumed = await observer.resume(session);
    assert.equal(resumed.isWorking, true);
    assert.equal(resumed.isAborting, true);
    const replayed = resumed.events.find((e) => e.event === "abort.started");
    assert.ok(replayed, `abort.started replayed: ${JSON.stringify(resumed.events)}`);
    assert.deepEqual(replayed.data, abortStarted.payload);

    await client.request("abort", { session_id: session });
    const completed = await client.waitFor("abort.completed", (p) => p.session_id === session);
    assert.equal(completed.payload.run_id, started.payload.run_id);
    await observer.waitFor("abort.completed", (p) => p.session_id === session);
    assert.equal(client.all("abort.started", session).length, 1, "abort is idempotent");
    assert.equal(client.all("abort.completed", session).length, 1);
    assertConform(client, observer);
    client.close();
    observer.close();
  });

  it("answers an abort of an idle session with abort.completed {synced:false, ignored:true}", async () => {
    const client = await connectClient(stack.relay.url);
    const session = newSessionId("abort-idle");
    await client.request("abort", { session_id: session });
    const completed = await client.waitFor("abort.completed", (p) => p.session_id === session);
    assert.equal(completed.payload.synced, false);
    assert.equal(completed.payload.ignored, true);
    assertConform(client);
    client.close();
  });
});
