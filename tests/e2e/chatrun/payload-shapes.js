// SPEC section 2 as the web UI's chat page reads it: the shape every server → client event of /chat-run
// must have. checkServerEvent() returns the problems of one received event (empty when it conforms).
// The web UI dispatches on payload.event, so every payload but `resumed` names itself; every one carries
// the session it belongs to.

const CHOICES = ["once", "session", "always", "deny"];
const MESSAGE_ROLES = ["user", "assistant", "tool", "system"];

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
const isCount = (value) => Number.isInteger(value) && value >= 0;
const isText = (value) => typeof value === "string";
const isNonEmptyText = (value) => typeof value === "string" && value.length > 0;
// Seconds since the epoch (the web UI multiplies by 1000); a value in milliseconds would be a bug.
const isSeconds = (value) => typeof value === "number" && value > 1e9 && value < 1e11;

// field → predicate, per event. Fields the relay adds beyond these are allowed (SPEC: "may add fields").
const REQUIRED = {
  "run.queued": { queue_length: isCount },
  "run.started": { run_id: isNonEmptyText, status: isNonEmptyText, queue_length: isCount },
  "run.completed": { run_id: isNonEmptyText, queue_remaining: isCount },
  "run.failed": { error: isNonEmptyText, queue_remaining: isCount },
  "run.cancelled": { queue_remaining: isCount },
  "message.delta": { run_id: isNonEmptyText, delta: isText, timestamp: isSeconds },
  "reasoning.delta": { run_id: isNonEmptyText, timestamp: isSeconds },
  "tool.started": { run_id: isNonEmptyText, tool: isNonEmptyText },
  "tool.completed": { run_id: isNonEmptyText, tool: isNonEmptyText },
  "abort.started": { run_id: isText, graceMs: (v) => Number.isInteger(v) && v > 0 },
  "abort.completed": { synced: (v) => typeof v === "boolean" },
  "approval.request": {
    run_id: isNonEmptyText,
    timestamp: isSeconds,
    command: isText,
    description: isText,
    pattern_key: isText,
    pattern_keys: (v) => Array.isArray(v) && v.every(isText),
    choices: (v) => Array.isArray(v) && v.length > 0 && v.every((c) => CHOICES.includes(c)),
    message: isText,
  },
  "approval.responded": { choice: isText, all: (v) => typeof v === "boolean", resolved: isCount },
  "usage.updated": { inputTokens: isCount, outputTokens: isCount },
  "compression.started": { message_count: isCount, token_count: isCount },
  "relay.error": { message: isNonEmptyText },
};

function checkFields(where, payload, fields, problems) {
  for (const [field, valid] of Object.entries(fields)) {
    if (!valid(payload[field])) problems.push(`${where}: bad ${field} = ${JSON.stringify(payload[field])}`);
  }
}

function checkResumed(payload, problems) {
  const session = payload.session_id;
  checkFields("resumed", payload, {
    session_id: isNonEmptyText,
    messages: Array.isArray,
    isWorking: (v) => typeof v === "boolean",
    isAborting: (v) => typeof v === "boolean",
    events: Array.isArray,
    inputTokens: isCount,
    outputTokens: isCount,
    queueLength: isCount,
  }, problems);
  (Array.isArray(payload.messages) ? payload.messages : []).forEach((message, i) => {
    if (!isObject(message)) return problems.push(`resumed.messages[${i}] is not an object`);
    checkFields(`resumed.messages[${i}]`, message, {
      id: (v) => Number.isInteger(v) || isNonEmptyText(v),
      session_id: (v) => v === session,
      role: (v) => MESSAGE_ROLES.includes(v),
      content: isText,
      reasoning: (v) => v === null || isText(v),
      timestamp: isSeconds,
    }, problems);
  });
  (Array.isArray(payload.events) ? payload.events : []).forEach((entry, i) => {
    if (!isObject(entry) || !isNonEmptyText(entry.event) || !isObject(entry.data))
      return problems.push(`resumed.events[${i}] is not {event, data}: ${JSON.stringify(entry)}`);
    // Replayed as emitted, so the web UI can feed data to the same handler as a live event.
    if (entry.data.event !== entry.event) problems.push(`resumed.events[${i}].data.event != ${entry.event}`);
    if (entry.data.session_id !== session) problems.push(`resumed.events[${i}].data.session_id != ${session}`);
    if (REQUIRED[entry.event]) checkFields(`resumed.events[${i}].data`, entry.data, REQUIRED[entry.event], problems);
  });
  if (payload.isAborting && !payload.isWorking) problems.push("resumed: isAborting without isWorking");
}

export function checkServerEvent(name, args) {
  const problems = [];
  if (args.length !== 1) problems.push(`${name}: ${args.length} arguments instead of one payload`);
  const payload = args[0];
  if (!isObject(payload)) return [...problems, `${name}: payload is not an object: ${JSON.stringify(payload)}`];
  if (name === "resumed") {
    checkResumed(payload, problems);
    return problems;
  }
  if (payload.event !== name) problems.push(`${name}: payload.event = ${JSON.stringify(payload.event)}`);
  // relay.error answers a request that may have had no valid session; everything else belongs to one.
  if (name !== "relay.error" || "session_id" in payload) {
    if (!isNonEmptyText(payload.session_id)) problems.push(`${name}: no session_id`);
  }
  if (REQUIRED[name]) checkFields(name, payload, REQUIRED[name], problems);
  if (name === "abort.completed") {
    if (payload.ignored === true && payload.synced !== false) problems.push("abort.completed: ignored but synced");
    if (payload.ignored !== true && !isNonEmptyText(payload.run_id)) problems.push("abort.completed: no run_id");
    if ("queue_length" in payload && !isCount(payload.queue_length)) problems.push("abort.completed: bad queue_length");
  }
  if (name === "approval.responded" && "error" in payload && !isNonEmptyText(payload.error))
    problems.push("approval.responded: empty error");
  return problems;
}
