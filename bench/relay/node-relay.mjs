// The reference stack's streaming path, reduced to what a benchmark exercises: a Node relay on the
// socket.io server with /chat-run, token auth, `resume` (join the session room) and `run` (POST the run,
// read the agent's SSE with the `eventsource` package, JSON.parse each frame, mirror deltas into the
// in-memory transcript, tag the payload with session_id and emit it to the room), as
// hermes-web-ui's chat-run-socket.ts does. It keeps no database and does no sync, compression or usage
// accounting, so it is the Node relay at its cheapest.
//   AGENT_URL=… AGENT_KEY=… RELAY_TOKEN=… node node-relay.mjs   → prints "node relay listening on <url>"
import { createServer } from "node:http";
import { EventSource } from "eventsource";
import { Server } from "socket.io";

const agentUrl = process.env.AGENT_URL;
const agentKey = process.env.AGENT_KEY ?? "";
const token = process.env.RELAY_TOKEN;
if (!agentUrl || !token) {
  console.error("set AGENT_URL and RELAY_TOKEN");
  process.exit(2);
}
const authorization = agentKey ? { Authorization: `Bearer ${agentKey}` } : {};

const httpServer = createServer();
const io = new Server(httpServer);
const nsp = io.of("/chat-run");
const sessions = new Map();

function sessionState(sessionId) {
  let state = sessions.get(sessionId);
  if (!state) {
    state = { messages: [], isWorking: false, runId: null };
    sessions.set(sessionId, state);
  }
  return state;
}

nsp.use((socket, next) => {
  if (socket.handshake.auth?.token === token) next();
  else next(new Error("Authentication failed"));
});

nsp.on("connection", (socket) => {
  socket.on("resume", (data) => {
    const sessionId = data?.session_id;
    if (typeof sessionId !== "string") return;
    socket.join(`session:${sessionId}`);
    const state = sessionState(sessionId);
    socket.emit("resumed", {
      session_id: sessionId,
      messages: state.messages,
      isWorking: state.isWorking,
      isAborting: false,
      events: [],
      inputTokens: 0,
      outputTokens: 0,
      queueLength: 0,
    });
  });

  socket.on("run", async (data, ack) => {
    const sessionId = data?.session_id;
    if (typeof sessionId !== "string" || typeof data.input !== "string") {
      ack?.({ ok: false, error: "bad request" });
      return;
    }
    socket.join(`session:${sessionId}`);
    const state = sessionState(sessionId);
    const emit = (event, payload) => nsp.to(`session:${sessionId}`).emit(event, { ...payload, session_id: sessionId });
    state.isWorking = true;
    state.messages.push({
      id: state.messages.length + 1,
      session_id: sessionId,
      role: "user",
      content: data.input,
      timestamp: Date.now() / 1000,
    });
    ack?.({ ok: true, queued: false });
    try {
      const response = await fetch(`${agentUrl}/v1/runs`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...authorization },
        body: JSON.stringify({ input: data.input, session_id: `eph_${sessionId}` }),
      });
      if (response.status !== 202) {
        state.isWorking = false;
        emit("run.failed", { event: "run.failed", error: `Upstream ${response.status}`, queue_remaining: 0 });
        return;
      }
      const { run_id: runId } = await response.json();
      state.runId = runId;
      emit("run.started", { event: "run.started", run_id: runId, status: "started", queue_length: 0 });
      const source = new EventSource(`${agentUrl}/v1/runs/${runId}/events`, {
        fetch: (url, init) => fetch(url, { ...init, headers: { ...(init?.headers ?? {}), ...authorization } }),
      });
      source.onmessage = (event) => {
        let parsed;
        try {
          parsed = JSON.parse(event.data);
        } catch {
          return;
        }
        const last = state.messages.at(-1);
        if (parsed.event === "message.delta") {
          if (last?.role === "assistant" && last.runId === runId) last.content += parsed.delta ?? "";
          else
            state.messages.push({
              id: state.messages.length + 1,
              session_id: sessionId,
              role: "assistant",
              content: parsed.delta ?? "",
              runId,
              timestamp: Date.now() / 1000,
            });
        }
        if (parsed.event === "run.completed" || parsed.event === "run.failed") {
          source.close();
          state.isWorking = false;
          parsed.queue_remaining = 0;
        }
        emit(parsed.event || "message", parsed);
      };
      source.onerror = () => {
        source.close();
        if (!state.isWorking) return;
        state.isWorking = false;
        emit("run.failed", { event: "run.failed", error: "EventSource connection lost", queue_remaining: 0 });
      };
    } catch (error) {
      state.isWorking = false;
      emit("run.failed", { event: "run.failed", error: error.message, queue_remaining: 0 });
    }
  });
});

httpServer.listen(0, "127.0.0.1", () => {
  console.log(`node relay listening on http://127.0.0.1:${httpServer.address().port}`);
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    io.close();
    process.exit(0);
  });
}
