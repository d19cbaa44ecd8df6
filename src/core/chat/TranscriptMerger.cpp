#include "chat/TranscriptMerger.h"

#include "chat/ContentBlocks.h"
#include "chat/ContentParser.h"
#include "chat/SessionManager.h"
#include "hermes/HermesClient.h"
#include "protocol/EventNames.h"
#include "store/SessionStore.h"

#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

#include <algorithm>

Q_DECLARE_LOGGING_CATEGORY(lcSession)

namespace caduceus::chat {

using store::MessageRecord;

namespace {

// The agent's result of a command it refused to run (the user denied it, or nobody answered in time):
// {"output": "", "exit_code": -1, "error": "BLOCKED: …", "status": "blocked"}.
bool isBlockedToolResult(const QString &content)
{
    if (content.startsWith(QLatin1String("BLOCKED:")))
        return true;
    if (!content.startsWith(QLatin1Char('{')) || !content.contains(QLatin1String("BLOCKED")))
        return false;
    const QJsonObject result = QJsonDocument::fromJson(content.toUtf8()).object();
    return result.value(QLatin1String("status")).toString() == QLatin1String("blocked") ||
           result.value(QLatin1String("error")).toString().startsWith(QLatin1String("BLOCKED:"));
}

} // namespace

QList<MessageRecord> TranscriptMerger::fromAgentJson(const QJsonArray &rows)
{
    QList<MessageRecord> out;
    for (const QJsonValue &v : rows) {
        if (!v.isObject())
            continue;
        const QJsonObject o = v.toObject();
        if (o.contains(QLatin1String("active")) && !o.value(QLatin1String("active")).toVariant().toBool())
            continue;
        MessageRecord m;
        m.role = o.value(QLatin1String("role")).toString();
        if (m.role.isEmpty())
            continue;
        const QJsonValue content = o.value(QLatin1String("content"));
        m.content = content.isString() ? content.toString()
                    : content.isArray() ? ContentBlocks::flattenForAgent(content)
                                        : QString();
        m.reasoning = o.value(QLatin1String("reasoning")).toString(o.value(QLatin1String("reasoning_content")).toString());
        const QJsonValue calls = o.value(QLatin1String("tool_calls"));
        if (calls.isArray())
            m.toolCalls = calls.toArray();
        else if (calls.isString())
            m.toolCalls = QJsonDocument::fromJson(calls.toString().toUtf8()).array();
        m.toolCallId = o.value(QLatin1String("tool_call_id")).toString();
        m.toolName = o.value(QLatin1String("tool_name")).toString();
        m.timestamp = o.value(QLatin1String("timestamp")).toDouble();
        out.append(m);
    }
    return out;
}

QList<MessageRecord> TranscriptMerger::runRows(const QList<MessageRecord> &agentRows, const QString &userText)
{
    qsizetype start = -1;
    for (qsizetype i = agentRows.size() - 1; i >= 0; --i) {
        if (agentRows[i].role != QLatin1String("user"))
            continue;
        if (start < 0)
            start = i; // the last user row, the fallback
        if (agentRows[i].content.trimmed() == userText.trimmed()) {
            start = i;
            break;
        }
    }
    QList<MessageRecord> out;
    for (qsizetype i = start + 1; i < agentRows.size(); ++i) {
        if (agentRows[i].role != QLatin1String("user"))
            out.append(agentRows[i]);
    }
    return out;
}

QList<MessageRecord> TranscriptMerger::merge(const QList<MessageRecord> &streamed, const QList<MessageRecord> &agent,
                                             const QString &runId, bool cancelled)
{
    const auto hasText = [](const QList<MessageRecord> &rows) {
        return std::any_of(rows.cbegin(), rows.cend(), [](const MessageRecord &m) {
            return m.role == QLatin1String("assistant") && !m.content.trimmed().isEmpty();
        });
    };
    if (agent.isEmpty() || (hasText(streamed) && !hasText(agent)))
        return {};

    // The calls by id: the agent stores tool rows with tool_name NULL on some builds, and a tool row shows
    // the arguments of its call next to its result.
    QHash<QString, QJsonObject> calls;
    for (const MessageRecord &m : agent) {
        for (const QJsonValue &call : m.toolCalls) {
            const QJsonObject c = call.toObject();
            const QString id = c.value(QLatin1String("id")).toString();
            if (!id.isEmpty())
                calls.insert(id, c.value(QLatin1String("function")).toObject());
        }
    }

    // Streamed rows are matched to agent rows by their place between tool rows: the stream only has an
    // assistant row for a model call that produced text or reasoning, while the agent has one for every
    // call (also for calls that only requested tools), so counting assistant rows would pair the wrong ones.
    QHash<int, QList<const MessageRecord *>> streamedAssistants; // by the number of tool rows before them
    QHash<QString, QList<const MessageRecord *>> streamedTools;
    QList<QPair<int, const MessageRecord *>> notices; // anchored after N tool rows
    // An approval's outcome belongs right after the tool it was about, not after the text that followed.
    QList<QPair<int, const MessageRecord *>> approvalNotices;
    int toolsSeen = 0;
    for (const MessageRecord &m : streamed) {
        if (m.role == QLatin1String("assistant"))
            streamedAssistants[toolsSeen].append(&m);
        else if (m.role == QLatin1String("tool")) {
            streamedTools[m.toolName].append(&m);
            ++toolsSeen;
        } else if (m.role == QLatin1String("notice") && m.extra.contains(MessageField::ApprovalChoice) &&
                   toolsSeen > 0)
            approvalNotices.append({toolsSeen, &m});
        else if (m.role == QLatin1String("notice") || m.role == QLatin1String("error"))
            notices.append({toolsSeen, &m});
    }

    QList<MessageRecord> out;
    QHash<int, int> assistantUse;
    int toolIndex = 0;
    QHash<QString, int> toolUse;
    const auto flush = [&out](QList<QPair<int, const MessageRecord *>> &pending, int anchor) {
        while (!pending.isEmpty() && pending.first().first <= anchor) {
            MessageRecord n = *pending.takeFirst().second;
            n.id = 0;
            out.append(n);
        }
    };
    const auto flushNotices = [&](int anchor) { flush(notices, anchor); };
    for (MessageRecord m : agent) {
        m.id = 0;
        m.runId = runId;
        m.status = QString::fromLatin1(store::MessageStatus::Complete);
        if (m.role == QLatin1String("assistant")) {
            if (ContentParser::looksLikeContentArray(m.content)) {
                const ParsedContent parsed = ContentParser::parse(m.content);
                if (parsed.ok) {
                    m.content = parsed.text;
                    if (m.reasoning.isEmpty())
                        m.reasoning = parsed.reasoning;
                    if (m.toolCalls.isEmpty())
                        m.toolCalls = parsed.toolCalls;
                }
            }
            const auto &candidates = streamedAssistants.value(toolIndex);
            int &use = assistantUse[toolIndex];
            // A call without text lines up with a streamed row only when that row has no text either.
            const bool hasText = !m.content.trimmed().isEmpty();
            while (use < candidates.size() && hasText && candidates[use]->content.trimmed().isEmpty() &&
                   candidates[use]->reasoning.isEmpty())
                ++use;
            if (use < candidates.size() && (hasText || candidates[use]->content.trimmed().isEmpty())) {
                const MessageRecord *s = candidates[use++];
                if (m.reasoning.isEmpty())
                    m.reasoning = s->reasoning;
                for (auto it = s->extra.begin(); it != s->extra.end(); ++it)
                    m.extra.insert(it.key(), it.value());
            }
        } else if (m.role == QLatin1String("tool")) {
            flushNotices(toolIndex);
            const QJsonObject call = calls.value(m.toolCallId);
            if (m.toolName.isEmpty())
                m.toolName = call.value(QLatin1String("name")).toString();
            const QJsonValue arguments = call.value(QLatin1String("arguments"));
            if (!arguments.isUndefined() && !arguments.isNull())
                m.extra.insert(MessageField::ToolArguments, arguments);
            const int use = toolUse[m.toolName]++;
            const auto &candidates = streamedTools.value(m.toolName);
            if (use < candidates.size()) {
                for (auto it = candidates[use]->extra.begin(); it != candidates[use]->extra.end(); ++it)
                    m.extra.insert(it.key(), it.value());
            } else {
                m.extra.insert(MessageField::ToolStatus, QString::fromLatin1(store::ToolStatus::Done));
            }
            // The agent's result says what the stream could not: a refused command is denied, whatever
            // the stream saw (a lost stream, or an approval answered elsewhere).
            if (isBlockedToolResult(m.content))
                m.extra.insert(MessageField::ToolStatus, QString::fromLatin1(store::ToolStatus::Denied));
            ++toolIndex;
            out.append(m);
            flush(approvalNotices, toolIndex);
            continue;
        }
        out.append(m);
    }
    flush(approvalNotices, INT_MAX);
    flushNotices(INT_MAX);
    if (cancelled) {
        for (qsizetype i = out.size() - 1; i >= 0; --i) {
            if (out[i].role == QLatin1String("assistant")) {
                out[i].status = QString::fromLatin1(store::MessageStatus::Cancelled);
                break;
            }
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------

TranscriptSync::TranscriptSync(SessionManager *manager, const QString &sessionId, const QString &runId,
                               const QString &agentSessionId, const QString &profile, hermes::HermesClient *client,
                               QObject *parent)
    : QObject(parent), m_manager(manager), m_sessionId(sessionId), m_runId(runId), m_agentSessionId(agentSessionId),
      m_profile(profile), m_client(client)
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this]() {
        finish(false, QStringLiteral("the agent's transcript did not arrive in time"));
    });
}

void TranscriptSync::start(int timeoutMs)
{
    m_deadline.start(timeoutMs);
    if (m_agentSessionId.isEmpty()) {
        finish(false, QStringLiteral("no agent session"));
        return;
    }
    m_manager->store()->enqueueAgentDelete(m_agentSessionId, m_profile);
    attempt();
}

void TranscriptSync::attempt()
{
    if (m_done)
        return;
    ++m_attempts;
    if (!m_client) {
        fromStateDb();
        return;
    }
    m_client->capabilities(this, [this](const hermes::Capabilities &caps, const hermes::ApiResult &) {
        if (m_done)
            return;
        const bool rest = caps.has(QStringLiteral("session_messages")) ||
                          caps.hasEndpoint(QStringLiteral("session_messages"));
        if (!rest || !m_client) {
            fromStateDb();
            return;
        }
        m_client->sessionMessages(m_agentSessionId, this, [this](const hermes::ApiResult &r) {
            if (m_done)
                return;
            const QList<MessageRecord> rows =
                r.ok() ? TranscriptMerger::fromAgentJson(r.json.value(QLatin1String("messages")).toArray())
                       : QList<MessageRecord>{};
            const bool hasAnswer = std::any_of(rows.cbegin(), rows.cend(),
                                               [](const MessageRecord &m) { return m.role != QLatin1String("user"); });
            if (hasAnswer) {
                apply(rows);
                return;
            }
            // The agent may write its transcript a moment after the terminal event.
            if (m_attempts < 4)
                QTimer::singleShot(400 * m_attempts, this, &TranscriptSync::attempt);
            else
                fromStateDb();
        });
    });
}

void TranscriptSync::fromStateDb()
{
    // The state.db of this session's own profile, never another one's (SPEC 9.5): agent() falls back to the
    // default profile's endpoint when this profile has none.
    const hermes::AgentEndpoint endpoint = m_manager->agent(m_profile);
    const QString path = endpoint.profile == m_profile ? endpoint.stateDbPath : QString();
    if (path.isEmpty() || !QFileInfo::exists(path)) {
        finish(false, QStringLiteral("the agent offers no transcript API and no state.db is known for profile %1")
                          .arg(m_profile));
        return;
    }
    // Off this thread: the read may wait for the agent's write lock.
    m_reader.readTranscript(path, m_agentSessionId, [this](const AgentStateReader::Transcript &transcript) {
        if (m_done)
            return;
        if (!transcript.error.isEmpty()) {
            finish(false, transcript.error);
            return;
        }
        apply(transcript.rows);
    });
}

void TranscriptSync::apply(const QList<MessageRecord> &agentRows)
{
    store::SessionStore *st = m_manager->store();
    QList<MessageRecord> local = st->messages(m_sessionId, 0, 400);
    QString userText;
    QList<MessageRecord> streamed;
    for (const MessageRecord &m : local) {
        if (m.runId != m_runId)
            continue;
        if (m.role == QLatin1String("user")) {
            if (!m.extra.value(MessageField::Steer).toBool())
                userText = ContentBlocks::flattenForAgent(ContentBlocks::fromStoredText(m.content));
        } else {
            streamed.append(m);
        }
    }
    const bool cancelled = std::any_of(streamed.cbegin(), streamed.cend(), [](const MessageRecord &m) {
        return m.status == QLatin1String(store::MessageStatus::Cancelled);
    });
    QList<MessageRecord> merged =
        TranscriptMerger::merge(streamed, TranscriptMerger::runRows(agentRows, userText), m_runId, cancelled);
    if (merged.isEmpty()) {
        finish(false, QStringLiteral("the agent's transcript had nothing to add"));
        return;
    }
    const auto sameRow = [](const MessageRecord &a, const MessageRecord &b) {
        // Timestamps aside: the stream's are the ones kept anyway.
        return a.role == b.role && a.content == b.content && a.reasoning == b.reasoning &&
               a.toolCalls == b.toolCalls && a.toolCallId == b.toolCallId && a.toolName == b.toolName &&
               a.status == b.status && a.extra == b.extra;
    };
    if (std::equal(streamed.cbegin(), streamed.cend(), merged.cbegin(), merged.cend(), sameRow)) {
        finish(true, {});
        return;
    }
    if (!st->replaceRunMessages(m_sessionId, m_runId, merged)) {
        finish(false, st->lastError());
        return;
    }
    m_changedRows = true;
    finish(true, {});
}

void TranscriptSync::finish(bool synced, const QString &note)
{
    if (m_done)
        return;
    m_done = true;
    m_deadline.stop();
    Q_EMIT finished(synced, note);
}

} // namespace caduceus::chat
