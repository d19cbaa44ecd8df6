#include "SimRun.h"

#include "RandomIds.h"
#include "net/HttpServer.h"

#include <chrono>
#include <cmath>

namespace caduceus::sim {

namespace {

// A consumer slower than the script: stop producing above this many unsent bytes, resume below.
constexpr qint64 kPauseAboveSocketBytes = 4 * 1024 * 1024;
constexpr qint64 kResumeBelowSocketBytes = 1024 * 1024;
// Frames kept for a consumer that has not come yet; the script waits beyond this.
constexpr qint64 kMaxBufferedBytes = 64 * 1024 * 1024;
// With no delay between steps, yield to the event loop this often so the server stays responsive.
constexpr int kTurnBudgetMs = 8;
constexpr qsizetype kMaxChunkBytes = 1024 * 1024;
constexpr int kReasoningAvailableChars = 500;

double nowSeconds()
{
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const double seconds = std::chrono::duration<double>(now).count();
    return std::round(seconds * 1e6) / 1e6;
}

QString leftWithoutSplitPair(const QString &text, qsizetype count)
{
    if (count < text.size() && count > 0 && text.at(count - 1).isHighSurrogate())
        --count;
    return text.left(count);
}

} // namespace

SimRun::SimRun(const QString &runId, const RunInput &input, const SimOptions &options,
               TranscriptStore *transcripts, QObject *parent)
    : QObject(parent), m_runId(runId), m_runIdBytes(runId.toLatin1()), m_input(input), m_options(options),
      m_builder(options, input), m_transcripts(transcripts), m_steps(m_builder.build()),
      m_createdAt(nowSeconds())
{
    m_stepTimer.setSingleShot(true);
    connect(&m_stepTimer, &QTimer::timeout, this, &SimRun::advance);
    m_keepaliveTimer.setInterval(options.keepaliveMs);
    connect(&m_keepaliveTimer, &QTimer::timeout, this, &SimRun::writeKeepalive);
    m_approvalTimer.setSingleShot(true);
    m_approvalTimer.setInterval(options.approvalTimeoutMs);
    connect(&m_approvalTimer, &QTimer::timeout, this, [this] {
        // The agent denies an unanswered request silently: no event says so (the tool then fails).
        for (const PendingApproval &pending : std::as_const(m_pendingApprovals))
            m_gateDecisions[pending.index] = false;
        m_pendingApprovals.clear();
        m_gateTimedOut = true;
        finishGate();
    });

    TranscriptRow user;
    user.role = QStringLiteral("user");
    user.content = input.input;
    recordRow(user);
    // The run starts at once, whether or not anyone listens.
    m_stepTimer.start(0);
}

bool SimRun::isTerminal() const
{
    return m_status == Status::Completed || m_status == Status::Failed || m_status == Status::Cancelled;
}

qint64 SimRun::msSinceFinished() const
{
    return m_finishedClock.isValid() ? m_finishedClock.elapsed() : 0;
}

QString SimRun::statusName(Status status)
{
    switch (status) {
    case Status::Queued:
        return QStringLiteral("queued");
    case Status::Running:
        return QStringLiteral("running");
    case Status::WaitingForApproval:
        return QStringLiteral("waiting_for_approval");
    case Status::Stopping:
        return QStringLiteral("stopping");
    case Status::Completed:
        return QStringLiteral("completed");
    case Status::Failed:
        return QStringLiteral("failed");
    case Status::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QStringLiteral("running");
}

QStringList SimRun::choicesFor(bool allowPermanent)
{
    QStringList choices{QStringLiteral("once"), QStringLiteral("session")};
    if (allowPermanent)
        choices << QStringLiteral("always");
    choices << QStringLiteral("deny");
    return choices;
}

QJsonObject SimRun::statusJson() const
{
    QJsonObject json;
    for (const auto &[key, value] : statusFields())
        json.insert(key, value);
    return json;
}

OrderedFields SimRun::statusFields() const
{
    // As the agent answers GET /v1/runs/{id}: fields that do not apply yet are left out (not null), and a
    // stop in progress shows only here, as last_event "run.stopping" (no such event is ever streamed).
    OrderedFields fields{
        {QStringLiteral("object"), QStringLiteral("hermes.run")},
        {QStringLiteral("run_id"), m_runId},
        {QStringLiteral("status"), statusName(m_status)},
        {QStringLiteral("updated_at"), m_updatedAt > 0 ? m_updatedAt : m_createdAt},
        {QStringLiteral("created_at"), m_createdAt},
        {QStringLiteral("session_id"), m_input.sessionId.isEmpty() ? m_runId : m_input.sessionId},
        {QStringLiteral("model"), m_input.model.isEmpty() ? QStringLiteral("hermes-agent") : m_input.model},
    };
    if (!m_error.isEmpty())
        fields.append({QStringLiteral("error"), m_error});
    const QString lastEvent = m_status == Status::Stopping ? QStringLiteral("run.stopping") : m_lastEvent;
    if (!lastEvent.isEmpty())
        fields.append({QStringLiteral("last_event"), lastEvent});
    if (m_status == Status::Completed || (m_status == Status::Cancelled && !m_output.isNull())) {
        fields.append({QStringLiteral("output"), m_output});
        fields.append({QStringLiteral("usage"), usageJson()});
    }
    return fields;
}

QJsonObject SimRun::usageJson() const
{
    qint64 input = m_builder.estimatedInputTokens();
    qint64 output = std::max<qint64>(1, m_outputChars / 4);
    if (m_builder.reportsBigUsage()) {
        input += 180'000;
        output += 24'000;
    }
    return QJsonObject{{QStringLiteral("input_tokens"), input},
                       {QStringLiteral("output_tokens"), output},
                       {QStringLiteral("total_tokens"), input + output}};
}

// --- script -------------------------------------------------------------------------------------

void SimRun::advance()
{
    if (isTerminal())
        return;
    if (m_status == Status::Queued)
        m_status = Status::Running;
    QElapsedTimer turn;
    turn.start();
    while (!isTerminal()) {
        if (m_stopRequested && !m_builder.ignoresStop()) {
            cancel();
            break;
        }
        if (m_steps.empty()) {
            complete();
            break;
        }
        if (backPressured()) {
            m_pausedForBackPressure = true;
            break;
        }
        const int delay = playFrontStep();
        if (delay < 0)
            break;
        if (delay > 0 || turn.elapsed() >= kTurnBudgetMs) {
            m_stepTimer.start(delay);
            break;
        }
    }
    flush();
}

int SimRun::playFrontStep()
{
    ScriptStep &step = m_steps.front();
    switch (step.kind) {
    case ScriptStep::Kind::Say:
        return playSay(step, false);
    case ScriptStep::Kind::Think:
        return playSay(step, true);
    case ScriptStep::Kind::RunTool:
        return playRunTool(step);
    case ScriptStep::Kind::AwaitApprovals:
        return playApprovalGate(step);
    case ScriptStep::Kind::EndModelCall: {
        const QList<ToolCallSpec> calls = step.toolCalls;
        const int delay = step.delayMs;
        m_steps.pop_front();
        endModelCall(calls);
        return delay;
    }
    case ScriptStep::Kind::Emit: {
        const ScriptStep emitted = step;
        m_steps.pop_front();
        emitEvent(emitted.eventName.constData(), emitted.fields);
        return emitted.delayMs;
    }
    case ScriptStep::Kind::DropStream:
        m_steps.pop_front();
        flush();
        m_dropping = true;
        dropStreamWhenDrained();
        return 0;
    case ScriptStep::Kind::Fail: {
        const QString error = step.text;
        m_steps.pop_front();
        fail(error);
        return -1;
    }
    case ScriptStep::Kind::Complete:
        m_steps.pop_front();
        complete();
        return -1;
    case ScriptStep::Kind::Hang:
        return -1;
    }
    return -1;
}

int SimRun::playSay(ScriptStep &step, bool reasoning)
{
    QString delta;
    bool exhausted = false;
    if (step.repeatDeltas >= 0) {
        if (step.repeatDeltas > 0) {
            const qsizetype period = std::max<qsizetype>(1, step.text.size() - step.chunkChars);
            delta = step.text.mid(step.cursor, step.chunkChars);
            step.cursor = (step.cursor + step.chunkChars) % period;
            --step.repeatDeltas;
        }
        exhausted = step.repeatDeltas == 0;
    } else {
        qsizetype count = std::min<qsizetype>(step.chunkChars, step.text.size() - step.cursor);
        // Never split a surrogate pair between two deltas.
        if (count > 0 && step.cursor + count < step.text.size() &&
            step.text.at(step.cursor + count - 1).isHighSurrogate())
            ++count;
        delta = step.text.mid(step.cursor, count);
        step.cursor += count;
        exhausted = step.cursor >= step.text.size();
    }
    const int delay = step.delayMs;
    if (exhausted)
        m_steps.pop_front();
    if (delta.isEmpty())
        return 0;

    m_outputChars += delta.size();
    if (reasoning) {
        m_callReasoning += delta;
        emitEvent("reasoning.delta", {{QStringLiteral("delta"), delta}});
    } else {
        m_callText += delta;
        // The agent starts the text of a model call that follows a tool with a paragraph break; the
        // transcript and the run's output have the text without it.
        if (std::exchange(m_textFollowsTool, false))
            delta.prepend(QStringLiteral("\n\n"));
        emitEvent("message.delta", {{QStringLiteral("delta"), delta}});
    }
    return delay;
}

int SimRun::playRunTool(ScriptStep &step)
{
    const ToolCallSpec tool = step.tool;
    if (!step.toolStarted) {
        step.toolStarted = true;
        emitEvent("tool.started",
                  {{QStringLiteral("tool"), tool.name}, {QStringLiteral("preview"), tool.preview}});
        return step.toolBlocked ? 0 : step.delayMs;
    }
    // Like the agent: no call id and no output on the wire; a refused command "fails" with error: true.
    m_steps.pop_front();
    emitEvent("tool.completed", {{QStringLiteral("tool"), tool.name},
                                 {QStringLiteral("duration"), tool.durationSeconds},
                                 {QStringLiteral("error"), step.toolBlocked}});
    m_textFollowsTool = true;
    TranscriptRow row;
    row.role = QStringLiteral("tool");
    row.content = tool.result;
    row.toolCallId = m_pendingToolCallIds.isEmpty() ? m_transcripts->nextToolCallId(m_input.sessionId)
                                                    : m_pendingToolCallIds.takeFirst();
    row.toolName = tool.name;
    recordRow(row);
    return 0;
}

void SimRun::endModelCall(const QList<ToolCallSpec> &toolCalls)
{
    if (!m_callText.isEmpty())
        emitEvent("reasoning.available",
                  {{QStringLiteral("text"), leftWithoutSplitPair(m_callText, kReasoningAvailableChars)}});
    QJsonArray calls;
    for (const ToolCallSpec &call : toolCalls) {
        const QString id = m_transcripts->nextToolCallId(m_input.sessionId);
        m_pendingToolCallIds.append(id);
        calls.append(QJsonObject{
            {QStringLiteral("id"), id},
            {QStringLiteral("type"), QStringLiteral("function")},
            {QStringLiteral("function"), QJsonObject{{QStringLiteral("name"), call.name},
                                                     {QStringLiteral("arguments"), call.arguments}}}});
    }
    TranscriptRow row;
    row.role = QStringLiteral("assistant");
    row.content = m_callText;
    row.toolCalls = calls;
    row.finishReason = QStringLiteral("tool_calls");
    row.reasoning = m_callReasoning.isEmpty() ? QString() : m_callReasoning;
    recordRow(row);
    m_callText.clear();
    m_callReasoning.clear();
}

int SimRun::playApprovalGate(ScriptStep &step)
{
    if (!m_gateDecisions.isEmpty())
        return -1; // already asked; waiting for answers
    m_gateDecisions = QList<bool>(step.approvals.size(), false);
    m_gateAsked = QList<bool>(step.approvals.size(), false);
    m_gateTimedOut = false;
    for (qsizetype i = 0; i < step.approvals.size(); ++i) {
        const ApprovalSpec &approval = step.approvals.at(i);
        if (m_sessionApprovedPatterns.contains(approval.patternKey)) {
            m_gateDecisions[i] = true;
            continue;
        }
        // Builds without approval events deny guarded commands without asking.
        if (!m_options.approvalsFeature)
            continue;
        m_gateAsked[i] = true;
        m_pendingApprovals.append(PendingApproval{int(i), QString()});
    }
    // The agent starts a tool, then asks about its command (tool.started comes first), with the approval's
    // own fields ahead of "event", "run_id" and "timestamp", as v0.19.0 writes them. Tools of one model call
    // start together, so no tool event comes between two questions (clients take any progress after a
    // question as the sign that it is gone).
    for (const PendingApproval &pending : std::as_const(m_pendingApprovals)) {
        const ApprovalSpec &approval = step.approvals.at(pending.index);
        emitEvent("tool.started", {{QStringLiteral("tool"), approval.tool.name},
                                   {QStringLiteral("preview"), approval.tool.preview}});
    }
    for (const PendingApproval &pending : std::as_const(m_pendingApprovals)) {
        const ApprovalSpec &approval = step.approvals.at(pending.index);
        emitEvent("approval.request",
                  {{QStringLiteral("choices"), QJsonArray::fromStringList(choicesFor(true))}},
                  {{QStringLiteral("command"), approval.command},
                   {QStringLiteral("pattern_key"), approval.patternKey},
                   {QStringLiteral("pattern_keys"), QJsonArray{approval.patternKey}},
                   {QStringLiteral("description"), approval.description},
                   {QStringLiteral("allow_permanent"), true}});
    }
    if (m_pendingApprovals.isEmpty()) {
        finishGate();
        return 0;
    }
    if (m_status == Status::Running)
        m_status = Status::WaitingForApproval;
    m_approvalTimer.start();
    return -1;
}

void SimRun::finishGate()
{
    if (m_steps.empty() || m_steps.front().kind != ScriptStep::Kind::AwaitApprovals)
        return;
    m_approvalTimer.stop();
    const QList<ApprovalSpec> approvals = m_steps.front().approvals;
    const QList<bool> decisions = std::exchange(m_gateDecisions, {});
    const QList<bool> asked = std::exchange(m_gateAsked, {});
    m_steps.pop_front();
    std::deque<ScriptStep> outcome = m_builder.approvalOutcome(approvals, decisions, m_gateTimedOut);
    // The tools asked about were started before the question: their steps only complete them.
    for (qsizetype i = 0; i < asked.size() && i < qsizetype(outcome.size()); ++i) {
        if (outcome[size_t(i)].kind == ScriptStep::Kind::RunTool)
            outcome[size_t(i)].toolStarted = asked.at(i);
    }
    m_steps.insert(m_steps.begin(), outcome.begin(), outcome.end());
    if (m_status == Status::WaitingForApproval)
        m_status = Status::Running;
    m_stepTimer.start(0);
}

int SimRun::resolveApprovals(const QString &choice, bool all)
{
    if (isTerminal() || m_pendingApprovals.isEmpty() || m_steps.empty())
        return 0;
    const QList<ApprovalSpec> &approvals = m_steps.front().approvals;
    const int count = all ? int(m_pendingApprovals.size()) : 1;
    const bool approve = choice != QLatin1String("deny");
    // "session" approves the pattern for the rest of this run; the sim keeps no permanent
    // allowlist for "always", so that scripted scenarios stay repeatable.
    const bool remember = choice == QLatin1String("session") || choice == QLatin1String("always");
    for (int i = 0; i < count; ++i) {
        const PendingApproval pending = m_pendingApprovals.takeFirst();
        m_gateDecisions[pending.index] = approve;
        if (remember && approve)
            m_sessionApprovedPatterns.insert(approvals.at(pending.index).patternKey);
    }
    emitEvent("approval.responded",
              {{QStringLiteral("choice"), choice}, {QStringLiteral("resolved"), count}});
    if (m_pendingApprovals.isEmpty())
        finishGate();
    flush();
    return count;
}

bool SimRun::steer(const QString &guidance)
{
    if (isTerminal())
        return false;
    emitEvent("run.steered", {{QStringLiteral("accepted"), true}});
    ScriptStep say = m_builder.steering(guidance);
    auto position = m_steps.begin();
    if (position != m_steps.end()) {
        if (position->kind == ScriptStep::Kind::AwaitApprovals && !m_gateDecisions.isEmpty()) {
            ++position; // speak once the pending approvals are answered
        } else if (position->kind == ScriptStep::Kind::Say && position->cursor > 0 &&
                   position->repeatDeltas < 0) {
            // A steered model changes course: the rest of the sentence in progress is dropped.
            position->text.truncate(position->cursor);
            ++position;
        }
    }
    m_steps.insert(position, say);
    if (m_status != Status::WaitingForApproval && !m_pausedForBackPressure)
        m_stepTimer.start(0);
    flush();
    return true;
}

bool SimRun::requestStop()
{
    if (isTerminal())
        return false;
    m_stopRequested = true;
    m_status = Status::Stopping;
    if (!m_builder.ignoresStop())
        m_stepTimer.start(0);
    return true;
}

void SimRun::recordAnswer(const QString &finishReason)
{
    TranscriptRow row;
    row.role = QStringLiteral("assistant");
    row.content = m_callText;
    row.finishReason = finishReason;
    row.reasoning = m_callReasoning.isEmpty() ? QString() : m_callReasoning;
    recordRow(row);
}

void SimRun::complete()
{
    recordAnswer(QStringLiteral("stop"));
    m_output = m_callText;
    emitEvent("run.completed",
              {{QStringLiteral("output"), m_output}, {QStringLiteral("usage"), usageJson()}});
    finishWith(Status::Completed);
}

void SimRun::fail(const QString &error)
{
    if (!m_callText.isEmpty())
        recordAnswer(QStringLiteral("error"));
    m_error = error;
    emitEvent("run.failed", {{QStringLiteral("error"), error}});
    finishWith(Status::Failed);
}

void SimRun::cancel()
{
    m_pendingApprovals.clear();
    // The interrupted answer stays in the transcript, as far as it got.
    if (!m_callText.isEmpty()) {
        recordAnswer(QStringLiteral("cancelled"));
        m_output = m_callText;
    }
    emitEvent("run.cancelled");
    finishWith(Status::Cancelled);
}

void SimRun::finishWith(Status status)
{
    m_status = status;
    m_finishedClock.start();
    m_steps.clear();
    m_stepTimer.stop();
    m_approvalTimer.stop();
    deliver(": stream closed\n\n");
    m_streamEnded = true;
    flush();
    if (m_subscriber && !m_dropping) {
        m_subscriber->endStream();
        detachSubscriber();
    }
    // Terminal runs keep only their status; the frames nobody came for are released.
    if (m_subscribed) {
        m_buffered.clear();
        m_bufferedBytes = 0;
    }
    Q_EMIT finished();
}

void SimRun::recordRow(TranscriptRow row)
{
    row.timestamp = nowSeconds();
    m_transcripts->append(m_input.sessionId, row, m_input.model);
}

// --- SSE side -----------------------------------------------------------------------------------

void SimRun::emitEvent(const char *name, const OrderedFields &fields, const OrderedFields &leading)
{
    m_lastEvent = QString::fromLatin1(name);
    m_updatedAt = nowSeconds();
    QByteArray frame;
    frame.reserve(128);
    frame.append("data: {");
    if (!leading.isEmpty()) {
        const QByteArray head = python_json::object(leading); // "{...}" without its closing brace
        frame.append(head.constData() + 1, head.size() - 2);
        frame.append(", ");
    }
    frame.append("\"event\": \"");
    frame.append(name);
    frame.append("\", \"run_id\": \"");
    frame.append(m_runIdBytes);
    frame.append("\", \"timestamp\": ");
    python_json::appendFloat(frame, nowSeconds());
    python_json::appendFields(frame, fields);
    frame.append("}\n\n");
    deliver(frame);
}

void SimRun::deliver(const QByteArray &frame)
{
    if (m_dropping)
        return; // the stream was cut: whatever follows is lost, as with the real agent
    if (m_subscriber) {
        m_outgoing.append(frame);
        return;
    }
    if (!m_subscribed) {
        m_buffered.append(frame);
        m_bufferedBytes += frame.size();
    }
    // Otherwise the one consumer left: the stream is gone and nobody can read these.
}

void SimRun::flush()
{
    if (m_outgoing.isEmpty())
        return;
    if (m_subscriber) {
        m_subscriber->writeChunk(m_outgoing);
        m_keepaliveTimer.start(); // silence is counted from the last write
    }
    m_outgoing.resize(0);
}

bool SimRun::backPressured()
{
    if (m_subscriber)
        return m_subscriber->pendingBytes() + m_outgoing.size() > kPauseAboveSocketBytes;
    if (!m_subscribed)
        return m_bufferedBytes > kMaxBufferedBytes;
    return false;
}

bool SimRun::subscribe(net::HttpResponder *responder)
{
    if (m_subscribed || m_builder.refusesEventStream())
        return false;
    m_subscribed = true;
    m_subscriber = responder;
    responder->beginStream(200, "text/event-stream");
    connect(responder, &net::HttpResponder::peerClosed, this, [this] {
        detachSubscriber();
        if (m_pausedForBackPressure) {
            m_pausedForBackPressure = false;
            m_stepTimer.start(0);
        }
    });
    connect(responder, &net::HttpResponder::bytesWritten, this, [this] {
        if (m_dropping) {
            dropStreamWhenDrained();
        } else if (m_pausedForBackPressure && m_subscriber &&
                   m_subscriber->pendingBytes() < kResumeBelowSocketBytes) {
            m_pausedForBackPressure = false;
            m_stepTimer.start(0);
        }
    });

    QByteArray chunk;
    for (const QByteArray &frame : std::as_const(m_buffered)) {
        chunk.append(frame);
        if (chunk.size() >= kMaxChunkBytes) {
            responder->writeChunk(chunk);
            chunk.resize(0);
        }
    }
    responder->writeChunk(chunk);
    m_buffered.clear();
    m_bufferedBytes = 0;

    if (m_dropping) {
        dropStreamWhenDrained();
    } else if (m_streamEnded) {
        responder->endStream();
        detachSubscriber();
    } else {
        m_keepaliveTimer.start();
        if (m_pausedForBackPressure) {
            m_pausedForBackPressure = false;
            m_stepTimer.start(0);
        }
    }
    return true;
}

void SimRun::detachSubscriber()
{
    m_keepaliveTimer.stop();
    if (m_subscriber)
        m_subscriber->disconnect(this);
    m_subscriber = nullptr;
}

void SimRun::dropStreamWhenDrained()
{
    // Cut only once the frames before the drop point left the socket, so the client sees them.
    if (!m_subscriber || m_subscriber->pendingBytes() > 0)
        return;
    const QPointer<net::HttpResponder> subscriber = m_subscriber;
    detachSubscriber();
    subscriber->abort();
}

void SimRun::writeKeepalive()
{
    if (!m_subscriber || m_dropping)
        return;
    m_outgoing.append(": keepalive\n\n");
    flush();
}

} // namespace caduceus::sim
