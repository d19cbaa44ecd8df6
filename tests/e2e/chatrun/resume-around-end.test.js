// A page reloaded just as an answer finishes (issue 16, section 4): `resumed` must describe one moment.
// Either the run is still working (its text is partial and the live events that follow continue it) or
// it is finished (isWorking false, and no end event of that run reaches this socket afterwards). Fresh
// clients resume at many moments around the end of runs, while the agent answers the transcript request
// (the relay's sync after the terminal event) at once or after a delay, as a remote agent does; each
// client assembles the answer the way the web UI does, and must show it exactly once.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, request } from "node:http";
import {
  assertConform,
  benchInput,
  connectClient,
  newSessionId,
  startRelay,
  startSim,
} from "./harness.js";

// An HTTP proxy in front of hermes-sim that holds the transcript request (GET /api/sessions/:id/messages)
// for `transcriptDelayMs`; everything else, SSE included, passes straight through.
async function startTranscriptDelayProxy(targetUrl) {
  const target = new URL(targetUrl);
  const proxy = { transcriptDelayMs: 0, transcriptRequests: 0 };
  const server = createServer((inbound, outbound) => {
    const forward = () => {
      const upstream = request(
        { host: target.hostname, port: target.port, path: inbound.url, method: inbound.method, headers: inbound.headers },
        (answer) => {
          outbound.writeHead(answer.statusCode, answer.headers);
          answer.pipe(outbound);
        },
      );
      upstream.on("error", () => outbound.destroy());
      inbound.pipe(upstream);
    };
    const transcript = inbound.method === "GET" && /^\/api\/sessions\/[^/?]+\/messages/.test(inbound.url);
    if (transcript) proxy.transcriptRequests += 1;
    if (transcript && proxy.transcriptDelayMs > 0) setTimeout(forward, proxy.transcriptDelayMs);
    else forward();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${server.address().port}`;
  proxy.stop = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    });
  return proxy;
}

// What the web UI makes of `resumed` and the events after it, for one run: the turn's assistant bubbles
// (after the last user message); an in-flight bubble (isWorking and the message still streaming) is
// continued by deltas and closed by run.completed; without one, a delta opens a new bubble and
// run.completed appends its output as a new bubble (the duplicate of issue 16 when `resumed` already held
// the finished answer but said isWorking).
function assemble(client, sessionId, runId) {
  const index = client.events.findIndex((e) => e.name === "resumed" && e.payload.session_id === sessionId);
  assert.ok(index >= 0, "the client got its resumed");
  const resumed = client.events[index].payload;
  const lastUser = resumed.messages.findLastIndex((m) => m.role === "user");
  const bubbles = resumed.messages
    .slice(lastUser + 1)
    .filter((m) => m.role === "assistant")
    .map((m) => ({ text: m.content, open: resumed.isWorking && m.status === "streaming" }));
  let working = resumed.isWorking;
  const problems = [];
  for (const event of client.events.slice(index + 1)) {
    const p = event.payload;
    if (p?.session_id !== sessionId || p.run_id !== runId) continue;
    if (event.name === "message.delta") {
      if (!working) problems.push("a delta after a resumed that said the run was finished");
      const last = bubbles.at(-1);
      if (last?.open) last.text += p.delta;
      else bubbles.push({ text: p.delta, open: true });
    } else if (["run.completed", "run.failed", "run.cancelled"].includes(event.name)) {
      if (!working) problems.push(`${event.name} after a resumed that said the run was finished`);
      const last = bubbles.at(-1);
      if (last?.open) last.open = false;
      else if (event.name === "run.completed") bubbles.push({ text: p.output, open: false });
      working = false;
    }
  }
  if (working) problems.push("still working after the run ended (a spinner that never stops)");
  return {
    text: bubbles.map((b) => b.text).join(""),
    bubbles: bubbles.length,
    problems,
    resumedSeq: client.events[index].seq,
    resumedWorking: resumed.isWorking,
    inFlight: bubbles.length > 0 && resumed.isWorking && resumed.messages.at(-1)?.status === "streaming",
  };
}

let sim;
let proxy;
let relay;
before(async () => {
  sim = await startSim();
  proxy = await startTranscriptDelayProxy(sim.url);
  relay = await startRelay(proxy.url);
});
after(async () => {
  await relay?.stop();
  await proxy?.stop();
  await sim?.stop();
});

const CLIENTS = 36;
const DELTAS = 24;
const DELTA_DELAY_MS = 8;

describe("resume around the end of a run", () => {
  for (const transcriptDelayMs of [0, 60, 400]) {
    it(`shows the answer exactly once, transcript after ${transcriptDelayMs} ms`, async () => {
      proxy.transcriptDelayMs = transcriptDelayMs;
      const writer = await connectClient(relay.url);
      const readers = await Promise.all(Array.from({ length: CLIENTS }, () => connectClient(relay.url)));
      const session = newSessionId("resume-end");
      await writer.request("run", { session_id: session, input: benchInput(DELTAS, DELTA_DELAY_MS, "reload") });
      const runId = (await writer.waitFor("run.started", (p) => p.session_id === session)).payload.run_id;
      // From a few deltas before the end to past the transcript sync, one fresh client resumes every
      // `step` ms.
      for (let i = 0; i < DELTAS - 4; i++) await writer.waitFor("message.delta", (p) => p.run_id === runId);
      const step = Math.max(3, Math.ceil((4 * DELTA_DELAY_MS + transcriptDelayMs + 80) / CLIENTS));
      const resumes = [];
      for (const reader of readers) {
        resumes.push(reader.resume(session));
        await new Promise((resolve) => setTimeout(resolve, step));
      }
      await Promise.all(resumes);
      const completed = await writer.waitFor("run.completed", (p) => p.session_id === session);
      const answer = completed.payload.output;
      assert.ok(answer.length > 0);
      // Whatever is still on its way to a reader arrives well within this.
      await new Promise((resolve) => setTimeout(resolve, 500));

      let duringEnd = 0;
      for (const [i, reader] of readers.entries()) {
        const seen = assemble(reader, session, runId);
        const where = `reader ${i} (resumed ${seen.resumedWorking ? "working" : "finished"})`;
        assert.deepEqual(seen.problems, [], where);
        assert.equal(seen.text, answer, `${where}: the answer exactly once`);
        assert.equal(seen.bubbles, 1, where);
        if (seen.resumedSeq < completed.seq && !seen.inFlight) duringEnd += 1;
      }
      // The writer, in the room all along, sees the end once.
      assert.equal(writer.all("run.completed", session).length, 1);
      assert.equal(writer.streamedText(runId), answer);
      if (transcriptDelayMs >= 400) {
        // The moment between the end of the stream and run.completed (the transcript sync) was hit.
        assert.ok(duringEnd > 0, "some resume landed while the run's end was being written");
      }
      assertConform(writer, ...readers);
      writer.close();
      for (const reader of readers) reader.close();
    });
  }
});
