#pragma once
// Plain records exchanged with the store. Timestamps are seconds since the epoch (double), as on
// the wire (SPEC section 2).
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <optional>

namespace caduceus::store {

struct SessionRecord
{
    QString id;              // Caduceus session id (web UI makes them: base36 time + 6 chars)
    QString profile = QStringLiteral("default");
    QString title;           // may be empty (null on the wire)
    QString model;
    QString workspace;
    QString source = QStringLiteral("api_server");
    bool pinned = false;
    double createdAt = 0;
    double lastActive = 0;
    int messageCount = 0;
    qint64 inputTokens = 0;  // agent-reported totals over all runs
    qint64 outputTokens = 0;
    QString preview;         // first user text, for lists (filled by listSessions)
};

namespace MessageStatus {
inline constexpr auto Complete = "complete";
inline constexpr auto Streaming = "streaming";
inline constexpr auto Interrupted = "interrupted";
inline constexpr auto Cancelled = "cancelled";
inline constexpr auto Error = "error";
} // namespace MessageStatus

// Status of a tool row (role "tool"), stored in MessageRecord::extra["tool_status"] and sent as the row's
// top-level "tool_status" field (SessionController::messageToJson). A front end shows it in words and colour:
//   running              tool.started arrived, no outcome yet ("Running…")
//   waiting_for_approval the agent asked the user about this tool's command ("Waiting for approval")
//   done                 tool.completed with "error": false (success)
//   error                tool.completed with "error": true (not an approval refusal), or cut off by a crash
//   denied               the command was refused: the user answered "deny", or nobody answered and the agent
//                        blocked it (approval_choice "timeout"); its result starts with "BLOCKED:"
//   cancelled            the run was stopped while the tool ran
// Other fields of a tool row's extra (each optional):
//   tool_preview (string, the command or argument shown by tool.started), tool_started (epoch seconds),
//   tool_duration (seconds, from tool.completed), tool_arguments (JSON text of the call, after sync),
//   approval_choice (once | session | always | deny | timeout: how the approval of this tool ended),
//   approval_description (the agent's reason for asking, e.g. "delete in root path").
// A row's MessageRecord::status stays "streaming" until the tool ends, then "complete" (the outcome is in
// tool_status). An approval answered while no tool row waits for it is a separate row of role "notice" with
// extra["approval_choice"]. The key names are the constants of caduceus::MessageField
// (protocol/EventNames.h).
namespace ToolStatus {
inline constexpr auto Running = "running";
inline constexpr auto WaitingForApproval = "waiting_for_approval";
inline constexpr auto Done = "done";
inline constexpr auto Error = "error";
inline constexpr auto Denied = "denied";
inline constexpr auto Cancelled = "cancelled";
} // namespace ToolStatus

struct MessageRecord
{
    qint64 id = 0;           // primary key; the id of resumed.messages and search hits
    QString sessionId;
    QString role;            // user | assistant | tool | system | error
    QString content;         // user ContentBlock[] input is stored as its JSON text
    QString reasoning;
    QJsonArray toolCalls;    // OpenAI shape [{id,type,function:{name,arguments}}]
    QString toolCallId;
    QString toolName;
    double timestamp = 0;
    QString status = QString::fromLatin1(MessageStatus::Complete);
    QString runId;           // the agent run that produced it (empty for user rows before start)
    QJsonObject extra;       // tool preview/duration/error, reasoning duration, approval result …
};

struct RunRecord
{
    QString runId;
    QString sessionId;
    QString agentSessionId;  // eph_… id sent to the agent
    QString profile;
    QString model;
    QString status;          // starting|running|aborting|completed|failed|cancelled|interrupted
    double startedAt = 0;
    double endedAt = 0;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 totalTokens = 0;
    QString error;
};

struct QueueItem
{
    QString queueId;
    QString sessionId;
    QJsonValue input;        // string or ContentBlock[]
    QString model;
    QString instructions;
    QString profile;
    double createdAt = 0;
};

struct CompressionSnapshot
{
    qint64 id = 0;
    QString sessionId;
    QString summary;
    int lastMessageIndex = -1; // index into the history-builder's message list (SPEC 5.2)
    int messageCount = 0;      // messages in the transcript when it was made
    double createdAt = 0;
    qint64 lastMessageId = 0; // stored id of the message at lastMessageIndex (0: unknown, older snapshot)
};

struct ContextLengthOverride
{
    QString model;
    qint64 contextLength = 0;
    double updatedAt = 0;
};

// Agent-reported token usage summed over runs (SessionStore::usageTotals).
struct UsageTotals
{
    // The grouping's fields are set, the others empty: the session id; or model and profile (an empty
    // model means the profile's default model); or the day as YYYY-MM-DD in local time.
    QString sessionId;
    QString model;
    QString profile;
    QString day;
    int runs = 0;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 totalTokens = 0;
    double firstStartedAt = 0;
    double lastStartedAt = 0;
};

struct GcItem
{
    QString agentSessionId;
    QString profile;
    int attempts = 0;
    QString lastError;
    double nextAttemptAt = 0;
};

struct SearchHit
{
    QString sessionId;
    qint64 messageId = 0;
    QString role;
    QString snippet;         // with [[ and ]] around matched terms
    double timestamp = 0;
};

} // namespace caduceus::store
