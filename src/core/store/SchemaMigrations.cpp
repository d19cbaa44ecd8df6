#include "store/SchemaMigrations.h"

#include "store/ContentText.h"
#include "store/StoreLog.h"
#include "store/Transaction.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

namespace caduceus::store {

namespace {

bool execAll(QSqlDatabase &db, const QStringList &statements, QString &error)
{
    QSqlQuery query(db);
    for (const QString &sql : statements) {
        if (!query.exec(sql)) {
            error = query.lastError().text() + QStringLiteral(" (in: ") + sql.simplified().left(80) +
                    QStringLiteral(")");
            return false;
        }
    }
    return true;
}

// Version 1: the tables of SPEC section 4.
bool createBaseSchema(QSqlDatabase &db, QString &error)
{
    return execAll(
        db,
        {
            QStringLiteral(R"(CREATE TABLE sessions (
                            id TEXT PRIMARY KEY NOT NULL,
                            profile TEXT NOT NULL DEFAULT 'default',
                            title TEXT NOT NULL DEFAULT '',
                            model TEXT NOT NULL DEFAULT '',
                            workspace TEXT NOT NULL DEFAULT '',
                            source TEXT NOT NULL DEFAULT 'api_server',
                            pinned INTEGER NOT NULL DEFAULT 0,
                            created_at REAL NOT NULL DEFAULT 0,
                            last_active REAL NOT NULL DEFAULT 0,
                            message_count INTEGER NOT NULL DEFAULT 0,
                            input_tokens INTEGER NOT NULL DEFAULT 0,
                            output_tokens INTEGER NOT NULL DEFAULT 0))"),
            QStringLiteral("CREATE INDEX sessions_by_activity ON sessions(last_active DESC, id)"),
            // AUTOINCREMENT: message ids are handed to front ends (resume, search hits), so an id
            // must never be reused after the newest rows were replaced by a sync.
            QStringLiteral(R"(CREATE TABLE messages (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                            role TEXT NOT NULL,
                            content TEXT NOT NULL DEFAULT '',
                            reasoning TEXT NOT NULL DEFAULT '',
                            tool_calls TEXT,
                            tool_call_id TEXT NOT NULL DEFAULT '',
                            tool_name TEXT NOT NULL DEFAULT '',
                            timestamp REAL NOT NULL,
                            status TEXT NOT NULL DEFAULT 'complete',
                            run_id TEXT NOT NULL DEFAULT '',
                            extra TEXT))"),
            QStringLiteral("CREATE INDEX messages_by_session ON messages(session_id, id)"),
            QStringLiteral("CREATE INDEX messages_by_status ON messages(status)"),
            QStringLiteral("CREATE INDEX messages_by_run ON messages(run_id, session_id)"),
            QStringLiteral(R"(CREATE TABLE runs (
                            run_id TEXT PRIMARY KEY NOT NULL,
                            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                            agent_session_id TEXT NOT NULL DEFAULT '',
                            profile TEXT NOT NULL DEFAULT '',
                            model TEXT NOT NULL DEFAULT '',
                            status TEXT NOT NULL,
                            started_at REAL NOT NULL DEFAULT 0,
                            ended_at REAL NOT NULL DEFAULT 0,
                            input_tokens INTEGER NOT NULL DEFAULT 0,
                            output_tokens INTEGER NOT NULL DEFAULT 0,
                            total_tokens INTEGER NOT NULL DEFAULT 0,
                            error TEXT NOT NULL DEFAULT ''))"),
            QStringLiteral("CREATE INDEX runs_by_status ON runs(status)"),
            QStringLiteral("CREATE INDEX runs_by_session ON runs(session_id, started_at)"),
            // position is the FIFO order: AUTOINCREMENT keeps it increasing across restarts.
            QStringLiteral(R"(CREATE TABLE queue_items (
                            position INTEGER PRIMARY KEY AUTOINCREMENT,
                            queue_id TEXT NOT NULL,
                            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                            input TEXT NOT NULL,
                            model TEXT NOT NULL DEFAULT '',
                            instructions TEXT NOT NULL DEFAULT '',
                            profile TEXT NOT NULL DEFAULT '',
                            created_at REAL NOT NULL DEFAULT 0,
                            UNIQUE (session_id, queue_id)))"),
            QStringLiteral("CREATE INDEX queue_by_session ON queue_items(session_id, position)"),
            QStringLiteral("CREATE INDEX queue_by_id ON queue_items(queue_id)"),
            QStringLiteral(R"(CREATE TABLE compression_snapshots (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                            summary TEXT NOT NULL,
                            last_message_index INTEGER NOT NULL,
                            message_count INTEGER NOT NULL,
                            created_at REAL NOT NULL))"),
            QStringLiteral("CREATE INDEX snapshots_by_session ON compression_snapshots(session_id, id)"),
            // No foreign key: these rows outlive the local session they came from.
            QStringLiteral(R"(CREATE TABLE agent_session_deletes (
                            agent_session_id TEXT PRIMARY KEY NOT NULL,
                            profile TEXT NOT NULL DEFAULT 'default',
                            attempts INTEGER NOT NULL DEFAULT 0,
                            next_attempt_at REAL NOT NULL DEFAULT 0,
                            last_error TEXT NOT NULL DEFAULT '',
                            created_at REAL NOT NULL DEFAULT 0))"),
            QStringLiteral("CREATE INDEX agent_deletes_due ON agent_session_deletes(next_attempt_at)"),
        },
        error);
}

// Version 2: the readable text of ContentBlock[] user messages, kept next to the JSON so search and
// session previews see "fix the build" rather than {"type":"text",...}. NULL for plain text rows.
bool addPlainText(QSqlDatabase &db, QString &error)
{
    if (!execAll(db, {QStringLiteral("ALTER TABLE messages ADD COLUMN plain_text TEXT")}, error))
        return false;
    QSqlQuery select(db);
    select.setForwardOnly(true);
    if (!select.exec(QStringLiteral(
            "SELECT id, content FROM messages WHERE role = 'user' AND ltrim(content) LIKE '[%'"))) {
        error = select.lastError().text();
        return false;
    }
    QSqlQuery update(db);
    if (!update.prepare(QStringLiteral("UPDATE messages SET plain_text = ? WHERE id = ?"))) {
        error = update.lastError().text();
        return false;
    }
    while (select.next()) {
        const std::optional<QString> text = ContentText::fromStoredBlocks(select.value(1).toString());
        if (!text)
            continue;
        update.bindValue(0, *text);
        update.bindValue(1, select.value(0));
        if (!update.exec()) {
            error = update.lastError().text();
            return false;
        }
    }
    if (select.lastError().isValid()) {
        error = select.lastError().text();
        return false;
    }
    return true;
}

// Version 3: a snapshot also records the stored id of the last message it summarises, so its boundary holds
// whatever happens to the numbering of history items; the context length the user set for a model (it wins
// over config.yaml's); an index for usage reports by date.
bool addContextTables(QSqlDatabase &db, QString &error)
{
    return execAll(
        db,
        {
            QStringLiteral("ALTER TABLE compression_snapshots ADD COLUMN last_message_id INTEGER NOT "
                           "NULL DEFAULT 0"),
            QStringLiteral(R"(CREATE TABLE context_length_overrides (
                            model TEXT PRIMARY KEY NOT NULL,
                            context_length INTEGER NOT NULL,
                            updated_at REAL NOT NULL DEFAULT 0))"),
            QStringLiteral("CREATE INDEX runs_by_start ON runs(started_at)"),
        },
        error);
}

} // namespace

const std::vector<MigrationStep> &SchemaMigrations::steps()
{
    static const std::vector<MigrationStep> list{
        {1, QStringLiteral("sessions, messages, runs, queue, snapshots, agent deletes"), createBaseSchema},
        {2, QStringLiteral("plain text of content-block messages"), addPlainText},
        {3, QStringLiteral("snapshot message ids, per-model context lengths"), addContextTables},
    };
    return list;
}

int SchemaMigrations::latestVersion()
{
    return steps().back().version;
}

int SchemaMigrations::userVersion(QSqlDatabase &db, QString *error)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next()) {
        if (error)
            *error = query.lastError().text();
        return -1;
    }
    return query.value(0).toInt();
}

bool SchemaMigrations::migrate(QSqlDatabase &db, int targetVersion, QString &error)
{
    QString readError;
    const int current = userVersion(db, &readError);
    if (current < 0) {
        error = QStringLiteral("Cannot read the schema version: %1").arg(readError);
        return false;
    }
    for (const MigrationStep &step : steps()) {
        if (step.version <= current || step.version > targetVersion)
            continue;
        Transaction transaction(db);
        if (!transaction.isActive()) {
            error = QStringLiteral("Cannot start the upgrade to schema version %1: %2")
                        .arg(step.version)
                        .arg(transaction.error());
            return false;
        }
        QString stepError;
        QSqlQuery setVersion(db);
        if (!step.apply(db, stepError)) {
            error = QStringLiteral("Upgrade to schema version %1 (%2) failed and was rolled back: %3")
                        .arg(step.version)
                        .arg(step.description, stepError);
            return false;
        }
        // PRAGMA takes no bound parameters; the value is our own integer.
        if (!setVersion.exec(QStringLiteral("PRAGMA user_version = %1").arg(step.version))) {
            error = QStringLiteral("Cannot record schema version %1: %2")
                        .arg(step.version)
                        .arg(setVersion.lastError().text());
            return false;
        }
        if (!transaction.commit()) {
            error = QStringLiteral("Cannot commit the upgrade to schema version %1: %2")
                        .arg(step.version)
                        .arg(transaction.error());
            return false;
        }
        qCInfo(lcStore) << "schema upgraded to version" << step.version << "-" << step.description;
    }
    return true;
}

} // namespace caduceus::store
