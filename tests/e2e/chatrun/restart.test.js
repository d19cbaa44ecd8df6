// Restart safety through the relay (SPEC 3.5, 3.7): when `caduceus --relay` stops in the middle of a run
// with inputs queued, the next start over the same data recovers the run and works off the queue, and a
// client that comes back sees the whole conversation.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { assertConform, benchInput, connectClient, makeDataDir, newSessionId, startRelay, startSim } from "./harness.js";

let sim;
let dataDir;
before(async () => {
  sim = await startSim();
  dataDir = makeDataDir();
});
after(async () => {
  await sim?.stop();
  dataDir?.remove();
});

const forSession = (session) => (p) => p.session_id === session;

describe("restart", () => {
  it("recovers the run in flight and runs the persisted queue after a restart", async () => {
    const session = newSessionId("restart");
    const inputs = [benchInput(100, 20, "first"), benchInput(4, 0, "second"), benchInput(6, 0, "third")];
    const firstRelay = await startRelay(sim.url, { dataDir });
    const before = await connectClient(firstRelay.url);
    await before.request("run", { session_id: session, input: inputs[0] });
    await before.request("run", { session_id: session, input: inputs[1] });
    await before.request("run", { session_id: session, input: inputs[2] });
    await before.waitFor("run.queued", (p) => p.session_id === session && p.queue_length === 2);
    for (let i = 0; i < 3; i++) await before.waitFor("message.delta", forSession(session));
    assertConform(before);
    before.close();
    await firstRelay.stop();

    const secondRelay = await startRelay(sim.url, { dataDir });
    try {
      const after = await connectClient(secondRelay.url);
      // Follow the session until nothing runs or waits any more; the terminal events seen on the way
      // may be fewer than the runs, since some can end before this client joins.
      let state = await after.resume(session);
      while (state.isWorking || state.queueLength > 0) {
        await after.waitFor(["run.completed", "run.failed"], forSession(session));
        state = await after.resume(session);
      }
      assert.equal(after.all("run.failed", session).length, 0);
      const users = state.messages.filter((m) => m.role === "user").map((m) => m.content);
      assert.deepEqual(users, inputs, "every input ran once, in order");
      const answers = state.messages.filter((m) => m.role === "assistant").map((m) => m.content.length);
      assert.deepEqual(answers, [100 * 12, 4 * 12, 6 * 12], "the interrupted answer was completed");
      assertConform(after);
      after.close();
    } finally {
      await secondRelay.stop();
    }
  });
});
