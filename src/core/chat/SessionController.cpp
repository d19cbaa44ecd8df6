#include "chat/SessionController.h"

#include "chat/AgentInput.h"
#include "chat/ContentBlocks.h"
#include "chat/ContentParser.h"
#include "chat/ContextLengths.h"
#include "chat/HistoryPreparation.h"
#include "chat/SessionManager.h"
#include "chat/SessionTitle.h"
#include "chat/TokenEstimator.h"
#include "chat/TranscriptMerger.h"
#include "hermes/HermesClient.h"
#include "hermes/RunEventStream.h"
#include "protocol/EventNames.h"
#include "store/SessionStore.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRandomGenerator>

Q_LOGGING_CATEGORY(lcSession, "caduceus.session")

namespace caduceus::chat {

using hermes::ApiResult;
using hermes::RunEvent;
using store::MessageRecord;
namespace MessageStatus = store::MessageStatus;
namespace ToolStatus = store::ToolStatus;

namespace {

double nowSeconds()
{
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

QString randomBase36(int length)
{
    static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    QString out;
    for (int i = 0; i < length; ++i)
        out.append(QLatin1Char(alphabet[QRandomGenerator::global()->bounded(36)]));
    return out;
}

QString base36Millis()
{
    return QString::number(QDateTime::currentMSecsSinceEpoch(), 36);
}

const QStringList &validChoices()
{
    static const QStringList choices{QStringLiteral("once"), QStringLiteral("session"), QStringLiteral("always"),
                                     QStringLiteral("deny")};
    return choices;
}

QString choiceLabel(const QString &choice)
{
    if (choice == QLatin1String("once"))
        return QStringLiteral("Allowed once");
    if (choice == QLatin1String("session"))
        return QStringLiteral("Allowed for this run");
    if (choice == QLatin1String("always"))
        return QStringLiteral("Always allowed");
    return QStringLiteral("Denied");
}

QString toolStatusOf(const MessageRecord &m)
{
    return m.extra.value(MessageField::ToolStatus).toString();
}

// A tool row whose tool.completed has not arrived yet (it may be running, waiting for an approval, or
// already refused by the user).
bool isOpenTool(const MessageRecord &m)
{
    return m.role == QLatin1String("tool") && m.status == QLatin1String(MessageStatus::Streaming);
}

// The agent separates the text of a model call that follows a tool call from what came before with a
// paragraph break ("\n\n" at the start of its first delta), meant for clients that show a turn as one text.
// Caduceus starts a new row after a tool, where those newlines would only be leading blank lines.
QString withoutLeadingNewlines(const QString &text)
{
    qsizetype i = 0;
    while (i < text.size() && (text.at(i) == QLatin1Char('\n') || text.at(i) == QLatin1Char('\r')))
        ++i;
    return i ? text.mid(i) : text;
}

} // namespace

// What exists only while a run is in flight.
struct SessionController::ActiveRun
{
    int serial = 0;
    QString runId;
    QString agentSessionId;
    QString profile;
    QString model;
    QPointer<hermes::HermesClient> client;
    hermes::RunEventStream *stream = nullptr;
    qint64 userMessageId = 0;
    qint64 openAssistantId = 0;
    QList<qint64> rowIds;
    double startedAt = 0;
    bool abortRequested = false;
    // The turn is ending (terminal event or abort being synced): a later stop, terminal or abort answer
    // must not end it a second time, or the next queued run would be started twice and then forgotten.
    bool ending = false;
    int approvalPostsInFlight = 0; // our approval POSTs not answered yet
    int echoesBeforeAnswer = 0;    // agent echoes seen while a POST was in flight
    int echoesExpected = 0;        // POSTs answered whose echo has not arrived yet
    bool producedText = false;
    QPointer<HistoryPreparation> preparation; // history being prepared (compressed) before the POST

    ActiveRun() = default;
    ActiveRun(const ActiveRun &) = delete;
    ActiveRun &operator=(const ActiveRun &) = delete;
    ~ActiveRun()
    {
        // A turn given up while its history was compressed: stop the summary run too.
        if (preparation) {
            preparation->cancel();
            preparation->deleteLater();
        }
    }
};

SessionController::SessionController(const QString &sessionId, SessionManager *manager)
    : QObject(manager), m_sessionId(sessionId), m_manager(manager), m_context(manager->store(), sessionId)
{
    m_persistTimer.setSingleShot(true);
    connect(&m_persistTimer, &QTimer::timeout, this, &SessionController::persistDirty);
    m_graceTimer.setSingleShot(true);
    connect(&m_graceTimer, &QTimer::timeout, this, [this]() { finishAbort(false); });
    loadFromStore();
}

SessionController::~SessionController()
{
    persistDirty();
    if (m_run && m_run->stream)
        m_run->stream->stop();
}

QString SessionController::profile() const
{
    if (m_run && !m_run->profile.isEmpty())
        return m_run->profile;
    const auto s = m_manager->store()->session(m_sessionId);
    return s ? s->profile : m_manager->defaultProfile();
}

bool SessionController::isUnloadable() const
{
    return m_state == State::Idle && !m_run && m_queue.isEmpty() && m_pendingApprovals.isEmpty() && m_dirty.isEmpty()
        && !m_persistTimer.isActive() && !m_graceTimer.isActive();
}

bool SessionController::isEndingTurn() const
{
    return m_run && m_run->ending;
}

QString SessionController::runId() const
{
    return m_run ? m_run->runId : QString();
}

hermes::HermesClient *SessionController::client() const
{
    return m_manager->client(profile());
}

bool SessionController::steerSupported() const
{
    const auto *c = client();
    return c && c->cachedCapabilities().supportsSteer();
}

// ---------------------------------------------------------------------------------------------------
// Loading and the in-memory mirror

void SessionController::loadFromStore()
{
    if (m_loaded)
        return;
    m_loaded = true;
    store::SessionStore *st = m_manager->store();
    const int limit = m_manager->settings().resumeMessageLimit;
    m_messages = st->messages(m_sessionId, 0, limit + 1);
    m_hasOlder = m_messages.size() > limit;
    if (m_hasOlder)
        m_messages.removeFirst();
    m_queue = st->queue(m_sessionId);
    // Estimating a long transcript's tokens reads all of it: not before the first paint of the
    // session. Protocol front ends that need the figures at once call ensureTokens().
    QTimer::singleShot(0, this, [this]() {
        if (!m_tokensKnown) {
            ensureTokens();
            Q_EMIT stateChanged();
        }
    });
}

void SessionController::ensureTokens()
{
    if (!m_tokensKnown)
        recomputeTokens();
}

MessageRecord *SessionController::findMessage(qint64 id)
{
    for (qsizetype i = m_messages.size() - 1; i >= 0; --i) {
        if (m_messages[i].id == id)
            return &m_messages[i];
    }
    return nullptr;
}

MessageRecord &SessionController::appendMessage(MessageRecord m, const QString &dequeueId)
{
    m.sessionId = m_sessionId;
    if (m.timestamp <= 0)
        m.timestamp = nowSeconds();
    if (m_manager->store()->appendMessage(m, dequeueId) <= 0)
        qCWarning(lcSession) << "could not store a message of" << m_sessionId << m_manager->store()->lastError();
    if (m_run && m.role != QLatin1String("user"))
        m_run->rowIds.append(m.id);
    m_messages.append(m);
    // Keep the mirror bounded: older rows stay in the database and are paged from there.
    const int limit = m_manager->settings().resumeMessageLimit;
    if (m_messages.size() > limit + 200) {
        qsizetype drop = m_messages.size() - limit;
        m_messages.erase(m_messages.begin(), m_messages.begin() + drop);
        m_hasOlder = true;
    }
    Q_EMIT messageAdded(m_messages.last());
    return m_messages.last();
}

void SessionController::touchMessage(const MessageRecord &m, bool persistNow)
{
    Q_EMIT messageChanged(m);
    if (persistNow) {
        m_dirty.removeAll(m.id);
        m_manager->store()->updateMessage(m);
        return;
    }
    if (!m_dirty.contains(m.id))
        m_dirty.append(m.id);
    if (!m_persistTimer.isActive()) {
        // Sessions that stream at the same time would all write at the same moment, a stall of every
        // write in a row for every client (the relay's p99 latency): a moment in the interval's last
        // quarter keeps the bound and spreads them.
        const int interval = m_manager->settings().persistIntervalMs;
        m_persistTimer.start(interval - int(QRandomGenerator::global()->bounded(interval / 4 + 1)));
    }
}

void SessionController::persistDirty()
{
    m_persistTimer.stop();
    const QList<qint64> dirty = std::exchange(m_dirty, {});
    for (qint64 id : dirty) {
        if (const MessageRecord *m = findMessage(id))
            m_manager->store()->updateMessage(*m);
    }
}

MessageRecord &SessionController::openAssistant()
{
    if (m_run && m_run->openAssistantId) {
        if (MessageRecord *m = findMessage(m_run->openAssistantId))
            return *m;
    }
    MessageRecord m;
    m.role = QStringLiteral("assistant");
    m.status = QString::fromLatin1(MessageStatus::Streaming);
    m.runId = m_run ? m_run->runId : QString();
    MessageRecord &added = appendMessage(m);
    if (m_run)
        m_run->openAssistantId = added.id;
    return added;
}

void SessionController::closeAssistant(const QString &status)
{
    if (!m_run || !m_run->openAssistantId)
        return;
    MessageRecord *m = findMessage(m_run->openAssistantId);
    m_run->openAssistantId = 0;
    if (!m)
        return;
    if (m->extra.contains(MessageField::ReasoningStarted) &&
        !m->extra.contains(MessageField::ReasoningDuration)) {
        m->extra.insert(MessageField::ReasoningDuration,
                        nowSeconds() - m->extra.value(MessageField::ReasoningStarted).toDouble());
    }
    m->status = status;
    touchMessage(*m, true);
}

void SessionController::addNotice(const QString &text, const QJsonObject &extra)
{
    MessageRecord m;
    m.role = QStringLiteral("notice");
    m.content = text;
    m.extra = extra;
    m.runId = m_run ? m_run->runId : QString();
    appendMessage(m);
}

void SessionController::addErrorRow(const QString &text)
{
    MessageRecord m;
    m.role = QStringLiteral("error");
    m.content = text;
    m.status = QString::fromLatin1(MessageStatus::Error);
    m.runId = m_run ? m_run->runId : QString();
    appendMessage(m);
}

void SessionController::recomputeTokens()
{
    // SPEC 5.3: input = user messages, output = assistant + tool content (estimated, cached per row).
    const ContextBuilder::Usage usage = m_context.usage();
    m_inputTokens = usage.inputTokens;
    m_outputTokens = usage.outputTokens;
    m_tokensKnown = true;
}

void SessionController::emitUsage()
{
    emitEvent(EventName::UsageUpdated, QJsonObject{{QStringLiteral("inputTokens"), m_inputTokens},
                                                   {QStringLiteral("outputTokens"), m_outputTokens}});
}

// ---------------------------------------------------------------------------------------------------
// Events to front ends

void SessionController::emitEvent(const QString &name, QJsonObject payload, const QByteArray &upstreamJson)
{
    // An agent event keeps its own JSON text with session_id added at the end of the object, so that the
    // relay sends it without encoding every delta again. upstreamJson holds one object that names itself.
    QByteArray json;
    if (!upstreamJson.isEmpty() && !payload.contains(QLatin1String("session_id"))) {
        if (m_sessionIdJson.isEmpty()) {
            const QByteArray quoted = QJsonDocument(QJsonArray{m_sessionId}).toJson(QJsonDocument::Compact);
            m_sessionIdJson = quoted.mid(1, quoted.size() - 2);
        }
        const qsizetype end = upstreamJson.lastIndexOf('}');
        json.reserve(upstreamJson.size() + m_sessionIdJson.size() + 16);
        json.append(upstreamJson.constData(), end);
        json.append(",\"session_id\":").append(m_sessionIdJson).append('}');
    }
    payload.insert(QStringLiteral("session_id"), m_sessionId);
    if (upstreamJson.isEmpty()) // an agent event that has its text names itself already
        payload.insert(QStringLiteral("event"), name);
    Q_EMIT eventEmitted(m_sessionId, name, payload, json);
}

void SessionController::setEventFlowPaused(bool paused)
{
    m_eventFlowPaused = paused;
    if (m_run && m_run->stream)
        m_run->stream->setPaused(paused);
}

void SessionController::rememberState(const QString &name, const QJsonObject &payload, bool replaceSameName)
{
    QJsonObject data = payload;
    data.insert(QStringLiteral("session_id"), m_sessionId);
    data.insert(QStringLiteral("event"), name);
    if (replaceSameName) {
        for (auto &entry : m_replay) {
            if (entry.first == name) {
                entry.second = data;
                return;
            }
        }
    }
    m_replay.append({name, data});
}

void SessionController::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged();
}

QJsonArray SessionController::queueJson() const
{
    QJsonArray items;
    int position = 1;
    for (const store::QueueItem &item : m_queue) {
        items.append(QJsonObject{{QStringLiteral("queue_id"), item.queueId},
                                 {QStringLiteral("preview"), ContentBlocks::previewText(item.input, 200)},
                                 {QStringLiteral("position"), position++},
                                 {QStringLiteral("created_at"), item.createdAt}});
    }
    return items;
}

QJsonObject SessionController::messageToJson(const MessageRecord &m)
{
    QJsonObject o{{QStringLiteral("id"), m.id},
                  {QStringLiteral("session_id"), m.sessionId},
                  {QStringLiteral("role"), m.role},
                  {QStringLiteral("content"), m.content},
                  {QStringLiteral("reasoning"), m.reasoning},
                  {QStringLiteral("timestamp"), m.timestamp},
                  {QStringLiteral("status"), m.status}};
    if (!m.toolCalls.isEmpty())
        o.insert(QStringLiteral("tool_calls"), m.toolCalls);
    if (!m.toolCallId.isEmpty())
        o.insert(QStringLiteral("tool_call_id"), m.toolCallId);
    if (!m.toolName.isEmpty())
        o.insert(QStringLiteral("tool_name"), m.toolName);
    if (!m.runId.isEmpty())
        o.insert(QStringLiteral("run_id"), m.runId);
    for (auto it = m.extra.begin(); it != m.extra.end(); ++it) {
        if (!o.contains(it.key()))
            o.insert(it.key(), it.value());
    }
    return o;
}

QJsonObject SessionController::resumePayload() const
{
    QJsonArray messages;
    for (const MessageRecord &m : m_messages) {
        // Caduceus's own notice/error rows are not part of the agent conversation the web UI shows.
        if (m.role == QLatin1String("user") || m.role == QLatin1String("assistant") || m.role == QLatin1String("tool") ||
            m.role == QLatin1String("system"))
            messages.append(messageToJson(m));
    }
    // One moment: a run whose end is being written is finished (its text is final, nothing of it follows
    // for this client: see ChatRunNamespace), not "working" with the final text and an end still to come.
    const bool working = isWorking() && !isEndingTurn();
    QJsonArray events;
    if (working) {
        for (const auto &[name, data] : m_replay)
            events.append(QJsonObject{{QStringLiteral("event"), name}, {QStringLiteral("data"), data}});
    }
    QJsonObject payload{{QStringLiteral("session_id"), m_sessionId},
                        {QStringLiteral("messages"), messages},
                        {QStringLiteral("isWorking"), working},
                        {QStringLiteral("isAborting"), working && isAborting()},
                        {QStringLiteral("events"), events},
                        {QStringLiteral("inputTokens"), m_inputTokens},
                        {QStringLiteral("outputTokens"), m_outputTokens},
                        {QStringLiteral("queueLength"), queueLength()},
                        {QStringLiteral("queue"), queueJson()},
                        {QStringLiteral("hasMore"), m_hasOlder}};
    if (working && !m_run->runId.isEmpty())
        payload.insert(QStringLiteral("run_id"), m_run->runId);
    if (working && !m_pendingApprovals.isEmpty())
        payload.insert(QStringLiteral("pendingApprovals"), m_pendingApprovals);
    return payload;
}

// ---------------------------------------------------------------------------------------------------
// Commands

QString SessionController::submit(const RunInput &input)
{
    const QString invalid = ContentBlocks::validate(input.input);
    if (!invalid.isEmpty())
        return invalid;
    if (ContentBlocks::flattenForAgent(input.input).trimmed().isEmpty())
        return QStringLiteral("The message is empty.");

    store::QueueItem item;
    item.sessionId = m_sessionId;
    item.input = input.input;
    item.model = input.model;
    item.instructions = input.instructions;
    item.profile = input.profile;
    item.createdAt = nowSeconds();
    item.queueId = input.queueId;

    if (m_state == State::Idle && m_queue.isEmpty()) {
        startRun(item);
        return {};
    }
    if (m_queue.size() >= m_manager->settings().maxQueuedPerSession)
        return QStringLiteral("This session already has %1 queued messages; wait for some to run or cancel them.")
            .arg(m_queue.size());
    const auto taken = [this](const QString &id) {
        return std::any_of(m_queue.cbegin(), m_queue.cend(), [&id](const auto &q) { return q.queueId == id; });
    };
    if (item.queueId.isEmpty() || item.queueId.size() > 128 || taken(item.queueId))
        item.queueId = QStringLiteral("queue_%1_%2").arg(base36Millis(), randomBase36(6));
    if (!m_manager->store()->session(m_sessionId)) {
        store::SessionRecord s;
        s.id = m_sessionId;
        s.profile = item.profile.isEmpty() ? m_manager->defaultProfile() : item.profile;
        s.title = SessionTitle::fromInput(item.input, 100);
        s.model = item.model;
        s.createdAt = s.lastActive = nowSeconds();
        m_manager->store()->createSession(s);
        m_manager->noteSessionActivity();
    }
    if (!m_manager->store()->enqueue(item))
        return QStringLiteral("Could not save the queued message: %1").arg(m_manager->store()->lastError());
    m_queue.append(item);
    qCInfo(lcSession) << m_sessionId << "queued" << item.queueId << "queue length" << m_queue.size();
    emitEvent(EventName::RunQueued, QJsonObject{{QStringLiteral("queue_length"), queueLength()},
                                                {QStringLiteral("queue"), queueJson()},
                                                {QStringLiteral("queue_id"), item.queueId}});
    Q_EMIT stateChanged();
    if (m_state == State::Idle)
        startNextQueued();
    return {};
}

bool SessionController::cancelQueued(const QString &queueId)
{
    const auto it = std::find_if(m_queue.begin(), m_queue.end(), [&](const auto &q) { return q.queueId == queueId; });
    if (it == m_queue.end())
        return false;
    m_queue.erase(it);
    m_manager->store()->removeQueued(m_sessionId, queueId);
    emitEvent(EventName::RunQueued, QJsonObject{{QStringLiteral("queue_length"), queueLength()},
                                                {QStringLiteral("queue"), queueJson()}});
    Q_EMIT stateChanged();
    return true;
}

bool SessionController::editQueued(const QString &queueId, const QJsonValue &input)
{
    if (!ContentBlocks::validate(input).isEmpty() || ContentBlocks::flattenForAgent(input).trimmed().isEmpty())
        return false;
    for (store::QueueItem &item : m_queue) {
        if (item.queueId != queueId)
            continue;
        item.input = input;
        m_manager->store()->updateQueued(queueId, input);
        emitEvent(EventName::RunQueued, QJsonObject{{QStringLiteral("queue_length"), queueLength()},
                                                    {QStringLiteral("queue"), queueJson()}});
        Q_EMIT stateChanged();
        return true;
    }
    return false;
}

QString SessionController::buildInstructions(const QString &extra) const
{
    QStringList parts;
    const QString system = m_manager->settings().systemPrompt.trimmed();
    if (!system.isEmpty())
        parts << system;
    if (!extra.trimmed().isEmpty())
        parts << extra.trimmed();
    const auto s = m_manager->store()->session(m_sessionId);
    if (s && !s->workspace.isEmpty())
        parts << QStringLiteral("[Current working directory: %1]").arg(s->workspace);
    return parts.join(QStringLiteral("\n\n"));
}

namespace {
// Kept on a user row from its storing until the agent confirms the run (SessionController::isUnstartedTurn).
const QString StartKeyField = QStringLiteral("start_idempotency_key");
const QString StartAgentSessionField = QStringLiteral("start_agent_session_id");
} // namespace

bool SessionController::isUnstartedTurn(const MessageRecord &m)
{
    return m.role == QLatin1String("user") && m.runId.isEmpty() && m.extra.contains(StartKeyField);
}

void SessionController::forgetUnstartedTurn()
{
    MessageRecord *user = m_run ? findMessage(m_run->userMessageId) : nullptr;
    if (!user || !isUnstartedTurn(*user))
        return;
    user->extra.remove(StartKeyField);
    user->extra.remove(StartAgentSessionField);
    m_manager->store()->updateMessage(*user);
}

void SessionController::recoverUnstartedTurn(const MessageRecord &user)
{
    if (m_run || !isUnstartedTurn(user))
        return;
    store::QueueItem item;
    item.sessionId = m_sessionId;
    item.input = ContentBlocks::fromStoredText(user.content);
    if (const auto s = m_manager->store()->session(m_sessionId))
        item.model = s->model;
    qCInfo(lcSession) << m_sessionId << "asking the agent again for the turn whose start was cut off";
    startRun(item, &user);
}

void SessionController::startRun(const store::QueueItem &item, const MessageRecord *storedUser, bool fromQueue)
{
    store::SessionStore *st = m_manager->store();
    const double now = nowSeconds();
    if (!st->session(m_sessionId)) {
        store::SessionRecord s;
        s.id = m_sessionId;
        s.profile = item.profile.isEmpty() ? m_manager->defaultProfile() : item.profile;
        s.title = SessionTitle::fromInput(item.input, 100);
        s.model = item.model;
        s.createdAt = s.lastActive = now;
        st->createSession(s);
    } else {
        st->touchSession(m_sessionId, now);
    }
    m_manager->noteSessionActivity();

    static int serial = 0;
    m_run = std::make_unique<ActiveRun>();
    m_run->serial = ++serial;
    m_run->profile = profile();
    m_run->model = item.model;
    m_run->client = m_manager->client(m_run->profile);
    m_run->startedAt = now;
    m_run->agentSessionId = QStringLiteral("eph_%1_%2").arg(base36Millis(), randomBase36(6));
    m_replay.clear();
    m_pendingApprovals = QJsonArray();
    setState(State::Starting);

    // The Idempotency-Key and agent session id are stored with the input, so that a restart after a crash
    // in the window before the agent's answer can ask for the same run again (recoverUnstartedTurn).
    QString idempotencyKey;
    qint64 userId = 0;
    if (storedUser) {
        userId = storedUser->id;
        idempotencyKey = storedUser->extra.value(StartKeyField).toString();
        m_run->agentSessionId = storedUser->extra.value(StartAgentSessionField).toString(m_run->agentSessionId);
    } else {
        idempotencyKey = hermes::HermesClient::newIdempotencyKey();
        MessageRecord user;
        user.role = QStringLiteral("user");
        user.content = ContentBlocks::storedText(item.input);
        user.timestamp = now;
        user.extra.insert(StartKeyField, idempotencyKey);
        user.extra.insert(StartAgentSessionField, m_run->agentSessionId);
        userId = appendMessage(user, fromQueue ? item.queueId : QString()).id;
        m_inputTokens += TokenEstimator::estimate(user.content);
    }
    m_run->userMessageId = userId;

    if (!m_run->client) {
        finishRun(RunEvent::make(EventName::RunFailed,
                                 QJsonObject{{QStringLiteral("error"),
                                              QStringLiteral("No agent is configured for profile \"%1\". Open "
                                                             "Settings to connect to Hermes Agent.")
                                                  .arg(m_run->profile)}}));
        return;
    }

    hermes::HermesClient::StartRun request;
    // Attachments as paths for an agent on this computer, their contents for one elsewhere (AgentInput).
    const AgentInput agentInput = AgentInput::build(item.input, m_run->client->endpoint().readsLocalFiles());
    if (!agentInput.ok()) {
        finishRun(RunEvent::make(EventName::RunFailed, QJsonObject{{QStringLiteral("error"), agentInput.error}}));
        return;
    }
    for (const QString &note : agentInput.notes)
        qCInfo(lcSession) << m_sessionId << note;
    request.input = agentInput.isParts() ? ContentBlocks::flattenForAgent(item.input) : agentInput.text;
    if (agentInput.isParts())
        request.inputMessages = agentInput.wireValue().toArray();
    request.agentSessionId = m_run->agentSessionId;
    request.model = item.model;
    request.instructions = buildInstructions(item.instructions);
    request.sessionKey = QStringLiteral("caduceus:") + m_sessionId;
    request.idempotencyKey = idempotencyKey;
    const int runSerial = m_run->serial;

    // SPEC 3.2 step 2: the stored transcript before this turn (SPEC 5.1), compressed first when needed (5.2).
    HistoryPreparation::Inputs prepare;
    prepare.context = &m_context;
    prepare.store = st;
    prepare.client = m_run->client;
    prepare.sessionId = m_sessionId;
    prepare.profile = m_run->profile;
    prepare.model = item.model;
    prepare.beforeMessageId = userId;
    prepare.contextLength = ContextLengths(m_manager).contextLength(m_run->profile, item.model);
    prepare.options = m_manager->settings().compression;
    m_run->preparation = new HistoryPreparation(prepare, this);
    connect(m_run->preparation, &HistoryPreparation::compressionStarted, this,
            [this](const QJsonObject &payload) {
                rememberState(EventName::CompressionStarted, payload);
                emitEvent(EventName::CompressionStarted, payload);
            });
    connect(m_run->preparation, &HistoryPreparation::compressionCompleted, this,
            [this](const QJsonObject &payload) {
                rememberState(EventName::CompressionCompleted, payload);
                emitEvent(EventName::CompressionCompleted, payload);
                recomputeTokens();
                emitUsage();
            });
    connect(m_run->preparation, &HistoryPreparation::ready, this,
            [this, runSerial, request](const QJsonArray &history) mutable {
                if (!m_run || m_run->serial != runSerial)
                    return;
                if (m_run->abortRequested) {
                    finishAbort(true); // aborted while compressing: nothing was started on the agent
                    return;
                }
                request.history = history;
                qCInfo(lcSession) << m_sessionId << "starting a run with" << request.history.size()
                                  << "history items";
                m_run->client->startRun(request, this, [this, runSerial](const ApiResult &result) {
                    if (!m_run || m_run->serial != runSerial) {
                        // The turn was given up (aborted) before the agent answered: stop the orphan run.
                        const QString orphan = result.json.value(QLatin1String("run_id")).toString();
                        if (result.ok() && !orphan.isEmpty()) {
                            if (auto *c = client())
                                c->stopRun(orphan, this, [](const ApiResult &) {});
                        }
                        return;
                    }
                    onRunStarted(result);
                });
            });
    m_run->preparation->start();
}

void SessionController::onRunStarted(const ApiResult &result)
{
    if (!result.ok()) {
        finishRun(RunEvent::make(EventName::RunFailed, QJsonObject{{QStringLiteral("error"), result.message}}));
        return;
    }
    m_run->runId = result.json.value(QLatin1String("run_id")).toString();
    const QString status = result.json.value(QLatin1String("status")).toString(QStringLiteral("started"));

    store::RunRecord record;
    record.runId = m_run->runId;
    record.sessionId = m_sessionId;
    record.agentSessionId = m_run->agentSessionId;
    record.profile = m_run->profile;
    record.model = m_run->model;
    record.status = QStringLiteral("running");
    record.startedAt = m_run->startedAt;
    m_manager->store()->upsertRun(record);
    forgetUnstartedTurn();
    if (MessageRecord *user = findMessage(m_run->userMessageId)) {
        user->runId = m_run->runId;
        m_manager->store()->updateMessage(*user);
    }

    const bool abortRequested = m_run->abortRequested;
    if (!abortRequested)
        setState(State::Running);
    qCInfo(lcSession) << m_sessionId << "run" << m_run->runId << "started";
    emitEvent(EventName::RunStarted, QJsonObject{{QStringLiteral("run_id"), m_run->runId},
                                                 {QStringLiteral("status"), status},
                                                 {QStringLiteral("queue_length"), queueLength()}});

    m_run->stream = new hermes::RunEventStream(m_run->client, m_run->runId, this);
    m_run->stream->setOptions(m_manager->settings().stream);
    connect(m_run->stream, &hermes::RunEventStream::eventReceived, this, &SessionController::onRunEvent);
    connect(m_run->stream, &hermes::RunEventStream::finished, this, &SessionController::onRunFinished);
    connect(m_run->stream, &hermes::RunEventStream::failed, this, &SessionController::onRunFailed);
    m_run->stream->setPaused(m_eventFlowPaused);
    m_run->stream->start();

    if (abortRequested) {
        m_run->client->stopRun(m_run->runId, this, [](const ApiResult &) {});
        // Update the replayed abort.started with the run id we now know.
        QJsonObject started{{QStringLiteral("run_id"), m_run->runId},
                            {QStringLiteral("graceMs"), m_manager->settings().graceMs}};
        rememberState(EventName::AbortStarted, started);
    }
}

void SessionController::clearPendingApprovals()
{
    if (m_pendingApprovals.isEmpty())
        return;
    m_pendingApprovals = QJsonArray();
    for (qsizetype i = m_replay.size() - 1; i >= 0; --i) {
        if (m_replay[i].first == EventName::ApprovalRequest)
            m_replay.removeAt(i);
    }
    Q_EMIT stateChanged();
}

void SessionController::onRunEvent(const RunEvent &event)
{
    if (!m_run)
        return;
    const QString &name = event.name;
    // The agent denies an unanswered approval after 60 s without saying so: any further progress
    // means the prompt is gone.
    if (name != EventName::ApprovalRequest && name != EventName::ApprovalResponded &&
        (name.startsWith(EventName::ToolPrefix) || name.startsWith(EventName::MessagePrefix) ||
         name.startsWith(EventName::ReasoningPrefix) || name.startsWith(EventName::RunPrefix))) {
        clearPendingApprovals();
    }

    if (name == EventName::MessageDelta) {
        QString delta = event.deltaText();
        const MessageRecord *current = m_run->openAssistantId ? findMessage(m_run->openAssistantId) : nullptr;
        if (!current || current->content.isEmpty())
            delta = withoutLeadingNewlines(delta);
        if (!delta.isEmpty()) {
            MessageRecord &m = openAssistant();
            if (m.extra.contains(MessageField::ReasoningStarted) &&
                !m.extra.contains(MessageField::ReasoningDuration)) {
                m.extra.insert(MessageField::ReasoningDuration,
                               nowSeconds() - m.extra.value(MessageField::ReasoningStarted).toDouble());
            }
            m.content += delta;
            m_run->producedText = true;
            touchMessage(m, false);
        }
    } else if (name == EventName::ReasoningDelta || name == EventName::ThinkingDelta) {
        const QString delta = event.deltaText();
        if (!delta.isEmpty()) {
            MessageRecord &m = openAssistant();
            if (!m.extra.contains(MessageField::ReasoningStarted))
                m.extra.insert(MessageField::ReasoningStarted, nowSeconds());
            m.reasoning += delta;
            touchMessage(m, false);
        }
    } else if (name == EventName::ToolStarted) {
        closeAssistant(QString::fromLatin1(MessageStatus::Complete));
        MessageRecord tool;
        tool.role = QStringLiteral("tool");
        tool.toolName = event.json.value(QLatin1String("tool")).toString(event.json.value(QLatin1String("name")).toString());
        tool.runId = m_run->runId;
        tool.status = QString::fromLatin1(MessageStatus::Streaming);
        tool.extra =
            QJsonObject{{MessageField::ToolPreview, event.json.value(QLatin1String("preview")).toString()},
                        {MessageField::ToolStatus, QString::fromLatin1(ToolStatus::Running)},
                        {MessageField::ToolStarted, nowSeconds()}};
        appendMessage(tool);
    } else if (name == EventName::ToolCompleted) {
        const QString toolName = event.json.value(QLatin1String("tool")).toString(event.json.value(QLatin1String("name")).toString());
        // No tool_call_id on the wire: the oldest open row of that tool name is the one that ended.
        for (qint64 id : std::as_const(m_run->rowIds)) {
            MessageRecord *m = findMessage(id);
            if (!m || !isOpenTool(*m) || m->toolName != toolName)
                continue;
            const bool error = event.json.value(QLatin1String("error")).toBool(false);
            QString outcome = QString::fromLatin1(error ? ToolStatus::Error : ToolStatus::Done);
            if (error && m->extra.value(MessageField::ApprovalChoice).toString() == QLatin1String("deny")) {
                outcome = QString::fromLatin1(ToolStatus::Denied);
            } else if (error && toolStatusOf(*m) == QLatin1String(ToolStatus::WaitingForApproval)) {
                // Nobody answered: the agent blocked the command after its approval timeout, without an
                // event of its own (the tool result says "BLOCKED: Command timed out without user response").
                outcome = QString::fromLatin1(ToolStatus::Denied);
                m->extra.insert(MessageField::ApprovalChoice, QStringLiteral("timeout"));
            }
            m->extra.insert(MessageField::ToolStatus, outcome);
            m->extra.insert(MessageField::ToolDuration,
                            event.json.value(QLatin1String("duration")).toDouble());
            m->status = QString::fromLatin1(MessageStatus::Complete);
            touchMessage(*m, true);
            break;
        }
    } else if (name == EventName::ApprovalRequest) {
        QJsonObject request = event.json;
        request.insert(QStringLiteral("session_id"), m_sessionId);
        m_pendingApprovals.append(request);
        rememberState(name, request, false);
        markToolWaitingForApproval(request);
        Q_EMIT stateChanged();
    } else if (name == EventName::ApprovalResponded) {
        // Our own answer is applied by whichever comes first, its POST's answer or the agent's echo of it
        // (the echo may come first, and the tool's outcome right after it); it is reported when the POST
        // returns.
        if (m_run->echoesExpected > 0) {
            --m_run->echoesExpected;
            return;
        }
        const int resolved = event.json.value(QLatin1String("resolved")).toInt(1);
        applyApprovalAnswer(event.json.value(QLatin1String("choice")).toString(), qMax(1, resolved), false);
        if (m_run->approvalPostsInFlight > 0) {
            ++m_run->echoesBeforeAnswer;
            return;
        }
        // Answered elsewhere (another client of the agent): shown like our own.
        rememberState(name, event.json);
    }
    emitEvent(name, event.json, event.raw);
}

void SessionController::onRunFinished(const RunEvent &terminal)
{
    if (!m_run)
        return;
    if (m_state == State::Aborting) {
        finishAbort(true);
        return;
    }
    finishRun(terminal);
}

void SessionController::onRunFailed(const QString &error)
{
    if (!m_run)
        return;
    if (m_state == State::Aborting) {
        finishAbort(false);
        return;
    }
    finishRun(RunEvent::make(EventName::RunFailed, QJsonObject{{QStringLiteral("error"), error},
                                                               {QStringLiteral("run_id"), m_run->runId}}));
}

void SessionController::finishRun(const RunEvent &terminal)
{
    m_graceTimer.stop();
    if (m_run->ending)
        return;
    m_run->ending = true;
    if (m_run->stream)
        m_run->stream->stop();
    QJsonObject payload = terminal.json;
    const QString name = terminal.name;
    store::RunRecord record;
    if (!m_run->runId.isEmpty())
        record = m_manager->store()->run(m_run->runId).value_or(record);
    else
        forgetUnstartedTurn();

    if (name == EventName::RunCompleted) {
        const QString output = payload.value(QLatin1String("output")).toString();
        ParsedContent parsed;
        if (ContentParser::looksLikeContentArray(output))
            parsed = ContentParser::parse(output);
        if (parsed.ok) {
            payload.insert(QStringLiteral("parsed_content"), parsed.text);
            payload.insert(QStringLiteral("parsed_reasoning"),
                           parsed.reasoning.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(parsed.reasoning));
            payload.insert(QStringLiteral("parsed_tool_calls"),
                           parsed.toolCalls.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(parsed.toolCalls));
        }
        const QString finalText = parsed.ok ? parsed.text : output;
        MessageRecord *open = m_run->openAssistantId ? findMessage(m_run->openAssistantId) : nullptr;
        if (open && ContentParser::looksLikeContentArray(open->content)) {
            const ParsedContent streamed = ContentParser::parse(open->content);
            if (streamed.ok) {
                open->content = streamed.text;
                if (open->reasoning.isEmpty())
                    open->reasoning = streamed.reasoning;
                if (open->toolCalls.isEmpty())
                    open->toolCalls = streamed.toolCalls;
            }
        }
        if (!finalText.isEmpty()) {
            if (!m_run->producedText) {
                MessageRecord &m = openAssistant();
                m.content = finalText;
            } else if (open && finalText.startsWith(open->content) && finalText.size() > open->content.size()) {
                // Recovered after a restart or a lost stream: the agent's output completes the saved text.
                open->content = finalText;
            }
        }
        closeAssistant(QString::fromLatin1(MessageStatus::Complete));
        const QJsonObject usage = payload.value(QLatin1String("usage")).toObject();
        record.inputTokens = usage.value(QLatin1String("input_tokens")).toInteger();
        record.outputTokens = usage.value(QLatin1String("output_tokens")).toInteger();
        record.totalTokens = usage.value(QLatin1String("total_tokens")).toInteger(record.inputTokens + record.outputTokens);
        if (record.inputTokens || record.outputTokens)
            m_manager->store()->addSessionTokens(m_sessionId, record.inputTokens, record.outputTokens);
        record.status = QStringLiteral("completed");
    } else if (name == EventName::RunCancelled) {
        closeAssistant(QString::fromLatin1(MessageStatus::Cancelled));
        record.status = QStringLiteral("cancelled");
    } else {
        QString error = payload.value(QLatin1String("error")).toString();
        if (error.isEmpty()) {
            const QJsonObject e = payload.value(QLatin1String("error")).toObject();
            error = e.value(QLatin1String("message")).toString(QStringLiteral("The run failed on the agent."));
            payload.insert(QStringLiteral("error"), error);
        }
        closeAssistant(QString::fromLatin1(MessageStatus::Interrupted));
        addErrorRow(error);
        record.status = QStringLiteral("failed");
        record.error = error;
    }
    // Tools that did not report back ended with the run.
    for (qint64 id : std::as_const(m_run->rowIds)) {
        MessageRecord *m = findMessage(id);
        if (!m || !isOpenTool(*m))
            continue;
        const QString status = toolStatusOf(*m);
        if (status == QLatin1String(ToolStatus::WaitingForApproval)) {
            m->extra.insert(MessageField::ToolStatus, QString::fromLatin1(ToolStatus::Denied));
            m->extra.insert(MessageField::ApprovalChoice, QStringLiteral("timeout"));
        } else if (status != QLatin1String(ToolStatus::Denied)) {
            m->extra.insert(
                MessageField::ToolStatus,
                QString::fromLatin1(name == EventName::RunCompleted ? ToolStatus::Done : ToolStatus::Error));
        }
        m->status = QString::fromLatin1(MessageStatus::Complete);
        touchMessage(*m, true);
    }
    persistDirty();
    if (!record.runId.isEmpty()) {
        record.endedAt = nowSeconds();
        m_manager->store()->upsertRun(record);
    }
    const bool ranOnAgent = !m_run->runId.isEmpty() && name != EventName::RunFailed;
    if (!ranOnAgent) {
        completeTurn(name, payload);
        return;
    }
    syncTranscript([this, name, payload](bool) { completeTurn(name, payload); });
}

void SessionController::completeTurn(const QString &terminalName, const QJsonObject &upstreamPayload)
{
    QJsonObject payload = upstreamPayload;
    payload.insert(QStringLiteral("queue_remaining"), queueLength());
    if (m_run && !m_run->runId.isEmpty() && !payload.contains(QLatin1String("run_id")))
        payload.insert(QStringLiteral("run_id"), m_run->runId);
    m_run.reset();
    m_replay.clear();
    m_pendingApprovals = QJsonArray();
    setState(State::Idle);
    m_manager->store()->touchSession(m_sessionId, nowSeconds());
    m_manager->noteSessionActivity();
    qCInfo(lcSession) << m_sessionId << terminalName << "queue remaining" << queueLength();
    emitEvent(terminalName, payload);
    recomputeTokens();
    emitUsage();
    startNextQueued();
}

void SessionController::abort()
{
    // A turn whose end is being written (transcript sync) has nothing left to stop.
    if (m_state == State::Idle || !m_run || m_run->ending) {
        emitEvent(EventName::AbortCompleted,
                  QJsonObject{{QStringLiteral("synced"), false}, {QStringLiteral("ignored"), true}});
        return;
    }
    if (m_state == State::Aborting)
        return; // idempotent
    const int graceMs = m_manager->settings().graceMs;
    const QJsonObject started{{QStringLiteral("run_id"), m_run->runId}, {QStringLiteral("graceMs"), graceMs}};
    setState(State::Aborting);
    rememberState(EventName::AbortStarted, started);
    qCInfo(lcSession) << m_sessionId << "aborting run" << m_run->runId;
    emitEvent(EventName::AbortStarted, started);
    m_graceTimer.start(graceMs);
    if (m_run->runId.isEmpty()) {
        m_run->abortRequested = true; // the POST is still in flight: stop the run once it has an id
        return;
    }
    const int runSerial = m_run->serial;
    m_run->client->stopRun(m_run->runId, this, [this, runSerial](const ApiResult &r) {
        if (!m_run || m_run->serial != runSerial || m_state != State::Aborting)
            return;
        // Some builds answer 404 for a run that already ended: it is stopped.
        if (r.error == ApiResult::Error::NotFound)
            finishAbort(true);
    });
}

void SessionController::finishAbort(bool confirmed)
{
    m_graceTimer.stop();
    if (!m_run || m_state != State::Aborting || m_run->ending)
        return;
    m_run->ending = true;
    if (m_run->stream)
        m_run->stream->stop();
    const QString runId = m_run->runId;
    if (runId.isEmpty())
        forgetUnstartedTurn(); // stopped by the user before the agent started it: not to be asked again
    closeAssistant(QString::fromLatin1(MessageStatus::Cancelled));
    for (qint64 id : std::as_const(m_run->rowIds)) {
        MessageRecord *m = findMessage(id);
        if (m && isOpenTool(*m)) {
            if (toolStatusOf(*m) != QLatin1String(ToolStatus::Denied))
                m->extra.insert(MessageField::ToolStatus, QString::fromLatin1(ToolStatus::Cancelled));
            m->status = QString::fromLatin1(MessageStatus::Cancelled);
            touchMessage(*m, true);
        }
    }
    persistDirty();
    if (!runId.isEmpty()) {
        store::RunRecord record = m_manager->store()->run(runId).value_or(store::RunRecord{});
        record.status = QStringLiteral("cancelled");
        record.endedAt = nowSeconds();
        m_manager->store()->upsertRun(record);
    }
    qCInfo(lcSession) << m_sessionId << "abort of" << runId << (confirmed ? "confirmed by the agent" : "ended by grace");
    const auto done = [this, runId](bool synced) {
        QJsonObject completed{{QStringLiteral("run_id"), runId}, {QStringLiteral("synced"), synced}};
        if (!m_queue.isEmpty())
            completed.insert(QStringLiteral("queue_length"), queueLength());
        m_run.reset();
        m_replay.clear();
        m_pendingApprovals = QJsonArray();
        setState(State::Idle);
        emitEvent(EventName::AbortCompleted, completed);
        recomputeTokens();
        emitUsage();
        startNextQueued();
    };
    if (runId.isEmpty())
        done(false);
    else
        syncTranscript(done);
}

void SessionController::markToolWaitingForApproval(const QJsonObject &request)
{
    // The agent asks about a command of a tool it has started (tool.started comes first): the oldest running
    // tool row not asked about yet, the one showing that very command when there is one.
    const QString command = request.value(QLatin1String("command")).toString();
    MessageRecord *target = nullptr;
    for (qint64 id : std::as_const(m_run->rowIds)) {
        MessageRecord *m = findMessage(id);
        if (!m || !isOpenTool(*m) || toolStatusOf(*m) != QLatin1String(ToolStatus::Running) ||
            m->extra.contains(MessageField::ApprovalChoice))
            continue;
        if (!target)
            target = m;
        if (!command.isEmpty() && m->extra.value(MessageField::ToolPreview).toString() == command) {
            target = m;
            break;
        }
    }
    if (!target)
        return; // an approval outside a tool (older agents): its answer becomes a notice row
    target->extra.insert(MessageField::ToolStatus, QString::fromLatin1(ToolStatus::WaitingForApproval));
    const QString description = request.value(QLatin1String("description")).toString();
    if (!description.isEmpty())
        target->extra.insert(MessageField::ApprovalDescription, description);
    touchMessage(*target, true);
}

void SessionController::applyApprovalAnswer(const QString &choice, int count, bool all)
{
    for (int i = 0; i < count && !m_pendingApprovals.isEmpty(); ++i)
        m_pendingApprovals.removeFirst();
    for (qsizetype i = m_replay.size() - 1; i >= 0 && m_pendingApprovals.isEmpty(); --i) {
        if (m_replay[i].first == EventName::ApprovalRequest)
            m_replay.removeAt(i);
    }
    // The outcome belongs to the tool that waited for it, so it is shown there (in the order things
    // happened), not as a row after whatever streamed meanwhile.
    int placed = 0;
    for (qint64 id : std::as_const(m_run->rowIds)) {
        if (placed == count)
            break;
        MessageRecord *m = findMessage(id);
        if (!m || !isOpenTool(*m) || toolStatusOf(*m) != QLatin1String(ToolStatus::WaitingForApproval))
            continue;
        m->extra.insert(MessageField::ApprovalChoice, choice);
        m->extra.insert(
            MessageField::ToolStatus,
            QString::fromLatin1(choice == QLatin1String("deny") ? ToolStatus::Denied : ToolStatus::Running));
        touchMessage(*m, true);
        ++placed;
    }
    if (placed == 0) {
        addNotice(choiceLabel(choice) +
                      (all && count > 1 ? QStringLiteral(" (%1 requests)").arg(count) : QString()),
                  QJsonObject{{MessageField::ApprovalChoice, choice}});
    }
    Q_EMIT stateChanged();
}

void SessionController::respondApproval(const QString &choice, bool all)
{
    const auto answer = [this, choice, all](int resolved, const QString &error) {
        QJsonObject payload{{QStringLiteral("run_id"), runId()},
                            {QStringLiteral("choice"), choice},
                            {QStringLiteral("all"), all},
                            {QStringLiteral("resolved"), resolved}};
        if (!error.isEmpty())
            payload.insert(QStringLiteral("error"), error);
        if (m_run)
            rememberState(EventName::ApprovalResponded, payload);
        emitEvent(EventName::ApprovalResponded, payload);
    };
    if (!validChoices().contains(choice)) {
        answer(0, QStringLiteral("Invalid approval choice \"%1\": use once, session, always or deny.").arg(choice.left(40)));
        return;
    }
    if (!m_run || m_run->runId.isEmpty()) {
        answer(0, QStringLiteral("No run of this session is waiting for an approval."));
        return;
    }
    const int runSerial = m_run->serial;
    hermes::HermesClient *c = m_run->client;
    c->capabilities(this, [this, c, choice, all, runSerial, answer](const hermes::Capabilities &caps,
                                                                    const ApiResult &capResult) {
        if (!m_run || m_run->serial != runSerial) {
            answer(0, QStringLiteral("The run ended before the approval was sent."));
            return;
        }
        if (!capResult.ok() && capResult.error != ApiResult::Error::NotFound) {
            answer(0, QStringLiteral("Could not check the agent's approval support: %1").arg(capResult.message));
            return;
        }
        if (caps.known() && !caps.supportsApprovals()) {
            answer(0, QStringLiteral("This Hermes Agent does not accept approvals over its API; upgrade it to a build "
                                     "with run approval support."));
            return;
        }
        ++m_run->approvalPostsInFlight;
        c->respondApproval(m_run->runId, choice, all, this, [this, choice, all, runSerial, answer](const ApiResult &r) {
            bool appliedByEcho = false;
            if (m_run && m_run->serial == runSerial) {
                --m_run->approvalPostsInFlight;
                if (m_run->echoesBeforeAnswer > 0) {
                    --m_run->echoesBeforeAnswer;
                    appliedByEcho = true;
                } else if (r.ok()) {
                    ++m_run->echoesExpected;
                }
            }
            if (!r.ok()) {
                answer(0, r.error == ApiResult::Error::Conflict
                              ? QStringLiteral("Nothing is waiting for approval any more (the agent denies "
                                               "unanswered requests after 60 s).")
                              : r.message);
                if (r.error == ApiResult::Error::Conflict)
                    clearPendingApprovals();
                return;
            }
            const int resolved = r.json.value(QLatin1String("resolved")).toInt();
            const bool live = m_run && m_run->serial == runSerial;
            if (live && !appliedByEcho)
                applyApprovalAnswer(choice, all ? qMax(1, resolved) : 1, all);
            answer(resolved, QString());
            Q_EMIT stateChanged();
        });
    });
}

bool SessionController::steer(const QString &text)
{
    if (m_state != State::Running || !m_run || m_run->runId.isEmpty() || text.trimmed().isEmpty() || !steerSupported())
        return false;
    MessageRecord guidance;
    guidance.role = QStringLiteral("user");
    guidance.content = text;
    guidance.runId = m_run->runId;
    guidance.extra = QJsonObject{{MessageField::Steer, true}};
    appendMessage(guidance);
    const int runSerial = m_run->serial;
    m_run->client->steer(m_run->runId, text, this, [this, runSerial](const ApiResult &r) {
        if (!r.ok() && m_run && m_run->serial == runSerial)
            addErrorRow(QStringLiteral("The guidance was not delivered: %1").arg(r.message));
    });
    return true;
}

void SessionController::syncTranscript(std::function<void(bool)> done)
{
    auto *sync = new TranscriptSync(m_manager, m_sessionId, m_run->runId, m_run->agentSessionId, m_run->profile,
                                    m_run->client, this);
    connect(sync, &TranscriptSync::finished, this, [this, sync, done](bool synced, const QString &note) {
        sync->deleteLater();
        if (synced && sync->changedRows()) {
            m_context.invalidateFrom(m_run ? m_run->userMessageId + 1 : 1);
            const int limit = m_manager->settings().resumeMessageLimit;
            m_messages = m_manager->store()->messages(m_sessionId, 0, limit + 1);
            m_hasOlder = m_messages.size() > limit;
            if (m_hasOlder)
                m_messages.removeFirst();
            Q_EMIT transcriptReset();
        } else if (!note.isEmpty()) {
            qCInfo(lcSession) << m_sessionId << "transcript not synced:" << note;
        }
        done(synced);
    });
    sync->start(m_manager->settings().syncTimeoutMs);
}

void SessionController::startNextQueued()
{
    if (m_state != State::Idle || m_queue.isEmpty())
        return;
    // Its stored row stays until the input is stored as the turn's user message (same transaction).
    const store::QueueItem next = m_queue.takeFirst();
    emitEvent(EventName::RunQueued, QJsonObject{{QStringLiteral("queue_length"), queueLength()},
                                                {QStringLiteral("queue"), queueJson()},
                                                {QStringLiteral("dequeued"), next.queueId}});
    Q_EMIT stateChanged();
    startRun(next, nullptr, true);
}

void SessionController::resumeQueue()
{
    startNextQueued();
}

void SessionController::recoverRun(const store::RunRecord &run)
{
    if (m_run)
        return;
    static int serial = 100000;
    m_run = std::make_unique<ActiveRun>();
    m_run->serial = ++serial;
    m_run->runId = run.runId;
    m_run->agentSessionId = run.agentSessionId;
    m_run->profile = run.profile.isEmpty() ? profile() : run.profile;
    m_run->model = run.model;
    m_run->startedAt = run.startedAt;
    m_run->client = m_manager->client(m_run->profile);
    for (const MessageRecord &m : std::as_const(m_messages)) {
        if (m.runId != run.runId || m.role == QLatin1String("user"))
            continue;
        m_run->rowIds.append(m.id);
        if (m.role == QLatin1String("assistant")) {
            m_run->producedText = m_run->producedText || !m.content.isEmpty();
            if (m.status == QLatin1String(MessageStatus::Streaming))
                m_run->openAssistantId = m.id;
        }
    }
    setState(State::Running);
    qCInfo(lcSession) << m_sessionId << "recovering run" << run.runId << "from status polling";
    if (!m_run->client) {
        onRunFailed(QStringLiteral("The run was interrupted when Caduceus stopped, and its agent is not configured."));
        return;
    }
    m_run->stream = new hermes::RunEventStream(m_run->client, m_run->runId, this);
    m_run->stream->setOptions(m_manager->settings().stream);
    connect(m_run->stream, &hermes::RunEventStream::finished, this, &SessionController::onRunFinished);
    connect(m_run->stream, &hermes::RunEventStream::failed, this, [this](const QString &error) {
        if (!m_run)
            return;
        finishRun(RunEvent::make(EventName::RunFailed,
                                 QJsonObject{{QStringLiteral("error"),
                                              QStringLiteral("This answer was interrupted when Caduceus stopped. %1")
                                                  .arg(error)},
                                             {QStringLiteral("run_id"), m_run->runId}}));
    });
    m_run->stream->startPolling();
}

} // namespace caduceus::chat
