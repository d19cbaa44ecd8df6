// The browser side of tst_window_browser: a /chat-run client (the real socket.io-client) driven over
// stdin by the Qt test, one JSON command a line; it prints every event it receives, and every ack, as one
// JSON line on stdout. Usage: node browser.mjs <relay url> <token>
import { createInterface } from "node:readline";
import { io } from "socket.io-client";

const [url, token] = process.argv.slice(2);
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

const socket = io(`${url}/chat-run`, { auth: { token }, transports: ["websocket"], forceNew: true, reconnection: false });
socket.onAny((event, payload) => print({ event, payload }));
socket.on("connect", () => print({ connected: true }));
socket.on("connect_error", (error) => print({ connectError: error.message }));
socket.on("disconnect", (reason) => print({ disconnected: reason }));

const requests = {
  resume: (c) => ["resume", { session_id: c.session }],
  run: (c) => ["run", { session_id: c.session, input: c.input }],
  abort: (c) => ["abort", { session_id: c.session }],
  approve: (c) => ["approval.respond", { session_id: c.session, choice: c.choice, all: false }],
};

createInterface({ input: process.stdin }).on("line", async (line) => {
  const command = JSON.parse(line);
  if (command.cmd === "quit") {
    socket.disconnect();
    process.exit(0);
  }
  const [event, payload] = requests[command.cmd](command);
  try {
    const ack = await socket.timeout(20000).emitWithAck(event, payload);
    print({ ack: command.cmd, result: ack });
  } catch (error) {
    print({ ack: command.cmd, error: error.message });
  }
});
process.stdin.on("end", () => process.exit(0));
