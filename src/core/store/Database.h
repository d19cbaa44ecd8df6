#pragma once
// Caduceus's own SQLite file: WAL, synchronous=NORMAL, busy timeout, foreign keys, versioned
// migrations in PRAGMA user_version, FTS5 check, corrupt-file recovery. Used from one thread only.
#include <QSqlDatabase>
#include <QString>

namespace caduceus::store {

class Database
{
public:
    struct OpenResult
    {
        bool ok = false;
        QString error;           // human readable, says what to do
        QString movedAsidePath;  // set when a corrupt file was moved to <name>.corrupted.<timestamp>
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
    static int latestSchemaVersion();
    // Default location: QStandardPaths::AppDataLocation/caduceus.db (override: CADUCEUS_DATA_DIR).
    static QString defaultPath();

private:
    QString m_connectionName;
    QString m_path;
    bool m_fts5 = false;
};

} // namespace caduceus::store
