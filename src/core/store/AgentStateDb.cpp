#include "store/AgentStateDb.h"

#include "store/ContentText.h"
#include "store/SqliteErrors.h"
#include "store/StoreLog.h"

#include <QAtomicInteger>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUrl>
#include <QVariant>

namespace caduceus::store {

namespace {

const QString JsonContentPrefix = QStringLiteral("json:").prepend(QChar(0));
constexpr int ShortFieldBytes = 4096;
constexpr int FirstPauseMs = 20;
constexpr int LongestPauseMs = 400;

QString nextConnectionName()
{
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("caduceus-agent-state-%1").arg(counter.fetchAndAddRelaxed(1));
}

QString columnList(const QSet<QString> &columns)
{
    QStringList sorted(columns.begin(), columns.end());
    sorted.sort();
    return sorted.join(QStringLiteral(", "));
}

} // namespace

AgentStateDb::AgentStateDb() : m_connectionName(nextConnectionName()) {}

AgentStateDb::~AgentStateDb()
{
    close();
}

bool AgentStateDb::fail(const QString &what, const QString &detail)
{
    m_lastError = QStringLiteral("Cannot %1: %2").arg(what, detail);
    qCWarning(lcStore).noquote() << m_lastError;
    return false;
}

bool AgentStateDb::open(const QString &path, QString *error)
{
    const bool opened = openFile(path);
    if (error)
        *error = m_lastError;
    return opened;
}

bool AgentStateDb::openFile(const QString &path)
{
    close();
    m_lastError.clear();
    const QString what = QStringLiteral("read the agent's state.db at %1").arg(path);
    const QFileInfo info(path);
    if (!info.exists())
        return fail(what,
                    QStringLiteral("the file does not exist (has the agent run with this profile yet?)"));
    if (!info.isFile())
        return fail(what, QStringLiteral("it is not a file"));

    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    // mode=ro in the URI and the read-only open flag: this program must never write the agent's file. Our
    // own retry loop replaces SQLite's busy handler so the total wait stays within the budget.
    m_db.setDatabaseName(QUrl::fromLocalFile(info.absoluteFilePath()).toString(QUrl::FullyEncoded) +
                         QStringLiteral("?mode=ro"));
    m_db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_URI;QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=0"));
    if (!m_db.open()) {
        const QString detail = m_db.lastError().text();
        close();
        return fail(what, detail);
    }
    m_path = path;
    if (!readWithRetry(QStringLiteral("read the schema of %1").arg(path),
                       [this](ReadAttempt &attempt) { return discoverColumns(attempt); })) {
        const QString error = m_lastError;
        close();
        m_lastError = error;
        return false;
    }
    return true;
}

void AgentStateDb::close()
{
    m_messageColumns.clear();
    m_sessionColumns.clear();
    m_path.clear();
    if (m_db.isValid())
        m_db.close();
    m_db = QSqlDatabase();
    if (QSqlDatabase::contains(m_connectionName))
        QSqlDatabase::removeDatabase(m_connectionName);
}

bool AgentStateDb::isOpen() const
{
    return m_db.isValid() && m_db.isOpen();
}

bool AgentStateDb::prepareQuery(QSqlQuery &query, const QString &sql, ReadAttempt &attempt) const
{
    query.setForwardOnly(true);
    // Preparing reads the schema, which needs the same shared lock as any read: it can be busy too.
    if (query.prepare(sql))
        return true;
    attempt.error = query.lastError().text();
    attempt.busy = SqliteErrors::isBusy(query.lastError());
    return false;
}

bool AgentStateDb::execQuery(QSqlQuery &query, ReadAttempt &attempt) const
{
    if (query.exec())
        return true;
    attempt.error = query.lastError().text();
    attempt.busy = SqliteErrors::isBusy(query.lastError());
    return false;
}

bool AgentStateDb::finishedCleanly(const QSqlQuery &query, ReadAttempt &attempt) const
{
    if (!query.lastError().isValid())
        return true;
    attempt.error = query.lastError().text();
    attempt.busy = SqliteErrors::isBusy(query.lastError());
    return false;
}

bool AgentStateDb::readWithRetry(const QString &what, const std::function<bool(ReadAttempt &)> &read)
{
    m_lastError.clear();
    if (!isOpen())
        return fail(what, QStringLiteral("the agent's state.db is not open"));
    QElapsedTimer elapsed;
    elapsed.start();
    int pauseMs = FirstPauseMs;
    int attempts = 0;
    while (true) {
        ++attempts;
        ReadAttempt attempt;
        bool ok = false;
        {
            QSqlQuery begin(m_db);
            // One read transaction: the chain and its rows come from one consistent snapshot.
            if (!begin.exec(QStringLiteral("BEGIN"))) {
                attempt.error = begin.lastError().text();
                attempt.busy = SqliteErrors::isBusy(begin.lastError());
            } else {
                ok = read(attempt);
                QSqlQuery end(m_db);
                end.exec(ok ? QStringLiteral("COMMIT") : QStringLiteral("ROLLBACK"));
            }
        }
        if (ok)
            return true;
        if (!attempt.busy)
            return fail(what, attempt.error);
        const qint64 remaining = m_busyBudgetMs - elapsed.elapsed();
        if (remaining <= 0) {
            return fail(what,
                        QStringLiteral("the agent kept the database locked for %1 ms (%2 attempts); it is "
                                       "busy writing, try again in a moment")
                            .arg(elapsed.elapsed())
                            .arg(attempts));
        }
        QThread::msleep(static_cast<unsigned long>(qMin<qint64>(pauseMs, remaining)));
        pauseMs = qMin(pauseMs * 2, LongestPauseMs);
    }
}

bool AgentStateDb::discoverColumns(ReadAttempt &attempt)
{
    auto columnsOf = [&](const QString &table, QSet<QString> &columns) {
        columns.clear();
        QSqlQuery query(m_db);
        // PRAGMA takes no parameters; `table` is one of our two constants.
        if (!prepareQuery(query, QStringLiteral("PRAGMA table_info(%1)").arg(table), attempt) ||
            !execQuery(query, attempt))
            return false;
        while (query.next())
            columns.insert(query.value(1).toString().toLower());
        return finishedCleanly(query, attempt);
    };
    if (!columnsOf(QStringLiteral("messages"), m_messageColumns) ||
        !columnsOf(QStringLiteral("sessions"), m_sessionColumns))
        return false;
    if (m_messageColumns.isEmpty()) {
        attempt.error = QStringLiteral("it has no messages table (is this an agent state.db?)");
        return false;
    }
    for (const char *required : {"id", "session_id", "role", "content", "timestamp"}) {
        if (!m_messageColumns.contains(QLatin1String(required))) {
            attempt.error =
                QStringLiteral("its messages table has no \"%1\" column (columns: %2); this agent "
                               "version is not supported")
                    .arg(QLatin1String(required), columnList(m_messageColumns));
            return false;
        }
    }
    return true;
}

QString AgentStateDb::boundedText(const QSet<QString> &columns, const QString &column, int maxBytes) const
{
    if (!columns.contains(column))
        return QStringLiteral("NULL");
    // Bytes, not characters: substr() on TEXT stops at the NUL of "\x00json:" content, on a BLOB it does not.
    // One byte more than the bound tells a cut value from one that just fits.
    return QStringLiteral("substr(CAST(%1 AS BLOB), 1, %2)").arg(column).arg(maxBytes + 1);
}

QString AgentStateDb::readText(const QVariant &value, int maxBytes) const
{
    if (value.isNull())
        return {};
    QByteArray bytes = value.toByteArray();
    if (bytes.size() <= maxBytes)
        return QString::fromUtf8(bytes);
    bytes.truncate(maxBytes);
    QString text = QString::fromUtf8(bytes);
    // The cut may split a UTF-8 sequence; its remains decode as U+FFFD.
    while (text.endsWith(QChar(QChar::ReplacementCharacter)))
        text.chop(1);
    return text + QStringLiteral("\n[… cut: longer than %1 KiB]").arg(maxBytes / 1024);
}

bool AgentStateDb::walkChain(const QString &agentSessionId, QStringList &chain, ReadAttempt &attempt)
{
    chain = {agentSessionId};
    if (!m_sessionColumns.contains(QStringLiteral("parent_session_id")) ||
        !m_sessionColumns.contains(QStringLiteral("id")))
        return true;
    QSqlQuery query(m_db);
    if (!prepareQuery(
            query,
            QStringLiteral("SELECT %1 FROM sessions WHERE id = ?")
                .arg(boundedText(m_sessionColumns, QStringLiteral("parent_session_id"), ShortFieldBytes)),
            attempt))
        return false;
    QSet<QString> seen{agentSessionId};
    QString current = agentSessionId;
    while (chain.size() < MaxChainLength) {
        query.bindValue(0, current);
        if (!execQuery(query, attempt))
            return false;
        const QString parent = query.next() ? readText(query.value(0), ShortFieldBytes) : QString();
        if (!finishedCleanly(query, attempt))
            return false;
        query.finish();
        if (parent.isEmpty())
            return true;
        if (seen.contains(parent)) {
            qCWarning(lcStore) << "agent session chain of" << agentSessionId << "loops back to" << parent
                               << "; reading it once";
            return true;
        }
        seen.insert(parent);
        chain.prepend(parent);
        current = parent;
    }
    qCWarning(lcStore) << "agent session chain of" << agentSessionId << "is longer than" << MaxChainLength
                       << "sessions; older ancestors are left out";
    return true;
}

QStringList AgentStateDb::sessionChain(const QString &agentSessionId)
{
    QStringList chain;
    if (!readWithRetry(QStringLiteral("follow the compression chain of agent session %1").arg(agentSessionId),
                       [&](ReadAttempt &attempt) { return walkChain(agentSessionId, chain, attempt); }))
        return {};
    return chain;
}

QList<MessageRecord> AgentStateDb::messagesForSession(const QString &agentSessionId)
{
    const QSet<QString> &c = m_messageColumns;
    const QString sql =
        QStringLiteral(
            "SELECT id, %1, %2, %3, timestamp, %4, %5, %6, %7, %8 FROM messages WHERE session_id = ?%9 "
            "ORDER BY id")
            .arg(boundedText(c, QStringLiteral("session_id"), ShortFieldBytes),
                 boundedText(c, QStringLiteral("role"), ShortFieldBytes),
                 boundedText(c, QStringLiteral("content"), m_maxFieldBytes),
                 boundedText(c, QStringLiteral("reasoning"), m_maxFieldBytes),
                 boundedText(c, QStringLiteral("reasoning_content"), m_maxFieldBytes),
                 boundedText(c, QStringLiteral("tool_calls"), m_maxFieldBytes),
                 boundedText(c, QStringLiteral("tool_call_id"), ShortFieldBytes),
                 boundedText(c, QStringLiteral("tool_name"), ShortFieldBytes),
                 c.contains(QStringLiteral("active")) ? QStringLiteral(" AND coalesce(active, 1) = 1")
                                                      : QString());

    QList<MessageRecord> records;
    auto read = [&](ReadAttempt &attempt) {
        records.clear();
        QStringList chain;
        if (!walkChain(agentSessionId, chain, attempt))
            return false;
        QSqlQuery query(m_db);
        if (!prepareQuery(query, sql, attempt))
            return false;
        for (const QString &sessionId : std::as_const(chain)) {
            query.bindValue(0, sessionId);
            if (!execQuery(query, attempt))
                return false;
            while (query.next()) {
                if (records.size() >= MaxTranscriptRows) {
                    attempt.error =
                        QStringLiteral("the transcript has more than %1 rows").arg(MaxTranscriptRows);
                    return false;
                }
                MessageRecord m;
                m.id = query.value(0).toLongLong();
                m.sessionId = readText(query.value(1), ShortFieldBytes);
                m.role = readText(query.value(2), ShortFieldBytes);
                m.content = decodeContent(readText(query.value(3), m_maxFieldBytes));
                m.timestamp = query.value(4).toDouble();
                m.reasoning = readText(query.value(5), m_maxFieldBytes);
                if (m.reasoning.isEmpty())
                    m.reasoning = readText(query.value(6), m_maxFieldBytes);
                m.toolCalls = decodeToolCalls(readText(query.value(7), m_maxFieldBytes));
                m.toolCallId = readText(query.value(8), ShortFieldBytes);
                m.toolName = readText(query.value(9), ShortFieldBytes);
                m.status = QString::fromLatin1(MessageStatus::Complete);
                records << m;
            }
            if (!finishedCleanly(query, attempt))
                return false;
            query.finish();
        }
        return true;
    };
    if (!readWithRetry(QStringLiteral("read the transcript of agent session %1").arg(agentSessionId), read))
        return {};
    return records;
}

QList<AgentSessionInfo> AgentStateDb::listSessions(int limit)
{
    m_lastError.clear();
    const QString what = QStringLiteral("list the agent's sessions");
    const QSet<QString> &c = m_sessionColumns;
    if (!c.contains(QStringLiteral("id"))) {
        fail(what, QStringLiteral("this state.db has no sessions table"));
        return {};
    }
    auto number = [&](const QString &column) { return c.contains(column) ? column : QStringLiteral("NULL"); };
    // Counted rather than read from sessions.message_count, which not every agent version keeps current.
    const QString count =
        QStringLiteral("(SELECT count(*) FROM messages m WHERE m.session_id = sessions.id%1)")
            .arg(m_messageColumns.contains(QStringLiteral("active"))
                     ? QStringLiteral(" AND coalesce(m.active, 1) = 1")
                     : QString());
    const QString order = c.contains(QStringLiteral("started_at"))
                              ? QStringLiteral("started_at DESC, rowid DESC")
                              : QStringLiteral("rowid DESC");
    const QString sql = QStringLiteral("SELECT %1, %2, %3, %4, %5, %6, %7 FROM sessions ORDER BY %8 LIMIT ?")
                            .arg(boundedText(c, QStringLiteral("id"), ShortFieldBytes),
                                 boundedText(c, QStringLiteral("title"), ShortFieldBytes),
                                 boundedText(c, QStringLiteral("model"), ShortFieldBytes),
                                 boundedText(c, QStringLiteral("source"), ShortFieldBytes),
                                 boundedText(c, QStringLiteral("parent_session_id"), ShortFieldBytes),
                                 number(QStringLiteral("started_at")), count, order);
    QList<AgentSessionInfo> sessions;
    auto read = [&](ReadAttempt &attempt) {
        sessions.clear();
        QSqlQuery query(m_db);
        if (!prepareQuery(query, sql, attempt))
            return false;
        query.bindValue(0, limit < 0 ? -1 : limit);
        if (!execQuery(query, attempt))
            return false;
        while (query.next()) {
            AgentSessionInfo info;
            info.id = readText(query.value(0), ShortFieldBytes);
            info.title = readText(query.value(1), ShortFieldBytes);
            info.model = readText(query.value(2), ShortFieldBytes);
            info.source = readText(query.value(3), ShortFieldBytes);
            info.parentSessionId = readText(query.value(4), ShortFieldBytes);
            info.startedAt = query.value(5).toDouble();
            info.messageCount = query.value(6).toInt();
            sessions << info;
        }
        return finishedCleanly(query, attempt);
    };
    if (!readWithRetry(what, read))
        return {};
    return sessions;
}

std::optional<AgentTokenUsage> AgentStateDb::sessionTokens(const QString &agentSessionId)
{
    m_lastError.clear();
    const QString what = QStringLiteral("read the token counts of agent session %1").arg(agentSessionId);
    if (!m_sessionColumns.contains(QStringLiteral("input_tokens")) ||
        !m_sessionColumns.contains(QStringLiteral("output_tokens"))) {
        fail(what, QStringLiteral("this agent version does not record token counts in state.db"));
        return std::nullopt;
    }
    AgentTokenUsage usage;
    bool found = false;
    auto read = [&](ReadAttempt &attempt) {
        usage = {};
        found = false;
        QStringList chain;
        if (!walkChain(agentSessionId, chain, attempt))
            return false;
        QSqlQuery query(m_db);
        if (!prepareQuery(query,
                          QStringLiteral("SELECT coalesce(input_tokens, 0), coalesce(output_tokens, 0) "
                                         "FROM sessions WHERE id = ?"),
                          attempt))
            return false;
        for (const QString &sessionId : std::as_const(chain)) {
            query.bindValue(0, sessionId);
            if (!execQuery(query, attempt))
                return false;
            if (query.next()) {
                found = true;
                usage.inputTokens += query.value(0).toLongLong();
                usage.outputTokens += query.value(1).toLongLong();
            }
            if (!finishedCleanly(query, attempt))
                return false;
            query.finish();
        }
        return true;
    };
    if (!readWithRetry(what, read))
        return std::nullopt;
    if (!found) {
        fail(what, QStringLiteral("the agent has no such session"));
        return std::nullopt;
    }
    return usage;
}

QString AgentStateDb::decodeContent(const QString &stored)
{
    if (!stored.startsWith(JsonContentPrefix))
        return stored;
    const QString json = stored.mid(JsonContentPrefix.size());
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        return json;
    if (doc.isArray())
        return ContentText::fromBlocks(doc.array());
    if (doc.isObject())
        return ContentText::fromBlocks(QJsonArray{doc.object()});
    return json;
}

QJsonArray AgentStateDb::decodeToolCalls(const QString &stored)
{
    if (stored.trimmed().isEmpty())
        return {};
    QJsonDocument doc = QJsonDocument::fromJson(stored.toUtf8());
    if (doc.isNull()) {
        // Some writers store the JSON text as a JSON string: "[{...}]" with escaped quotes.
        const QJsonDocument wrapped =
            QJsonDocument::fromJson(QByteArray("[") + stored.toUtf8() + QByteArray("]"));
        if (wrapped.isArray() && wrapped.array().size() == 1 && wrapped.array().first().isString())
            doc = QJsonDocument::fromJson(wrapped.array().first().toString().toUtf8());
    }
    if (doc.isArray())
        return doc.array();
    if (doc.isObject())
        return QJsonArray{doc.object()};
    return {};
}

} // namespace caduceus::store
