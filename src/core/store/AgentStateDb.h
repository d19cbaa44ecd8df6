#pragma once
// Read-only view of the agent's state.db (SPEC section 6), used to learn what the event stream lacks (tool
// calls with arguments, tool results, real reasoning) and to list agent sessions for import.
//
// The agent owns the file and may be writing it: the connection is opened with mode=ro, every read runs in
// one read transaction, and SQLITE_BUSY/LOCKED retries the whole read with a growing pause until a time
// budget is spent. Schemas differ between agent versions, so columns are discovered with PRAGMA table_info:
// only messages.id/session_id/role/content/timestamp are required. Every text field is read with a byte
// bound, so a corrupt or hostile row cannot exhaust memory.
//
// The reads are synchronous and may wait up to busyBudgetMs() for the agent: call them from a worker thread
// when the caller is a GUI thread. One object belongs to the thread that opened it.
#include "store/AgentStateTypes.h"
#include "store/StoreTypes.h"

#include <QList>
#include <QSet>
#include <QSqlDatabase>
#include <QStringList>
#include <functional>
#include <optional>

class QSqlQuery;

namespace caduceus::store {

class AgentStateDb
{
public:
    AgentStateDb();
    ~AgentStateDb();
    AgentStateDb(const AgentStateDb &) = delete;
    AgentStateDb &operator=(const AgentStateDb &) = delete;

    // false (and lastError(), also copied to *error) when the file is missing, is not an SQLite database,
    // stays locked beyond the budget, or has no usable messages table.
    bool open(const QString &path, QString *error = nullptr);
    void close();
    bool isOpen() const;
    QString path() const { return m_path; }
    // Why the last call failed; empty after a call that succeeded (an empty result is then really empty).
    QString lastError() const { return m_lastError; }

    // Total time one read may spend waiting for the agent's locks (default 3000 ms).
    void setBusyBudgetMs(int milliseconds) { m_busyBudgetMs = qMax(0, milliseconds); }
    int busyBudgetMs() const { return m_busyBudgetMs; }
    // Longest text read from one field, in UTF-8 bytes (default 4 MiB); longer text is cut and marked.
    void setMaxFieldBytes(int bytes) { m_maxFieldBytes = qMax(1024, bytes); }
    int maxFieldBytes() const { return m_maxFieldBytes; }

    bool hasMessageColumn(const QString &column) const { return m_messageColumns.contains(column); }
    bool hasSessionColumn(const QString &column) const { return m_sessionColumns.contains(column); }

    // The session and the ones it continues (parent_session_id), oldest ancestor first. A cycle or an
    // absurdly deep chain ends the walk (logged), it never loops.
    QStringList sessionChain(const QString &agentSessionId);

    // The transcript of the session including its compressed ancestors (their rows first), each session's
    // rows in messages.id order, rewound rows (active = 0) left out. Records carry the agent's row id and
    // session id, status "complete" and no run id. An unknown session gives an empty list.
    QList<MessageRecord> messagesForSession(const QString &agentSessionId);

    // Newest first.
    QList<AgentSessionInfo> listSessions(int limit = 500);

    // Input/output tokens summed over the session and its compressed ancestors (a compressed run spans them);
    // nullopt when the session is unknown or the schema has no token columns.
    std::optional<AgentTokenUsage> sessionTokens(const QString &agentSessionId);

    // Content as the agent stores it: text, or "\x00json:" + JSON list content, whose text blocks are joined
    // and attachments shown as "[Image: path]" / "[File: path]". Undecodable JSON keeps the raw text.
    static QString decodeContent(const QString &stored);
    // tool_calls JSON (an array, a single call object, or an array encoded twice); empty when unreadable.
    static QJsonArray decodeToolCalls(const QString &stored);

    static constexpr int DefaultBusyBudgetMs = 3000;
    static constexpr int DefaultMaxFieldBytes = 4 * 1024 * 1024;
    static constexpr int MaxChainLength = 1000;
    static constexpr int MaxTranscriptRows = 100000;

private:
    struct ReadAttempt
    {
        QString error;
        bool busy = false;
    };
    // Runs `read` in a read transaction, again after a pause while it reports busy and the budget lasts.
    bool openFile(const QString &path);
    bool readWithRetry(const QString &what, const std::function<bool(ReadAttempt &)> &read);
    bool prepareQuery(QSqlQuery &query, const QString &sql, ReadAttempt &attempt) const;
    bool execQuery(QSqlQuery &query, ReadAttempt &attempt) const;
    bool finishedCleanly(const QSqlQuery &query, ReadAttempt &attempt) const;
    bool discoverColumns(ReadAttempt &attempt);
    bool walkChain(const QString &agentSessionId, QStringList &chain, ReadAttempt &attempt);
    // SQL for a text column read with the byte bound, or NULL when the schema lacks the column.
    QString boundedText(const QSet<QString> &columns, const QString &column, int maxBytes) const;
    QString readText(const QVariant &value, int maxBytes) const;
    bool fail(const QString &what, const QString &detail);

    QString m_connectionName;
    QString m_path;
    QSqlDatabase m_db;
    QSet<QString> m_messageColumns;
    QSet<QString> m_sessionColumns;
    QString m_lastError;
    int m_busyBudgetMs = DefaultBusyBudgetMs;
    int m_maxFieldBytes = DefaultMaxFieldBytes;
};

} // namespace caduceus::store
