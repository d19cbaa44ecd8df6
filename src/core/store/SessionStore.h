#pragma once
// Every read and write of Caduceus's own data. Synchronous, one thread, each write in a
// transaction. Failures return false/empty and set lastError() (and log); never throw.
// Setters, deletes and queue edits on a row that does not exist are failures too ("no such session").
// Statements are prepared once per connection (Database::cachedQuery), so streaming writes stay cheap.
#include "store/StoreTypes.h"

#include <QList>
#include <QStringList>
#include <QVariantList>

class QSqlQuery;

namespace caduceus::store {

class Database;

class SessionStore
{
public:
    explicit SessionStore(Database &db);

    QString lastError() const { return m_lastError; }
    // The file and its capabilities (path, FTS5), e.g. for a reader on another thread with its own
    // connection.
    const Database &database() const { return m_db; }

    // --- sessions
    std::optional<SessionRecord> session(const QString &id) const;
    bool createSession(const SessionRecord &s);                 // no-op (true) when it exists
    bool renameSession(const QString &id, const QString &title);
    bool setPinned(const QString &id, bool pinned);
    bool setWorkspace(const QString &id, const QString &workspace);
    bool setModel(const QString &id, const QString &model);
    bool touchSession(const QString &id, double lastActive);
    bool addSessionTokens(const QString &id, qint64 input, qint64 output);
    // Newest activity first. limit < 0: all.
    QList<SessionRecord> listSessions(int limit = -1, int offset = 0) const;
    bool deleteSession(const QString &id);                      // cascades to all its rows

    // --- messages (ascending id order everywhere)
    // Sets m.id (and m.timestamp when it was 0); bumps count/last_active. Returns the id, 0 on failure.
    // `dequeueId`: the queued input this message is, removed in the same transaction, so that a crash can
    // leave it queued or sent but never lose it.
    qint64 appendMessage(MessageRecord &m, const QString &dequeueId = QString());
    // Several rows in one transaction (imports): all or none. Sets each id (and a 0 timestamp to now).
    bool appendMessages(QList<MessageRecord> &rows);
    bool updateMessage(const MessageRecord &m);                 // all mutable fields by id
    bool updateMessageText(qint64 id, const QString &content, const QString &reasoning, const QString &status);
    std::optional<MessageRecord> message(qint64 id) const;
    // The newest `limit` messages older than beforeId (0 = from the end), returned oldest first.
    QList<MessageRecord> messages(const QString &sessionId, qint64 beforeId = 0, int limit = -1) const;
    // Messages with id > afterId, oldest first (incremental readers: history cache, exports).
    QList<MessageRecord> messagesAfter(const QString &sessionId, qint64 afterId, int limit = -1) const;
    int messageCount(const QString &sessionId) const;
    QList<MessageRecord> messagesWithStatus(const QString &status) const;
    // In one transaction: delete the run's non-user rows, insert `rows` (ids assigned, written back).
    // `rows` must not contain user rows (they are kept, so they would be duplicated).
    bool replaceRunMessages(const QString &sessionId, const QString &runId, QList<MessageRecord> &rows);

    // --- runs (one row per agent run; also the per-run usage table)
    bool upsertRun(const RunRecord &r);
    std::optional<RunRecord> run(const QString &runId) const;
    QList<RunRecord> runsWithStatus(const QStringList &statuses) const;
    QList<RunRecord> runsForSession(const QString &sessionId) const;

    // --- queue (FIFO per session, persisted)
    bool enqueue(const QueueItem &item);
    bool updateQueued(const QString &queueId, const QJsonValue &input);
    bool removeQueued(const QString &sessionId, const QString &queueId); // false when absent
    QList<QueueItem> queue(const QString &sessionId) const;
    QStringList sessionsWithQueue() const;

    // --- compression snapshots
    bool saveSnapshot(CompressionSnapshot &s);                  // sets s.id
    std::optional<CompressionSnapshot> latestSnapshot(const QString &sessionId) const;

    // --- context length the user set per model (wins over the profile's config.yaml)
    std::optional<qint64> contextLengthOverride(const QString &model) const;
    // contextLength <= 0 removes the override (removing an absent one is not a failure).
    bool setContextLengthOverride(const QString &model, qint64 contextLength);
    QList<ContextLengthOverride> contextLengthOverrides() const;

    // --- usage report: agent-reported tokens of the runs that started in [since, until), summed per group.
    // Largest total first (days: newest first). sessionId restricts to one session when not empty.
    enum class UsageGrouping
    {
        Session,
        Model,
        Day
    };
    QList<UsageTotals> usageTotals(UsageGrouping grouping, double since = 0, double until = 0,
                                   const QString &sessionId = {}) const;

    // --- agent-side session deletes (GC)
    bool enqueueAgentDelete(const QString &agentSessionId, const QString &profile); // idempotent
    QList<GcItem> dueAgentDeletes(double now, int limit = 50) const;
    bool markAgentDeleteDone(const QString &agentSessionId);
    bool markAgentDeleteFailed(const QString &agentSessionId, const QString &error, double nextAttemptAt);

    // --- full-text search over message content (FTS5). Newest first. Every word of `query` must occur;
    // user text is never read as FTS syntax. See SearchIndex.h for the tokenizer and what is indexed.
    // "Newest" is the order messages were stored in (their id), which the index walks without sorting: a
    // common word over 100 000 messages takes under a millisecond, where sorting every match by timestamp
    // took over half a second.
    QList<SearchHit> search(const QString &query, int limit = 20) const;

private:
    // The cached statement for `sql`, or nullptr with lastError() set.
    QSqlQuery *statement(const QString &sql) const;
    // Binds `values` by position and runs the statement; on failure sets lastError() to "Cannot <what>: …".
    bool execute(QSqlQuery *query, const QVariantList &values, const QString &what) const;
    bool fail(const QString &what, const QString &detail) const;
    bool requireOneRow(QSqlQuery *query, const QString &what, const QString &absentDetail) const;
    qint64 insertMessageRow(const MessageRecord &m);

    Database &m_db;
    mutable QString m_lastError;
};

} // namespace caduceus::store
