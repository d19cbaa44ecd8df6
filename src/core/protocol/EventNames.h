#pragma once
// The one place for the names on the wire: the events the program consumes and emits, and the fields of a
// message row's MessageRecord::extra. Every front end (window, CLI, relay, web UI) and the core match these
// constants, never a string literal, so a name is spelled once. The strings themselves are the contract
// (SPEC.md, the agent's SSE stream, the /chat-run Socket.IO namespace): never change one here.
// Header only and below every core folder, so hermes/, store/, chat/ and the front ends can all use it.
#include <QString>

namespace caduceus {

namespace EventName {
// --- Events of an agent run, as the agent streams them (SSE). The relay passes them on to its clients.
inline const QString MessageDelta = QStringLiteral("message.delta");
inline const QString ReasoningDelta = QStringLiteral("reasoning.delta");
inline const QString ThinkingDelta = QStringLiteral("thinking.delta"); // older agents' reasoning.delta
inline const QString ReasoningAvailable = QStringLiteral("reasoning.available");
inline const QString ToolStarted = QStringLiteral("tool.started");
inline const QString ToolCompleted = QStringLiteral("tool.completed");
inline const QString ApprovalRequest = QStringLiteral("approval.request");
inline const QString ApprovalResponded = QStringLiteral("approval.responded");
inline const QString RunSteered = QStringLiteral("run.steered");
inline const QString RunCompleted = QStringLiteral("run.completed");
inline const QString RunFailed = QStringLiteral("run.failed");
inline const QString RunCancelled = QStringLiteral("run.cancelled");
// Approval signals of older agent builds; RunEvent::decode turns them into ApprovalRequest.
inline const QString LegacyApprovalRequested = QStringLiteral("approval.requested");
inline const QString LegacyApprovalRequired = QStringLiteral("approval_required");
// Prefixes of the agent's event families (a tool, message, reasoning or run event means the run moved on).
inline const QString ToolPrefix = QStringLiteral("tool.");
inline const QString MessagePrefix = QStringLiteral("message.");
inline const QString ReasoningPrefix = QStringLiteral("reasoning.");
inline const QString RunPrefix = QStringLiteral("run.");

// --- The relay's own events (SessionController emits them; the agent never sends these).
inline const QString RunQueued = QStringLiteral("run.queued");   // a message waits for the current run
inline const QString RunStarted = QStringLiteral("run.started"); // the agent accepted a run
inline const QString AbortStarted = QStringLiteral("abort.started");
inline const QString AbortCompleted = QStringLiteral("abort.completed"); // ends a run like run.cancelled
inline const QString CompressionStarted = QStringLiteral("compression.started");
inline const QString CompressionCompleted = QStringLiteral("compression.completed");
inline const QString UsageUpdated = QStringLiteral("usage.updated");
inline const QString Resumed = QStringLiteral("resumed"); // answer to ClientResume: the session's state

// --- Events a client sends to the relay on /chat-run.
inline const QString ClientRun = QStringLiteral("run");
inline const QString ClientCancelQueuedRun = QStringLiteral("cancel_queued_run");
inline const QString ClientResume = QStringLiteral("resume");
inline const QString ClientAbort = QStringLiteral("abort");
inline const QString ClientApprovalRespond = QStringLiteral("approval.respond");
} // namespace EventName

// Keys of MessageRecord::extra (store/StoreTypes.h says what each holds), also sent as top-level fields of a
// message row (SessionController::messageToJson).
namespace MessageField {
inline const QString ToolStatus = QStringLiteral("tool_status"); // one of store ToolStatus
inline const QString ToolPreview = QStringLiteral("tool_preview");
inline const QString ToolStarted = QStringLiteral("tool_started");
inline const QString ToolDuration = QStringLiteral("tool_duration");
inline const QString ToolArguments = QStringLiteral("tool_arguments");
inline const QString ApprovalChoice = QStringLiteral("approval_choice");
inline const QString ApprovalDescription = QStringLiteral("approval_description");
// Read by ChatModel to pair a notice with its tool row; nothing in src/ writes it today.
inline const QString ApprovalCommand = QStringLiteral("approval_command");
inline const QString ReasoningStarted = QStringLiteral("reasoning_started");
inline const QString ReasoningDuration = QStringLiteral("reasoning_duration");
inline const QString Steer = QStringLiteral("steer"); // a user row sent while a run was going (run.steered)
} // namespace MessageField

} // namespace caduceus
