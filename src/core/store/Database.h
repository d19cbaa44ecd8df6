#pragma once
// Caduceus's own SQLite file: WAL, synchronous=NORMAL, busy timeout, foreign keys, versioned
// migrations in PRAGMA user_version, FTS5 check, corrupt-file recovery. Used from one thread only.
#include <QHash>
#include <QSqlDatabase>
#include <QString>
#include <memory>

class QSqlQuery;

namespace caduceus::store {

class Database
{
public:
    struct OpenResult
    {
        bool ok = false;
        QString error;           // human readable, says what to do
        QString movedAsidePath;  // set when a corrupt file was moved to <name>.corrupted.<timestamp>
        // Non-fatal notices for the user (ok stays true): full-text search unavailable, or the corrupt file
        // that was moved aside (that text is in `error` too).
        QString warning;
    };

    explicit Database(const QString &connectionName = QStringLiteral("caduceus"));
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // path may be ":memory:". Creates the folder when needed.
    OpenResult open(const QString &path);
    void close();
    bool isOpen() const;
    QSqlDatabase connection() const;
    QString path() const { return m_path; }
    int schemaVersion() const;
    bool hasFts5() const { return m_fts5; }
    // The FTS5 index tokenizes by trigrams (finds CJK words); false means unicode61 (or no FTS5).
    bool usesTrigramIndex() const { return m_trigram; }
    static int latestSchemaVersion();
    // Default location: QStandardPaths::AppDataLocation/caduceus.db (override: CADUCEUS_DATA_DIR).
    static QString defaultPath();

    // A statement prepared once per connection and reused (the difference between ~20 µs and ~200 µs for the
    // per-token writes of a streaming answer). nullptr when it does not prepare; `error` says why. Bind
    // values by position and finish() SELECTs after reading.
    QSqlQuery *cachedQuery(const QString &sql, QString *error = nullptr);

private:
    enum class Attempt { Opened, Corrupt, Failed };
    Attempt openAndPrepare(const QString &path, OpenResult &result);
    QString moveAside(const QString &path, QString &error);
    void releaseConnection();

    QString m_connectionName;
    QString m_path;
    bool m_fts5 = false;
    bool m_trigram = false;
    QSqlDatabase m_db;
    QHash<QString, std::shared_ptr<QSqlQuery>> m_statements;
};

} // namespace caduceus::store
