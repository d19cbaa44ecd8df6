// Joining a running session and coming back after a lost connection (SPEC 3.6): `resumed` is the truth
// (partial text, isWorking), and a client that re-resumes after a reconnect sees the end of the run.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  assertConform,
  benchInput,
  connectClient,
  newSessionId,
  startCuttableProxy,
  startStack,
} from "./harness.js";

let stack;
let proxy;
before(async () => {
  stack = await startStack();
  proxy = await startCuttableProxy(stack.relay.url);
});
after(async () => {
  await proxy?.stop();
  await stack?.stop();
});

const forSession = (session) => (p) => p.session_id === session;
const lastAssistant = (resumed) => resumed.messages.filter((m) => m.role === "assistant").at(-1);

describe("resume", () => {
  it("gives a second client the partial text mid-run, then the rest of the stream", async () => {
    const writer = await connectClient(stack.relay.url);
    const session = newSessionId("resume");
    const input = benchInput(60, 15, "partial");
    await writer.request("run", { session_id: session, input });
    const started = await writer.waitFor("run.started", forSession(session));
    for (let i = 0; i < 10; i++) await writer.waitFor("message.delta", forSession(session));

    const reader = await connectClient(stack.relay.url);
    const resumed = await reader.resume(session);
    assert.equal(resumed.isWorking, true);
    assert.equal(resumed.isAborting, false);
    assert.equal(resumed.run_id, started.payload.run_id);
    assert.equal(resumed.messages[0].role, "user");
    assert.equal(resumed.messages[0].content, input);
    const partial = lastAssistant(resumed).content;
    assert.ok(partial.length >= 10 * 12, `partial text of at least the 10 deltas seen: ${partial.length}`);

    const completed = await reader.waitFor("run.completed", forSession(session));
    const rest = reader.streamedText(started.payload.run_id);
    assert.ok(rest.length > 0, "deltas after the resume reach the new client");
    // Nothing lost, nothing doubled: the snapshot and the live stream meet exactly.
    assert.equal(partial + rest, completed.payload.output);
    assert.equal(writer.streamedText(started.payload.run_id), completed.payload.output);
    assertConform(writer, reader);
    writer.close();
    reader.close();
  });

  it("pages long sessions: resumed says whether older messages exist", async () => {
    const client = await connectClient(stack.relay.url);
    const session = newSessionId("short");
    await client.request("run", { session_id: session, input: benchInput(2, 0) });
    await client.waitFor("run.completed", forSession(session));
    const resumed = await client.resume(session);
    assert.equal(resumed.hasMore, false);
    assert.equal(resumed.messages.length, 2);
    assertConform(client);
    client.close();
  });
});

describe("reconnect", () => {
  it("re-resumes after the connection drops mid-run and sees the run end live", async () => {
    const session = newSessionId("drop");
    const client = await connectClient(proxy.url, { reconnection: true });
    client.resumeOnReconnect(session);
    // The approval gate keeps the run alive across the drop however slow the reconnection is.
    await client.request("run", { session_id: session, input: "drop me sim:approval" });
    const started = await client.waitFor("run.started", forSession(session));
    await client.waitFor("approval.request", forSession(session));

    proxy.cutAll();
    const resumed = await client.waitFor("resumed", (p, e) => p.session_id === session && client.disconnects.length > 0 && e.seq > client.disconnects[0].seq);
    assert.equal(client.disconnects[0].reason, "transport close");
    assert.equal(resumed.payload.isWorking, true);
    assert.equal(resumed.payload.run_id, started.payload.run_id);
    assert.equal(resumed.payload.events.filter((e) => e.event === "approval.request").length, 1);
    const partial = lastAssistant(resumed.payload)?.content ?? "";

    await client.request("approval.respond", { session_id: session, choice: "once" });
    const completed = await client.waitFor("run.completed", forSession(session));
    assert.equal(completed.payload.run_id, started.payload.run_id);
    assert.ok(completed.payload.output.length > 0);
    const afterResume = client
      .all("message.delta", session)
      .filter((e) => e.seq > resumed.seq)
      .map((e) => e.payload.delta)
      .join("");
    // The run's text is the partial snapshot plus what streamed after; tool rows split it into messages,
    // so compare with the whole transcript of the run.
    const final = await client.resume(session);
    const runText = final.messages
      .filter((m) => m.role === "assistant" && m.run_id === started.payload.run_id)
      .map((m) => m.content)
      .join("");
    assert.ok(runText.startsWith(partial));
    // The agent starts the text that follows a tool with "\n\n", a separator for clients that show the turn as
    // one text; the transcript's rows (split at the tool) do not have it.
    const streamed = afterResume.replace(/^\n\n/, "");
    assert.ok(runText.endsWith(streamed), `${JSON.stringify(runText)} ends with ${JSON.stringify(streamed)}`);
    assert.equal(final.isWorking, false);
    assertConform(client);
    client.close();
  });

  it("shows a run that ended while the client was away as finished (no stuck spinner)", async () => {
    const session = newSessionId("away");
    const away = await connectClient(proxy.url, { reconnection: true });
    away.resumeOnReconnect(session);
    const present = await connectClient(stack.relay.url);
    await present.resume(session);
    await away.request("run", { session_id: session, input: "while away sim:approval" });
    await away.waitFor("approval.request", forSession(session));

    proxy.cutAll({ refuse: true });
    await new Promise((resolve) => away.socket.once("disconnect", resolve));
    await present.request("approval.respond", { session_id: session, choice: "once" });
    const completed = await present.waitFor("run.completed", forSession(session));
    proxy.accept();

    const resumed = await away.waitFor("resumed", (p, e) => p.session_id === session && e.seq > completed.seq);
    assert.equal(resumed.payload.isWorking, false);
    assert.deepEqual(resumed.payload.events, []);
    assert.equal(away.all("run.completed", session).length, 0, "the terminal event was missed");
    assert.match(lastAssistant(resumed.payload).content, /build folder is gone/);
    assertConform(away, present);
    away.close();
    present.close();
  });

  it("a client the server cuts off for flooding can come back, re-resume and see the end of the run", async () => {
    const session = newSessionId("flood");
    const [flooder, bystander] = await Promise.all([1, 2].map(() => connectClient(stack.relay.url)));
    flooder.resumeOnReconnect(session);
    await bystander.resume(session);
    await bystander.request("run", { session_id: session, input: "flood sim:approval" });
    await flooder.resume(session);
    await flooder.waitFor("approval.request", forSession(session));

    const cut = new Promise((resolve) => flooder.socket.once("disconnect", resolve));
    for (let i = 0; i < 600 && flooder.socket.connected; i++) flooder.socket.emit("resume", { session_id: session });
    const reason = await cut;
    assert.ok(["io server disconnect", "transport close"].includes(reason), reason);
    assert.ok(bystander.socket.connected, "other clients are not affected");

    if (reason === "transport close") flooder.socket.connect();
    const back = await flooder.waitFor("resumed", (p, e) => e.seq > flooder.disconnects[0].seq);
    assert.equal(back.payload.isWorking, true);
    await bystander.request("approval.respond", { session_id: session, choice: "once" });
    const completed = await flooder.waitFor("run.completed", forSession(session));
    assert.ok(completed.seq > back.seq);
    assert.ok(stack.relay.alive());
    assertConform(flooder, bystander);
    flooder.close();
    bystander.close();
  });
});
