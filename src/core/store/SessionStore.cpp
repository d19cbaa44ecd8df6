#include "store/SessionStore.h"

#include "store/ContentText.h"
#include "store/Database.h"
#include "store/SearchIndex.h"
#include "store/SqliteErrors.h"
#include "store/StoreLog.h"
#include "store/Transaction.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>
#include <algorithm>
#include <limits>

namespace caduceus::store {

namespace {

// Single-statement writes below rely on SQLite's implicit per-statement transaction (the statement and
// its FTS triggers apply entirely or not at all); multi-statement writes use an explicit Transaction.

constexpr int PreviewChars = 100;
constexpr int MaxSearchResults = 500;

double nowSeconds()
{
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

// Text columns are NOT NULL: a null QString would be bound as SQL NULL.
QVariant text(const QString &value)
{
    return value.isNull() ? QVariant(QString::fromLatin1("")) : QVariant(value);
}

QVariant nullText()
{
    return QVariant(QMetaType::fromType<QString>());
}

QVariant jsonArrayOrNull(const QJsonArray &array)
{
    if (array.isEmpty())
        return nullText();
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

QVariant jsonObjectOrNull(const QJsonObject &object)
{
    if (object.isEmpty())
        return nullText();
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonDocument parseJson(const QVariant &value)
{
    if (value.isNull())
        return {};
    return QJsonDocument::fromJson(value.toString().toUtf8());
}

// A queue input is a string or a block array; wrapping it in an array stores both as one JSON text.
QString encodeInput(const QJsonValue &input)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray{input}).toJson(QJsonDocument::Compact));
}

QJsonValue decodeInput(const QString &stored)
{
    const QJsonDocument doc = QJsonDocument::fromJson(stored.toUtf8());
    if (doc.isArray() && doc.array().size() == 1)
        return doc.array().first();
    return QJsonValue(stored);
}

QVariant plainTextOf(const QString &role, const QString &content)
{
    if (role != QLatin1String("user"))
        return nullText();
    const std::optional<QString> plain = ContentText::fromStoredBlocks(content);
    return plain ? QVariant(*plain) : nullText();
}

const QString MessageColumns = QStringLiteral("id, session_id, role, content, reasoning, tool_calls, "
                                              "tool_call_id, tool_name, timestamp, status, run_id, extra");

MessageRecord readMessage(const QSqlQuery &q)
{
    MessageRecord m;
    m.id = q.value(0).toLongLong();
    m.sessionId = q.value(1).toString();
    m.role = q.value(2).toString();
    m.content = q.value(3).toString();
    m.reasoning = q.value(4).toString();
    m.toolCalls = parseJson(q.value(5)).array();
    m.toolCallId = q.value(6).toString();
    m.toolName = q.value(7).toString();
    m.timestamp = q.value(8).toDouble();
    m.status = q.value(9).toString();
    m.runId = q.value(10).toString();
    m.extra = parseJson(q.value(11)).object();
    return m;
}

const QString SessionColumns = QStringLiteral(
    "s.id, s.profile, s.title, s.model, s.workspace, s.source, s.pinned, s.created_at, s.last_active, "
    "s.message_count, s.input_tokens, s.output_tokens, "
    "(SELECT substr(coalesce(m.plain_text, m.content), 1, 400) FROM messages m "
    " WHERE m.session_id = s.id AND m.role = 'user' ORDER BY m.id LIMIT 1)");

SessionRecord readSession(const QSqlQuery &q)
{
    SessionRecord s;
    s.id = q.value(0).toString();
    s.profile = q.value(1).toString();
    s.title = q.value(2).toString();
    s.model = q.value(3).toString();
    s.workspace = q.value(4).toString();
    s.source = q.value(5).toString();
    s.pinned = q.value(6).toInt() != 0;
    s.createdAt = q.value(7).toDouble();
    s.lastActive = q.value(8).toDouble();
    s.messageCount = q.value(9).toInt();
    s.inputTokens = q.value(10).toLongLong();
    s.outputTokens = q.value(11).toLongLong();
    s.preview = ContentText::oneLine(q.value(12).toString(), PreviewChars);
    return s;
}

const QString RunColumns =
    QStringLiteral("run_id, session_id, agent_session_id, profile, model, status, started_at, "
                   "ended_at, input_tokens, output_tokens, total_tokens, error");

RunRecord readRun(const QSqlQuery &q)
{
    RunRecord r;
    r.runId = q.value(0).toString();
    r.sessionId = q.value(1).toString();
    r.agentSessionId = q.value(2).toString();
    r.profile = q.value(3).toString();
    r.model = q.value(4).toString();
    r.status = q.value(5).toString();
    r.startedAt = q.value(6).toDouble();
    r.endedAt = q.value(7).toDouble();
    r.inputTokens = q.value(8).toLongLong();
    r.outputTokens = q.value(9).toLongLong();
    r.totalTokens = q.value(10).toLongLong();
    r.error = q.value(11).toString();
    return r;
}

QueueItem readQueueItem(const QSqlQuery &q)
{
    QueueItem item;
    item.queueId = q.value(0).toString();
    item.sessionId = q.value(1).toString();
    item.input = decodeInput(q.value(2).toString());
    item.model = q.value(3).toString();
    item.instructions = q.value(4).toString();
    item.profile = q.value(5).toString();
    item.createdAt = q.value(6).toDouble();
    return item;
}

CompressionSnapshot readSnapshot(const QSqlQuery &q)
{
    CompressionSnapshot s;
    s.id = q.value(0).toLongLong();
    s.sessionId = q.value(1).toString();
    s.summary = q.value(2).toString();
    s.lastMessageIndex = q.value(3).toInt();
    s.messageCount = q.value(4).toInt();
    s.createdAt = q.value(5).toDouble();
    s.lastMessageId = q.value(6).toLongLong();
    return s;
}

// Resets a cached SELECT when the reading scope ends, so it holds no read snapshot between calls.
class FinishOnExit
{
public:
    explicit FinishOnExit(QSqlQuery *query) : m_query(query) {}
    ~FinishOnExit()
    {
        if (m_query)
            m_query->finish();
    }
    FinishOnExit(const FinishOnExit &) = delete;
    FinishOnExit &operator=(const FinishOnExit &) = delete;

private:
    QSqlQuery *m_query;
};

} // namespace

SessionStore::SessionStore(Database &db) : m_db(db) {}

// ---------------------------------------------------------------------------------------------- helpers

bool SessionStore::fail(const QString &what, const QString &detail) const
{
    m_lastError = QStringLiteral("Cannot %1: %2").arg(what, detail);
    qCWarning(lcStore).noquote() << m_lastError;
    return false;
}

QSqlQuery *SessionStore::statement(const QString &sql) const
{
    QString error;
    QSqlQuery *query = m_db.cachedQuery(sql, &error);
    if (!query)
        fail(QStringLiteral("prepare a database statement"), error);
    return query;
}

bool SessionStore::execute(QSqlQuery *query, const QVariantList &values, const QString &what) const
{
    if (!query)
        return false;
    for (int i = 0; i < values.size(); ++i)
        query->bindValue(i, values.at(i));
    if (query->exec())
        return true;
    const QString detail = query->lastError().text();
    query->finish();
    return fail(what, detail);
}

bool SessionStore::requireOneRow(QSqlQuery *query, const QString &what, const QString &absentDetail) const
{
    if (query->numRowsAffected() > 0)
        return true;
    return fail(what, absentDetail);
}

// --------------------------------------------------------------------------------------------- sessions

std::optional<SessionRecord> SessionStore::session(const QString &id) const
{
    QSqlQuery *q = statement(QStringLiteral("SELECT %1 FROM sessions s WHERE s.id = ?").arg(SessionColumns));
    FinishOnExit finish(q);
    if (!execute(q, {id}, QStringLiteral("read session %1").arg(id)))
        return std::nullopt;
    if (!q->next())
        return std::nullopt;
    return readSession(*q);
}

bool SessionStore::createSession(const SessionRecord &s)
{
    const QString what = QStringLiteral("create session %1").arg(s.id);
    if (s.id.isEmpty())
        return fail(what, QStringLiteral("the session has no id"));
    const double created = s.createdAt > 0 ? s.createdAt : nowSeconds();
    const double active = s.lastActive > 0 ? s.lastActive : created;
    QSqlQuery *q = statement(QStringLiteral(
        "INSERT INTO sessions (id, profile, title, model, workspace, source, pinned, created_at, "
        "last_active, "
        "input_tokens, output_tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING"));
    return execute(q,
                   {s.id, text(s.profile), text(s.title), text(s.model), text(s.workspace), text(s.source),
                    s.pinned ? 1 : 0, created, active, s.inputTokens, s.outputTokens},
                   what);
}

bool SessionStore::renameSession(const QString &id, const QString &title)
{
    const QString what = QStringLiteral("rename session %1").arg(id);
    QSqlQuery *q = statement(QStringLiteral("UPDATE sessions SET title = ? WHERE id = ?"));
    return execute(q, {text(title), id}, what) && requireOneRow(q, what, QStringLiteral("no such session"));
}

bool SessionStore::setPinned(const QString &id, bool pinned)
{
    const QString what = QStringLiteral("pin session %1").arg(id);
    QSqlQuery *q = statement(QStringLiteral("UPDATE sessions SET pinned = ? WHERE id = ?"));
    return execute(q, {pinned ? 1 : 0, id}, what) &&
           requireOneRow(q, what, QStringLiteral("no such session"));
}

bool SessionStore::setWorkspace(const QString &id, const QString &workspace)
{
    const QString what = QStringLiteral("set the workspace of session %1").arg(id);
    QSqlQuery *q = statement(QStringLiteral("UPDATE sessions SET workspace = ? WHERE id = ?"));
    return execute(q, {text(workspace), id}, what) &&
           requireOneRow(q, what, QStringLiteral("no such session"));
}

bool SessionStore::setModel(const QString &id, const QString &model)
{
    const QString what = QStringLiteral("set the model of session %1").arg(id);
    QSqlQuery *q = statement(QStringLiteral("UPDATE sessions SET model = ? WHERE id = ?"));
    return execute(q, {text(model), id}, what) && requireOneRow(q, what, QStringLiteral("no such session"));
}

bool SessionStore::touchSession(const QString &id, double lastActive)
{
    const QString what = QStringLiteral("update the activity time of session %1").arg(id);
    QSqlQuery *q = statement(QStringLiteral("UPDATE sessions SET last_active = ? WHERE id = ?"));
    return execute(q, {lastActive, id}, what) && requireOneRow(q, what, QStringLiteral("no such session"));
}

bool SessionStore::addSessionTokens(const QString &id, qint64 input, qint64 output)
{
    const QString what = QStringLiteral("add token counts to session %1").arg(id);
    QSqlQuery *q = statement(QStringLiteral("UPDATE sessions SET input_tokens = input_tokens + ?, "
                                            "output_tokens = output_tokens + ? WHERE id = ?"));
    return execute(q, {input, output, id}, what) && requireOneRow(q, what, QStringLiteral("no such session"));
}

QList<SessionRecord> SessionStore::listSessions(int limit, int offset) const
{
    QList<SessionRecord> sessions;
    QSqlQuery *q = statement(
        QStringLiteral("SELECT %1 FROM sessions s ORDER BY s.last_active DESC, s.id LIMIT ? OFFSET ?")
            .arg(SessionColumns));
    FinishOnExit finish(q);
    if (!execute(q, {limit < 0 ? -1 : limit, qMax(0, offset)}, QStringLiteral("list sessions")))
        return sessions;
    while (q->next())
        sessions << readSession(*q);
    return sessions;
}

bool SessionStore::deleteSession(const QString &id)
{
    const QString what = QStringLiteral("delete session %1").arg(id);
    QSqlQuery *q = statement(QStringLiteral("DELETE FROM sessions WHERE id = ?"));
    return execute(q, {id}, what) && requireOneRow(q, what, QStringLiteral("no such session"));
}

// --------------------------------------------------------------------------------------------- messages

qint64 SessionStore::insertMessageRow(const MessageRecord &m)
{
    QSqlQuery *q = statement(
        QStringLiteral("INSERT INTO messages (session_id, role, content, plain_text, reasoning, tool_calls, "
                       "tool_call_id, tool_name, "
                       "timestamp, status, run_id, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    const bool ok =
        execute(q,
                {m.sessionId, text(m.role), text(m.content), plainTextOf(m.role, m.content),
                 text(m.reasoning), jsonArrayOrNull(m.toolCalls), text(m.toolCallId), text(m.toolName),
                 m.timestamp, text(m.status), text(m.runId), jsonObjectOrNull(m.extra)},
                QStringLiteral("add a message to session %1 (does the session exist?)").arg(m.sessionId));
    return ok ? q->lastInsertId().toLongLong() : 0;
}

qint64 SessionStore::appendMessage(MessageRecord &m, const QString &dequeueId)
{
    const QString what = QStringLiteral("add a message to session %1").arg(m.sessionId);
    if (m.role.isEmpty()) {
        fail(what, QStringLiteral("the message has no role"));
        return 0;
    }
    if (m.timestamp <= 0)
        m.timestamp = nowSeconds();
    Transaction transaction(m_db.connection());
    if (!transaction.isActive()) {
        fail(what, transaction.error());
        return 0;
    }
    const qint64 id = insertMessageRow(m);
    if (id <= 0)
        return 0;
    QSqlQuery *bump = statement(QStringLiteral("UPDATE sessions SET message_count = message_count + 1, "
                                               "last_active = max(last_active, ?) WHERE id = ?"));
    if (!execute(bump, {m.timestamp, m.sessionId}, what))
        return 0;
    if (!dequeueId.isEmpty()) {
        QSqlQuery *dequeue = statement(QStringLiteral("DELETE FROM queue_items WHERE session_id = ? AND queue_id = ?"));
        if (!execute(dequeue, {m.sessionId, dequeueId}, what))
            return 0;
    }
    if (!transaction.commit()) {
        fail(what, transaction.error());
        return 0;
    }
    m.id = id;
    return id;
}

bool SessionStore::appendMessages(QList<MessageRecord> &rows)
{
    if (rows.isEmpty())
        return true;
    const QString sessionId = rows.first().sessionId;
    const QString what = QStringLiteral("add %1 messages to session %2").arg(rows.size()).arg(sessionId);
    for (qsizetype i = 0; i < rows.size(); ++i) {
        if (rows.at(i).role.isEmpty())
            return fail(what, QStringLiteral("row %1 has no role").arg(i + 1));
        if (rows.at(i).sessionId != sessionId)
            return fail(what, QStringLiteral("row %1 belongs to another session").arg(i + 1));
    }
    Transaction transaction(m_db.connection());
    if (!transaction.isActive())
        return fail(what, transaction.error());
    QList<qint64> ids;
    double newest = 0;
    const double now = nowSeconds();
    for (const MessageRecord &row : std::as_const(rows)) {
        MessageRecord stored = row;
        if (stored.timestamp <= 0)
            stored.timestamp = now;
        newest = qMax(newest, stored.timestamp);
        const qint64 id = insertMessageRow(stored);
        if (id <= 0)
            return false;
        ids << id;
    }
    QSqlQuery *bump = statement(QStringLiteral("UPDATE sessions SET message_count = message_count + ?, "
                                               "last_active = max(last_active, ?) WHERE id = ?"));
    if (!execute(bump, {int(rows.size()), newest, sessionId}, what) ||
        !requireOneRow(bump, what, QStringLiteral("no such session")))
        return false;
    if (!transaction.commit())
        return fail(what, transaction.error());
    for (qsizetype i = 0; i < rows.size(); ++i) {
        rows[i].id = ids.at(i);
        if (rows[i].timestamp <= 0)
            rows[i].timestamp = now;
    }
    return true;
}

bool SessionStore::updateMessage(const MessageRecord &m)
{
    const QString what = QStringLiteral("update message %1").arg(m.id);
    QSqlQuery *q = statement(
        QStringLiteral("UPDATE messages SET role = ?, content = ?, plain_text = ?, reasoning = ?, tool_calls "
                       "= ?, tool_call_id = ?, "
                       "tool_name = ?, timestamp = ?, status = ?, run_id = ?, extra = ? WHERE id = ?"));
    return execute(q,
                   {text(m.role), text(m.content), plainTextOf(m.role, m.content), text(m.reasoning),
                    jsonArrayOrNull(m.toolCalls), text(m.toolCallId), text(m.toolName), m.timestamp,
                    text(m.status), text(m.runId), jsonObjectOrNull(m.extra), m.id},
                   what) &&
           requireOneRow(q, what, QStringLiteral("no such message"));
}

bool SessionStore::updateMessageText(qint64 id, const QString &content, const QString &reasoning,
                                     const QString &status)
{
    const QString what = QStringLiteral("update the text of message %1").arg(id);
    // The role is not known here; the CASE keeps plain_text meaningful only for user rows.
    QSqlQuery *q = statement(QStringLiteral(
        "UPDATE messages SET content = ?, plain_text = CASE WHEN role = 'user' THEN ? ELSE NULL END, "
        "reasoning = ?, status = ? WHERE id = ?"));
    return execute(q,
                   {text(content), plainTextOf(QStringLiteral("user"), content), text(reasoning),
                    text(status), id},
                   what) &&
           requireOneRow(q, what, QStringLiteral("no such message"));
}

std::optional<MessageRecord> SessionStore::message(qint64 id) const
{
    QSqlQuery *q = statement(QStringLiteral("SELECT %1 FROM messages WHERE id = ?").arg(MessageColumns));
    FinishOnExit finish(q);
    if (!execute(q, {id}, QStringLiteral("read message %1").arg(id)) || !q->next())
        return std::nullopt;
    return readMessage(*q);
}

QList<MessageRecord> SessionStore::messagesAfter(const QString &sessionId, qint64 afterId, int limit) const
{
    QList<MessageRecord> rows;
    QSqlQuery *q = statement(
        QStringLiteral("SELECT %1 FROM messages WHERE session_id = ? AND id > ? ORDER BY id ASC LIMIT ?")
            .arg(MessageColumns));
    FinishOnExit finish(q);
    if (!execute(q, {sessionId, afterId, limit < 0 ? -1 : limit},
                 QStringLiteral("read the newer messages of session %1").arg(sessionId)))
        return rows;
    while (q->next())
        rows << readMessage(*q);
    return rows;
}

QList<MessageRecord> SessionStore::messages(const QString &sessionId, qint64 beforeId, int limit) const
{
    QList<MessageRecord> rows;
    // Newest first through the (session_id, id) index, so a page costs `limit` rows whatever the session
    // size.
    QSqlQuery *q = statement(
        QStringLiteral("SELECT %1 FROM messages WHERE session_id = ? AND id < ? ORDER BY id DESC LIMIT ?")
            .arg(MessageColumns));
    FinishOnExit finish(q);
    const qint64 before = beforeId > 0 ? beforeId : std::numeric_limits<qint64>::max();
    if (!execute(q, {sessionId, before, limit < 0 ? -1 : limit},
                 QStringLiteral("read the messages of session %1").arg(sessionId)))
        return rows;
    while (q->next())
        rows << readMessage(*q);
    std::reverse(rows.begin(), rows.end());
    return rows;
}

int SessionStore::messageCount(const QString &sessionId) const
{
    QSqlQuery *q = statement(QStringLiteral("SELECT count(*) FROM messages WHERE session_id = ?"));
    FinishOnExit finish(q);
    if (!execute(q, {sessionId}, QStringLiteral("count the messages of session %1").arg(sessionId)) ||
        !q->next())
        return 0;
    return q->value(0).toInt();
}

QList<MessageRecord> SessionStore::messagesWithStatus(const QString &status) const
{
    QList<MessageRecord> rows;
    QSqlQuery *q =
        statement(QStringLiteral("SELECT %1 FROM messages WHERE status = ? ORDER BY id").arg(MessageColumns));
    FinishOnExit finish(q);
    if (!execute(q, {status}, QStringLiteral("find %1 messages").arg(status)))
        return rows;
    while (q->next())
        rows << readMessage(*q);
    return rows;
}

bool SessionStore::replaceRunMessages(const QString &sessionId, const QString &runId,
                                      QList<MessageRecord> &rows)
{
    const QString what = QStringLiteral("replace the messages of run %1").arg(runId);
    if (runId.isEmpty())
        return fail(what, QStringLiteral("no run id given"));
    for (qsizetype i = 0; i < rows.size(); ++i) {
        // The run's user rows are kept; a user row here would be duplicated by every later sync.
        if (rows.at(i).role == QLatin1String("user"))
            return fail(
                what,
                QStringLiteral("row %1 is a user message; pass only the rows the run produced").arg(i + 1));
        if (rows.at(i).role.isEmpty())
            return fail(what, QStringLiteral("row %1 has no role").arg(i + 1));
    }
    Transaction transaction(m_db.connection());
    if (!transaction.isActive())
        return fail(what, transaction.error());

    QSqlQuery *remove = statement(
        QStringLiteral("DELETE FROM messages WHERE session_id = ? AND run_id = ? AND role <> 'user'"));
    if (!execute(remove, {sessionId, runId}, what))
        return false;
    const int removed = remove->numRowsAffected();

    QList<qint64> ids;
    double newest = 0;
    for (const MessageRecord &row : std::as_const(rows)) {
        MessageRecord stored = row;
        stored.sessionId = sessionId;
        stored.runId = runId;
        if (stored.timestamp <= 0)
            stored.timestamp = nowSeconds();
        newest = qMax(newest, stored.timestamp);
        const qint64 id = insertMessageRow(stored);
        if (id <= 0)
            return false;
        ids << id;
    }
    QSqlQuery *count = statement(QStringLiteral("UPDATE sessions SET message_count = max(0, message_count + "
                                                "?), last_active = max(last_active, ?) WHERE id = ?"));
    if (!execute(count, {int(rows.size()) - removed, newest, sessionId}, what) ||
        !requireOneRow(count, what, QStringLiteral("no such session")))
        return false;
    if (!transaction.commit())
        return fail(what, transaction.error());

    for (qsizetype i = 0; i < rows.size(); ++i) {
        rows[i].id = ids.at(i);
        rows[i].sessionId = sessionId;
        rows[i].runId = runId;
        if (rows[i].timestamp <= 0)
            rows[i].timestamp = newest;
    }
    return true;
}

// ------------------------------------------------------------------------------------------------- runs

bool SessionStore::upsertRun(const RunRecord &r)
{
    const QString what = QStringLiteral("save run %1").arg(r.runId);
    if (r.runId.isEmpty())
        return fail(what, QStringLiteral("the run has no id"));
    QSqlQuery *q = statement(
        QStringLiteral("INSERT INTO runs (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON "
                       "CONFLICT(run_id) DO UPDATE SET "
                       "session_id = excluded.session_id, agent_session_id = excluded.agent_session_id, "
                       "profile = excluded.profile, "
                       "model = excluded.model, status = excluded.status, started_at = excluded.started_at, "
                       "ended_at = excluded.ended_at, input_tokens = excluded.input_tokens, output_tokens = "
                       "excluded.output_tokens, "
                       "total_tokens = excluded.total_tokens, error = excluded.error")
            .arg(RunColumns));
    return execute(q,
                   {r.runId, r.sessionId, text(r.agentSessionId), text(r.profile), text(r.model),
                    text(r.status), r.startedAt, r.endedAt, r.inputTokens, r.outputTokens, r.totalTokens,
                    text(r.error)},
                   what);
}

std::optional<RunRecord> SessionStore::run(const QString &runId) const
{
    QSqlQuery *q = statement(QStringLiteral("SELECT %1 FROM runs WHERE run_id = ?").arg(RunColumns));
    FinishOnExit finish(q);
    if (!execute(q, {runId}, QStringLiteral("read run %1").arg(runId)) || !q->next())
        return std::nullopt;
    return readRun(*q);
}

QList<RunRecord> SessionStore::runsWithStatus(const QStringList &statuses) const
{
    QList<RunRecord> runs;
    if (statuses.isEmpty())
        return runs;
    QStringList placeholders;
    QVariantList values;
    for (const QString &status : statuses) {
        placeholders << QStringLiteral("?");
        values << status;
    }
    QSqlQuery *q =
        statement(QStringLiteral("SELECT %1 FROM runs WHERE status IN (%2) ORDER BY started_at, run_id")
                      .arg(RunColumns, placeholders.join(QLatin1Char(','))));
    FinishOnExit finish(q);
    if (!execute(q, values, QStringLiteral("find runs by status")))
        return runs;
    while (q->next())
        runs << readRun(*q);
    return runs;
}

QList<RunRecord> SessionStore::runsForSession(const QString &sessionId) const
{
    QList<RunRecord> runs;
    QSqlQuery *q =
        statement(QStringLiteral("SELECT %1 FROM runs WHERE session_id = ? ORDER BY started_at, run_id")
                      .arg(RunColumns));
    FinishOnExit finish(q);
    if (!execute(q, {sessionId}, QStringLiteral("read the runs of session %1").arg(sessionId)))
        return runs;
    while (q->next())
        runs << readRun(*q);
    return runs;
}

// ------------------------------------------------------------------------------------------------ queue

bool SessionStore::enqueue(const QueueItem &item)
{
    const QString what = QStringLiteral("queue an input for session %1").arg(item.sessionId);
    if (item.queueId.isEmpty())
        return fail(what, QStringLiteral("the queue item has no id"));
    QSqlQuery *q = statement(QStringLiteral(
        "INSERT INTO queue_items (queue_id, session_id, input, model, instructions, profile, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"));
    if (!q)
        return false;
    const QVariantList values{item.queueId,
                              item.sessionId,
                              encodeInput(item.input),
                              text(item.model),
                              text(item.instructions),
                              text(item.profile),
                              item.createdAt > 0 ? item.createdAt : nowSeconds()};
    for (int i = 0; i < values.size(); ++i)
        q->bindValue(i, values.at(i));
    if (q->exec())
        return true;
    const QSqlError error = q->lastError();
    if (SqliteErrors::isConstraint(error) && error.text().contains(QLatin1String("UNIQUE")))
        return fail(what, QStringLiteral("an item with id %1 is already queued").arg(item.queueId));
    return fail(what, error.text() + QStringLiteral(" (does the session exist?)"));
}

bool SessionStore::updateQueued(const QString &queueId, const QJsonValue &input)
{
    const QString what = QStringLiteral("edit queued input %1").arg(queueId);
    QSqlQuery *q = statement(QStringLiteral("UPDATE queue_items SET input = ? WHERE queue_id = ?"));
    return execute(q, {encodeInput(input), queueId}, what) &&
           requireOneRow(q, what, QStringLiteral("it is no longer queued (it may have started)"));
}

bool SessionStore::removeQueued(const QString &sessionId, const QString &queueId)
{
    const QString what = QStringLiteral("remove queued input %1").arg(queueId);
    QSqlQuery *q = statement(QStringLiteral("DELETE FROM queue_items WHERE session_id = ? AND queue_id = ?"));
    return execute(q, {sessionId, queueId}, what) &&
           requireOneRow(q, what, QStringLiteral("it is not queued in session %1").arg(sessionId));
}

QList<QueueItem> SessionStore::queue(const QString &sessionId) const
{
    QList<QueueItem> items;
    QSqlQuery *q = statement(QStringLiteral(
        "SELECT queue_id, session_id, input, model, instructions, profile, created_at FROM queue_items "
        "WHERE session_id = ? ORDER BY position"));
    FinishOnExit finish(q);
    if (!execute(q, {sessionId}, QStringLiteral("read the queue of session %1").arg(sessionId)))
        return items;
    while (q->next())
        items << readQueueItem(*q);
    return items;
}

QStringList SessionStore::sessionsWithQueue() const
{
    QStringList ids;
    QSqlQuery *q = statement(
        QStringLiteral("SELECT session_id FROM queue_items GROUP BY session_id ORDER BY min(position)"));
    FinishOnExit finish(q);
    if (!execute(q, {}, QStringLiteral("list sessions with queued input")))
        return ids;
    while (q->next())
        ids << q->value(0).toString();
    return ids;
}

// ---------------------------------------------------------------------------------------------- snapshots

bool SessionStore::saveSnapshot(CompressionSnapshot &s)
{
    const QString what = QStringLiteral("save the compression summary of session %1").arg(s.sessionId);
    if (s.createdAt <= 0)
        s.createdAt = nowSeconds();
    QSqlQuery *q = statement(QStringLiteral("INSERT INTO compression_snapshots (session_id, summary, "
                                            "last_message_index, message_count, created_at, last_message_id) "
                                            "VALUES (?, ?, ?, ?, ?, ?)"));
    if (!execute(
            q,
            {s.sessionId, text(s.summary), s.lastMessageIndex, s.messageCount, s.createdAt, s.lastMessageId},
            what))
        return false;
    s.id = q->lastInsertId().toLongLong();
    return true;
}

std::optional<CompressionSnapshot> SessionStore::latestSnapshot(const QString &sessionId) const
{
    QSqlQuery *q = statement(QStringLiteral("SELECT id, session_id, summary, last_message_index, "
                                            "message_count, created_at, last_message_id FROM "
                                            "compression_snapshots "
                                            "WHERE session_id = ? ORDER BY id DESC LIMIT 1"));
    FinishOnExit finish(q);
    if (!execute(q, {sessionId},
                 QStringLiteral("read the compression summary of session %1").arg(sessionId)) ||
        !q->next())
        return std::nullopt;
    return readSnapshot(*q);
}

// ---------------------------------------------------------------------------------------- context lengths

std::optional<qint64> SessionStore::contextLengthOverride(const QString &model) const
{
    QSqlQuery *q =
        statement(QStringLiteral("SELECT context_length FROM context_length_overrides WHERE model = ?"));
    FinishOnExit finish(q);
    if (!execute(q, {text(model)}, QStringLiteral("read the context length set for model %1").arg(model)) ||
        !q->next())
        return std::nullopt;
    return q->value(0).toLongLong();
}

bool SessionStore::setContextLengthOverride(const QString &model, qint64 contextLength)
{
    const QString what = QStringLiteral("set the context length of model %1").arg(model);
    if (model.isEmpty())
        return fail(what, QStringLiteral("no model name given"));
    if (contextLength <= 0) {
        QSqlQuery *q = statement(QStringLiteral("DELETE FROM context_length_overrides WHERE model = ?"));
        return execute(q, {model}, what);
    }
    QSqlQuery *q = statement(QStringLiteral(
        "INSERT INTO context_length_overrides (model, context_length, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT(model) DO UPDATE SET context_length = excluded.context_length, "
        "updated_at = excluded.updated_at"));
    return execute(q, {model, contextLength, nowSeconds()}, what);
}

QList<ContextLengthOverride> SessionStore::contextLengthOverrides() const
{
    QList<ContextLengthOverride> rows;
    QSqlQuery *q = statement(QStringLiteral(
        "SELECT model, context_length, updated_at FROM context_length_overrides ORDER BY model"));
    FinishOnExit finish(q);
    if (!execute(q, {}, QStringLiteral("list the context lengths set per model")))
        return rows;
    while (q->next())
        rows << ContextLengthOverride{q->value(0).toString(), q->value(1).toLongLong(),
                                      q->value(2).toDouble()};
    return rows;
}

// -------------------------------------------------------------------------------------------------- usage

QList<UsageTotals> SessionStore::usageTotals(UsageGrouping grouping, double since, double until,
                                             const QString &sessionId) const
{
    QList<UsageTotals> rows;
    QString groupColumns;
    QString order = QStringLiteral("sum(total_tokens) DESC, count(*) DESC");
    switch (grouping) {
    case UsageGrouping::Session:
        groupColumns = QStringLiteral("session_id");
        break;
    case UsageGrouping::Model:
        groupColumns = QStringLiteral("model, profile");
        break;
    case UsageGrouping::Day:
        groupColumns = QStringLiteral("date(started_at, 'unixepoch', 'localtime')");
        order = QStringLiteral("1 DESC");
        break;
    }
    // A group key column first, so every grouping reads the same way below.
    const QString key = grouping == UsageGrouping::Model ? QStringLiteral("model, profile")
                                                         : groupColumns + QStringLiteral(", ''");
    QSqlQuery *q = statement(
        QStringLiteral(
            "SELECT %1, count(*), sum(input_tokens), sum(output_tokens), "
            "sum(max(total_tokens, input_tokens + output_tokens)), min(started_at), max(started_at) "
            "FROM runs WHERE started_at >= ? AND started_at < ? AND (? = '' OR session_id = ?) "
            "GROUP BY %2 ORDER BY %3")
            .arg(key, groupColumns, order));
    FinishOnExit finish(q);
    const double end = until > 0 ? until : std::numeric_limits<double>::max();
    if (!execute(q, {since, end, text(sessionId), text(sessionId)}, QStringLiteral("sum the token usage")))
        return rows;
    while (q->next()) {
        UsageTotals t;
        const QString first = q->value(0).toString();
        switch (grouping) {
        case UsageGrouping::Session:
            t.sessionId = first;
            break;
        case UsageGrouping::Model:
            t.model = first;
            t.profile = q->value(1).toString();
            break;
        case UsageGrouping::Day:
            t.day = first;
            break;
        }
        t.runs = q->value(2).toInt();
        t.inputTokens = q->value(3).toLongLong();
        t.outputTokens = q->value(4).toLongLong();
        t.totalTokens = q->value(5).toLongLong();
        t.firstStartedAt = q->value(6).toDouble();
        t.lastStartedAt = q->value(7).toDouble();
        rows << t;
    }
    return rows;
}

// ------------------------------------------------------------------------------------------ agent deletes

bool SessionStore::enqueueAgentDelete(const QString &agentSessionId, const QString &profile)
{
    const QString what = QStringLiteral("schedule the deletion of agent session %1").arg(agentSessionId);
    if (agentSessionId.isEmpty())
        return fail(what, QStringLiteral("no agent session id given"));
    QSqlQuery *q = statement(QStringLiteral(
        "INSERT INTO agent_session_deletes (agent_session_id, profile, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT(agent_session_id) DO NOTHING"));
    return execute(q, {agentSessionId, profile.isEmpty() ? QStringLiteral("default") : profile, nowSeconds()},
                   what);
}

QList<GcItem> SessionStore::dueAgentDeletes(double now, int limit) const
{
    QList<GcItem> items;
    QSqlQuery *q = statement(QStringLiteral(
        "SELECT agent_session_id, profile, attempts, last_error, next_attempt_at FROM agent_session_deletes "
        "WHERE next_attempt_at <= ? ORDER BY next_attempt_at, created_at LIMIT ?"));
    FinishOnExit finish(q);
    if (!execute(q, {now, limit < 0 ? -1 : limit}, QStringLiteral("list due agent session deletions")))
        return items;
    while (q->next()) {
        GcItem item;
        item.agentSessionId = q->value(0).toString();
        item.profile = q->value(1).toString();
        item.attempts = q->value(2).toInt();
        item.lastError = q->value(3).toString();
        item.nextAttemptAt = q->value(4).toDouble();
        items << item;
    }
    return items;
}

bool SessionStore::markAgentDeleteDone(const QString &agentSessionId)
{
    const QString what = QStringLiteral("finish the deletion of agent session %1").arg(agentSessionId);
    QSqlQuery *q = statement(QStringLiteral("DELETE FROM agent_session_deletes WHERE agent_session_id = ?"));
    return execute(q, {agentSessionId}, what) &&
           requireOneRow(q, what, QStringLiteral("it was not scheduled"));
}

bool SessionStore::markAgentDeleteFailed(const QString &agentSessionId, const QString &error,
                                         double nextAttemptAt)
{
    const QString what = QStringLiteral("record a failed deletion of agent session %1").arg(agentSessionId);
    QSqlQuery *q = statement(QStringLiteral(
        "UPDATE agent_session_deletes SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
        "WHERE agent_session_id = ?"));
    return execute(q, {text(error), nextAttemptAt, agentSessionId}, what) &&
           requireOneRow(q, what, QStringLiteral("it was not scheduled"));
}

// ------------------------------------------------------------------------------------------------ search

QList<SearchHit> SessionStore::search(const QString &query, int limit) const
{
    QList<SearchHit> hits;
    const QStringList terms = SearchIndex::terms(query);
    if (terms.isEmpty() || limit == 0)
        return hits;
    const int boundedLimit = limit < 0 ? MaxSearchResults : qMin(limit, MaxSearchResults);
    SearchIndex::Support support{m_db.hasFts5(), m_db.usesTrigramIndex()};
    const QString what = QStringLiteral("search for \"%1\"").arg(query.left(100));

    if (!SearchIndex::needsLikeSearch(terms, support)) {
        // Trigram tokens are characters, unicode61 tokens are words: similar snippet lengths either way.
        const int snippetTokens = support.trigram ? 64 : 16;
        QSqlQuery *q = statement(
            QStringLiteral(
                "SELECT m.session_id, m.id, m.role, snippet(messages_search, 0, '[[', ']]', '…', %1), "
                "m.timestamp FROM messages_search JOIN messages m ON m.id = messages_search.rowid "
                "WHERE messages_search MATCH ? ORDER BY messages_search.rowid DESC LIMIT ?")
                .arg(snippetTokens));
        FinishOnExit finish(q);
        if (!execute(q, {SearchIndex::matchExpression(terms, support.trigram), boundedLimit}, what))
            return hits;
        while (q->next()) {
            SearchHit hit;
            hit.sessionId = q->value(0).toString();
            hit.messageId = q->value(1).toLongLong();
            hit.role = q->value(2).toString();
            hit.snippet = q->value(3).toString().simplified();
            hit.timestamp = q->value(4).toDouble();
            hits << hit;
        }
        return hits;
    }

    QStringList conditions;
    QVariantList values;
    for (const QString &term : terms) {
        conditions << QStringLiteral("v.body LIKE ? ESCAPE '\\'");
        values << SearchIndex::likePattern(term);
    }
    values << boundedLimit;
    QSqlQuery *q =
        statement(QStringLiteral("SELECT m.session_id, m.id, m.role, v.body, m.timestamp "
                                 "FROM messages_search_source v JOIN messages m ON m.id = v.id WHERE %1 "
                                 "ORDER BY m.id DESC LIMIT ?")
                      .arg(conditions.join(QStringLiteral(" AND "))));
    FinishOnExit finish(q);
    if (!execute(q, values, what))
        return hits;
    while (q->next()) {
        SearchHit hit;
        hit.sessionId = q->value(0).toString();
        hit.messageId = q->value(1).toLongLong();
        hit.role = q->value(2).toString();
        hit.snippet = SearchIndex::likeSnippet(q->value(3).toString(), terms);
        hit.timestamp = q->value(4).toDouble();
        hits << hit;
    }
    return hits;
}

} // namespace caduceus::store
