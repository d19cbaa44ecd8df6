// Guarded commands through `caduceus --relay` (SPEC 3.4): the agent's request reaches every client of
// the session once, normalised and replayed to late joiners; the answer goes to the agent once.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { assertConform, benchInput, connectClient, newSessionId, startStack } from "./harness.js";

let stack;
before(async () => (stack = await startStack()));
after(() => stack?.stop());

const forSession = (session) => (p) => p.session_id === session;

describe("approvals", () => {
  it("approval.request → approval.respond → approval.responded, and the run goes on", async () => {
    const [client, observer] = await Promise.all([1, 2].map(() => connectClient(stack.relay.url)));
    const session = newSessionId("approve");
    await observer.resume(session);
    await client.request("run", { session_id: session, input: "clean up sim:approval" });
    const started = await client.waitFor("run.started", forSession(session));
    const request = await client.waitFor("approval.request", forSession(session));
    const p = request.payload;
    assert.equal(p.run_id, started.payload.run_id);
    assert.equal(p.command, "rm -rf build/");
    assert.equal(p.description, "recursive delete");
    assert.equal(p.pattern_key, "recursive delete");
    assert.deepEqual(p.pattern_keys, ["recursive delete"]);
    assert.deepEqual([...p.choices].sort(), ["always", "deny", "once", "session"]);
    assert.ok(p.message.includes("rm -rf build/"), p.message);
    assert.deepEqual((await observer.waitFor("approval.request", forSession(session))).payload, p);

    // A tab opened now sees the pending request among the replayed events.
    const late = await connectClient(stack.relay.url);
    const resumed = await late.resume(session);
    assert.equal(resumed.isWorking, true);
    const replayed = resumed.events.filter((e) => e.event === "approval.request");
    assert.equal(replayed.length, 1);
    assert.deepEqual(replayed[0].data, p);

    const ack = await client.request("approval.respond", { session_id: session, choice: "once" });
    assert.deepEqual(ack, { ok: true });
    for (const c of [client, observer, late]) {
      const responded = await c.waitFor("approval.responded", forSession(session));
      assert.equal(responded.payload.choice, "once");
      assert.equal(responded.payload.all, false);
      assert.equal(responded.payload.resolved, 1);
      assert.equal(responded.payload.error, undefined);
    }
    const completed = await client.waitFor("run.completed", forSession(session));
    assert.match(completed.payload.output, /build folder is gone/);
    assert.equal(client.all("approval.request", session).length, 1, "the request is emitted once");
    assert.equal(client.all("approval.responded", session).length, 1, "the agent's echo is not forwarded twice");
    assert.ok(client.all("tool.completed", session).length >= 1);

    const after = await late.resume(session);
    assert.equal(after.isWorking, false);
    assert.deepEqual(after.events, [], "nothing is replayed once the run is over");
    assertConform(client, observer, late);
    for (const c of [client, observer, late]) c.close();
  });

  it("answers an invalid choice with an error, forwards nothing and keeps the request pending", async () => {
    const client = await connectClient(stack.relay.url);
    const session = newSessionId("bad-choice");
    await client.request("run", { session_id: session, input: "clean up sim:approval" });
    await client.waitFor("approval.request", forSession(session));

    for (const choice of ["maybe", "", "ONCE"]) {
      await client.request("approval.respond", { session_id: session, choice });
      const refused = await client.waitFor("approval.responded", forSession(session));
      assert.match(refused.payload.error, /Invalid approval choice/);
      assert.equal(refused.payload.resolved, 0);
    }
    assert.ok(client.socket.connected);
    const resumed = await client.resume(session);
    assert.equal(resumed.isWorking, true);
    assert.equal(resumed.events.filter((e) => e.event === "approval.request").length, 1, "still pending");

    await client.request("approval.respond", { session_id: session, choice: "deny" });
    const denied = await client.waitFor("approval.responded", (q) => q.session_id === session && !q.error);
    assert.equal(denied.payload.choice, "deny");
    assert.equal(denied.payload.resolved, 1);
    const completed = await client.waitFor("run.completed", forSession(session));
    assert.match(completed.payload.output, /denied/);
    assertConform(client);
    client.close();
  });

  it("resolves every pending request with all:true", async () => {
    const client = await connectClient(stack.relay.url);
    const session = newSessionId("approve-all");
    await client.request("run", { session_id: session, input: "two risky things sim:approval2" });
    await client.waitFor("approval.request", forSession(session));
    await client.waitFor("approval.request", forSession(session));
    await client.request("approval.respond", { session_id: session, choice: "session", all: true });
    const responded = await client.waitFor("approval.responded", forSession(session));
    assert.equal(responded.payload.all, true);
    assert.equal(responded.payload.resolved, 2);
    const completed = await client.waitFor("run.completed", forSession(session));
    assert.match(completed.payload.output, /Ran `git push --force origin main`/);
    assertConform(client);
    client.close();
  });

  it("serves more sessions waiting for approvals at once than one HTTP connection pool holds", async () => {
    // Each waiting run keeps an event stream to the agent open; the starts and answers of the others must
    // not queue behind those streams (Qt allows six connections per host and network manager).
    const client = await connectClient(stack.relay.url);
    const sessions = Array.from({ length: 9 }, () => newSessionId("many"));
    for (const session of sessions) await client.request("run", { session_id: session, input: "risky sim:approval" });
    for (const session of sessions) await client.waitFor("approval.request", forSession(session));
    for (const session of sessions) await client.request("approval.respond", { session_id: session, choice: "once" });
    for (const session of sessions) {
      const responded = await client.waitFor("approval.responded", forSession(session));
      assert.equal(responded.payload.resolved, 1);
      await client.waitFor("run.completed", forSession(session));
    }
    assertConform(client);
    client.close();
  });

  it("says so when nothing is waiting for an approval", async () => {
    const client = await connectClient(stack.relay.url);
    const idle = newSessionId("approve-idle");
    await client.request("approval.respond", { session_id: idle, choice: "once" });
    const noRun = await client.waitFor("approval.responded", forSession(idle));
    assert.match(noRun.payload.error, /No run/);

    // A run is active but the agent has nothing pending (it answers 409).
    const busy = newSessionId("approve-busy");
    await client.request("run", { session_id: busy, input: benchInput(200, 20) });
    await client.waitFor("message.delta", forSession(busy));
    await client.request("approval.respond", { session_id: busy, choice: "once" });
    const conflict = await client.waitFor("approval.responded", forSession(busy));
    assert.match(conflict.payload.error, /Nothing is waiting/);
    await client.request("abort", { session_id: busy });
    await client.waitFor("abort.completed", forSession(busy));
    assertConform(client);
    client.close();
  });
});
