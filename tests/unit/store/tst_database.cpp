// Caduceus's own database file: opening, pragmas, migrations, refusing newer files, recovering from damage.
#include "store/Database.h"
#include "store/SchemaMigrations.h"
#include "store/SessionStore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSemaphore>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace caduceus::store;

namespace {

QVariant pragma(const QSqlDatabase &db, const QString &name)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA %1").arg(name)) || !query.next())
        return {};
    return query.value(0);
}

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

// A raw connection, for building files the way older (or newer) releases left them.
class RawConnection
{
public:
    explicit RawConnection(const QString &path) : m_name(QStringLiteral("raw-%1").arg(quintptr(this)))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.open();
    }
    ~RawConnection()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }
    bool exec(const QString &sql) const
    {
        QSqlQuery query(db());
        if (query.exec(sql))
            return true;
        qWarning() << "raw exec failed:" << sql << query.lastError().text();
        return false;
    }

private:
    QString m_name;
};

SessionRecord newSession(const QString &id, const QString &title = {})
{
    SessionRecord s;
    s.id = id;
    s.title = title;
    return s;
}

MessageRecord newMessage(const QString &sessionId, const QString &role, const QString &content)
{
    MessageRecord m;
    m.sessionId = sessionId;
    m.role = role;
    m.content = content;
    return m;
}

QStringList filesIn(const QString &folder)
{
    return QDir(folder).entryList(QDir::Files, QDir::Name);
}

// Another program holding the database exclusively from its own thread until told (or timed) to let go.
class ExclusiveHolder : public QThread
{
public:
    ExclusiveHolder(const QString &path, int holdMs) : m_path(path), m_holdMs(holdMs) {}
    ~ExclusiveHolder() override
    {
        letGo.release();
        wait();
    }
    QSemaphore locked;
    QSemaphore letGo;
    bool lockTaken = false;

protected:
    void run() override
    {
        const QString name = QStringLiteral("exclusive-holder");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(m_path);
            db.open();
            QSqlQuery query(db);
            lockTaken =
                query.exec(QStringLiteral("PRAGMA locking_mode = EXCLUSIVE")) &&
                query.exec(QStringLiteral("BEGIN EXCLUSIVE")) &&
                query.exec(QStringLiteral("INSERT INTO sessions (id) VALUES ('from-the-other-program')"));
            locked.release();
            letGo.tryAcquire(1, m_holdMs);
            query.exec(QStringLiteral("COMMIT"));
            query.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }

private:
    QString m_path;
    int m_holdMs;
};

} // namespace

class TestDatabase : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void freshFileIsConfigured();
    void memoryDatabaseWorks();
    void createsMissingFolders();
    void reopenKeepsData();
    void migratesFromEveryOlderVersion_data();
    void migratesFromEveryOlderVersion();
    void failedMigrationIsRolledBackAndReported();
    void refusesNewerSchemaWithoutTouchingIt();
    void garbageFileIsMovedAsideWithCompanions();
    void damagedPagesAreMovedAside();
    void duplicateConnectionNameIsAnError();
    void briefLockIsWaitedFor();
    void lockedFileIsReportedNotMovedAside();
    void defaultPathHonoursEnvironment();
    void statementCacheReusesPreparedQueries();
};

void TestDatabase::freshFileIsConfigured()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("caduceus.db"));
    Database db;
    const Database::OpenResult result = db.open(path);
    QVERIFY2(result.ok, qPrintable(result.error));
    QVERIFY(result.movedAsidePath.isEmpty());
    QVERIFY(db.isOpen());
    QCOMPARE(db.path(), path);
    QCOMPARE(db.schemaVersion(), Database::latestSchemaVersion());
    QVERIFY(Database::latestSchemaVersion() >= 2);

    const QSqlDatabase c = db.connection();
    QCOMPARE(pragma(c, QStringLiteral("journal_mode")).toString(), QStringLiteral("wal"));
    QCOMPARE(pragma(c, QStringLiteral("synchronous")).toInt(), 1); // NORMAL
    QCOMPARE(pragma(c, QStringLiteral("foreign_keys")).toInt(), 1);
    QVERIFY(pragma(c, QStringLiteral("busy_timeout")).toInt() >= 1000);

    const QStringList tables = c.tables();
    for (const char *table :
         {"sessions", "messages", "runs", "queue_items", "compression_snapshots", "agent_session_deletes"})
        QVERIFY2(tables.contains(QLatin1String(table)), table);
    // Debian's SQLite has FTS5 and trigram; without them the warning must say search is degraded.
    if (db.hasFts5()) {
        QVERIFY(tables.contains(QStringLiteral("messages_search")));
        QVERIFY(result.warning.isEmpty());
    } else {
        QVERIFY(result.warning.contains(QStringLiteral("FTS5")));
    }
    qInfo() << "FTS5:" << db.hasFts5() << "trigram:" << db.usesTrigramIndex();
}

void TestDatabase::memoryDatabaseWorks()
{
    Database db(QStringLiteral("memory-test"));
    const Database::OpenResult result = db.open(QStringLiteral(":memory:"));
    QVERIFY2(result.ok, qPrintable(result.error));
    SessionStore store(db);
    QVERIFY(store.createSession(newSession(QStringLiteral("s1"))));
    QCOMPARE(store.listSessions().size(), 1);
}

void TestDatabase::createsMissingFolders()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("a/b/c/caduceus.db"));
    Database db;
    const Database::OpenResult result = db.open(path);
    QVERIFY2(result.ok, qPrintable(result.error));
    QVERIFY(QFileInfo::exists(path));
}

void TestDatabase::reopenKeepsData()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("caduceus.db"));
    {
        Database db;
        QVERIFY(db.open(path).ok);
        SessionStore store(db);
        QVERIFY(store.createSession(newSession(QStringLiteral("kept"), QStringLiteral("Kept title"))));
        db.close();
        QVERIFY(!db.isOpen());
        // The same object opens again (the connection name was released).
        QVERIFY(db.open(path).ok);
        QCOMPARE(SessionStore(db).session(QStringLiteral("kept"))->title, QStringLiteral("Kept title"));
    }
    Database again;
    QVERIFY(again.open(path).ok);
    QCOMPARE(SessionStore(again).session(QStringLiteral("kept"))->title, QStringLiteral("Kept title"));
}

void TestDatabase::migratesFromEveryOlderVersion_data()
{
    QTest::addColumn<int>("fromVersion");
    for (int v = 0; v < SchemaMigrations::latestVersion(); ++v)
        QTest::newRow(qPrintable(QStringLiteral("v%1").arg(v))) << v;
}

void TestDatabase::migratesFromEveryOlderVersion()
{
    QFETCH(int, fromVersion);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("old.db"));
    const QString blocks = QStringLiteral(
        R"([{"type":"text","text":"Summarise the quarterly figures"},{"type":"image","name":"q3.png","path":"/tmp/q3.png"}])");
    {
        RawConnection raw(path);
        QSqlDatabase db = raw.db();
        QString error;
        QVERIFY2(SchemaMigrations::migrate(db, fromVersion, error), qPrintable(error));
        QCOMPARE(SchemaMigrations::userVersion(db), fromVersion);
        if (fromVersion >= 1) {
            // Rows as the release with this schema wrote them.
            QVERIFY(raw.exec(QStringLiteral(
                "INSERT INTO sessions (id, title, created_at, last_active, message_count) VALUES "
                "('old1', 'Old session', 100, 200, 2)")));
            QSqlQuery insert(db);
            // From version 2 on, a release wrote the readable text next to the block JSON.
            if (fromVersion >= 2) {
                insert.prepare(
                    QStringLiteral("INSERT INTO messages (session_id, role, content, plain_text, timestamp) "
                                   "VALUES ('old1', 'user', ?, 'Summarise the quarterly figures', 150)"));
            } else {
                insert.prepare(
                    QStringLiteral("INSERT INTO messages (session_id, role, content, timestamp) VALUES "
                                   "('old1', 'user', ?, 150)"));
            }
            insert.addBindValue(blocks);
            QVERIFY(insert.exec());
            QVERIFY(
                raw.exec(QStringLiteral("INSERT INTO messages (session_id, role, content, timestamp) VALUES "
                                        "('old1', 'assistant', 'Revenue grew by nine percent', 160)")));
            QVERIFY(raw.exec(QStringLiteral("INSERT INTO queue_items (queue_id, session_id, input) VALUES "
                                            "('q1', 'old1', '[\"later\"]')")));
        }
    }

    Database db;
    const Database::OpenResult result = db.open(path);
    QVERIFY2(result.ok, qPrintable(result.error));
    QVERIFY(result.movedAsidePath.isEmpty());
    QCOMPARE(db.schemaVersion(), Database::latestSchemaVersion());
    SessionStore store(db);
    if (fromVersion == 0) {
        QVERIFY(store.listSessions().isEmpty());
        return;
    }
    const QList<SessionRecord> sessions = store.listSessions();
    QCOMPARE(sessions.size(), 1);
    QCOMPARE(sessions.first().title, QStringLiteral("Old session"));
    // The preview of an old ContentBlock message is its text, not its JSON.
    QCOMPARE(sessions.first().preview, QStringLiteral("Summarise the quarterly figures"));
    const QList<MessageRecord> rows = store.messages(QStringLiteral("old1"));
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.first().content, blocks);
    QCOMPARE(store.queue(QStringLiteral("old1")).first().input.toString(), QStringLiteral("later"));
    // Old rows are searchable, by the words the user sees.
    QCOMPARE(store.search(QStringLiteral("quarterly")).size(), 1);
    QCOMPARE(store.search(QStringLiteral("nine percent")).size(), 1);
    QCOMPARE(store.search(QStringLiteral("image")).size(), 0);
}

void TestDatabase::failedMigrationIsRolledBackAndReported()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("conflict.db"));
    {
        RawConnection raw(path);
        QSqlDatabase db = raw.db();
        QString error;
        QVERIFY(SchemaMigrations::migrate(db, 1, error));
        // Something the version-2 step will trip over.
        QVERIFY(raw.exec(QStringLiteral("ALTER TABLE messages ADD COLUMN plain_text TEXT")));
        QVERIFY(raw.exec(QStringLiteral("INSERT INTO sessions (id) VALUES ('survivor')")));
    }
    {
        Database db;
        const Database::OpenResult result = db.open(path);
        QVERIFY(!result.ok);
        QVERIFY2(result.error.contains(QStringLiteral("version 2")), qPrintable(result.error));
        QVERIFY(result.movedAsidePath.isEmpty());
        QVERIFY(!db.isOpen());
    }
    RawConnection raw(path);
    QSqlDatabase db = raw.db();
    QCOMPARE(SchemaMigrations::userVersion(db), 1);
    QSqlQuery query(db);
    QVERIFY(query.exec(QStringLiteral("SELECT id FROM sessions")) && query.next());
    QCOMPARE(query.value(0).toString(), QStringLiteral("survivor"));
}

void TestDatabase::refusesNewerSchemaWithoutTouchingIt()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("future.db"));
    const int future = Database::latestSchemaVersion() + 1;
    {
        RawConnection raw(path);
        QVERIFY(raw.exec(QStringLiteral("CREATE TABLE sessions (id TEXT PRIMARY KEY, hologram BLOB)")));
        QVERIFY(raw.exec(QStringLiteral("INSERT INTO sessions VALUES ('from-the-future', x'00ff')")));
        QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = %1").arg(future)));
    }
    const QByteArray before = fileBytes(path);
    const QStringList filesBefore = filesIn(dir.path());

    Database db;
    const Database::OpenResult result = db.open(path);
    QVERIFY(!result.ok);
    QVERIFY(!db.isOpen());
    QVERIFY(result.movedAsidePath.isEmpty());
    QVERIFY2(result.error.contains(QStringLiteral("newer version")), qPrintable(result.error));
    QVERIFY(result.error.contains(QString::number(future)));
    QCOMPARE(fileBytes(path), before);
    QCOMPARE(filesIn(dir.path()), filesBefore);
}

void TestDatabase::garbageFileIsMovedAsideWithCompanions()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("caduceus.db"));
    QByteArray garbage;
    for (int i = 0; i < 512; ++i)
        garbage += "this is certainly not an SQLite database. ";
    QVERIFY(writeFile(path, garbage));
    QVERIFY(writeFile(path + QStringLiteral("-wal"), QByteArray(4096, 'w')));

    Database db;
    const Database::OpenResult result = db.open(path);
    QVERIFY2(result.ok, qPrintable(result.error));
    QVERIFY(!result.movedAsidePath.isEmpty());
    QVERIFY(QFileInfo(result.movedAsidePath).fileName().startsWith(QStringLiteral("caduceus.db.corrupted.")));
    // <name>.corrupted.<yyyyMMdd-hhmmss>
    QVERIFY(QRegularExpression(QStringLiteral("\\.corrupted\\.\\d{8}-\\d{6}$"))
                .match(result.movedAsidePath)
                .hasMatch());
    QCOMPARE(fileBytes(result.movedAsidePath), garbage);
    QCOMPARE(fileBytes(result.movedAsidePath + QStringLiteral("-wal")), QByteArray(4096, 'w'));
    QVERIFY(result.error.contains(result.movedAsidePath) ||
            result.error.contains(QDir::toNativeSeparators(result.movedAsidePath)));
    QVERIFY(!result.warning.isEmpty());

    // The new file works.
    SessionStore store(db);
    QVERIFY(store.createSession(newSession(QStringLiteral("fresh"))));
    MessageRecord m =
        newMessage(QStringLiteral("fresh"), QStringLiteral("user"), QStringLiteral("hello again"));
    QVERIFY(store.appendMessage(m) > 0);
    QCOMPARE(db.schemaVersion(), Database::latestSchemaVersion());
}

void TestDatabase::damagedPagesAreMovedAside()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("caduceus.db"));
    {
        Database db;
        QVERIFY(db.open(path).ok);
        SessionStore store(db);
        QVERIFY(store.createSession(newSession(QStringLiteral("s"))));
        for (int i = 0; i < 300; ++i) {
            MessageRecord m = newMessage(QStringLiteral("s"), QStringLiteral("assistant"),
                                         QStringLiteral("message number %1 with some padding text").arg(i));
            QVERIFY(store.appendMessage(m) > 0);
        }
        QSqlQuery checkpoint(db.connection());
        QVERIFY(checkpoint.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
    }
    QByteArray bytes = fileBytes(path);
    QVERIFY(bytes.size() > 16 * 4096);
    // Keep the header page, scribble over every b-tree page after it.
    for (qsizetype page = 1; page * 4096 < bytes.size(); ++page)
        std::fill(bytes.begin() + page * 4096, bytes.begin() + page * 4096 + 64, char(0x5a));
    QVERIFY(writeFile(path, bytes));

    Database db;
    const Database::OpenResult result = db.open(path);
    QVERIFY2(result.ok, qPrintable(result.error));
    QVERIFY2(!result.movedAsidePath.isEmpty(), "damaged pages must be detected");
    QCOMPARE(fileBytes(result.movedAsidePath), bytes);
    SessionStore store(db);
    QVERIFY(store.listSessions().isEmpty());
    QVERIFY(store.createSession(newSession(QStringLiteral("after"))));
}

void TestDatabase::briefLockIsWaitedFor()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("caduceus.db"));
    {
        Database db;
        QVERIFY(db.open(path).ok);
    }
    ExclusiveHolder other(path, 300);
    other.start();
    other.locked.acquire();
    QVERIFY(other.lockTaken);
    Database db;
    const Database::OpenResult result = db.open(path);
    QVERIFY2(result.ok, qPrintable(result.error));
    QVERIFY(SessionStore(db).session(QStringLiteral("from-the-other-program")));
}

void TestDatabase::lockedFileIsReportedNotMovedAside()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("caduceus.db"));
    {
        Database db;
        QVERIFY(db.open(path).ok);
        QVERIFY(SessionStore(db).createSession(newSession(QStringLiteral("mine"))));
    }
    ExclusiveHolder other(path, 60000);
    other.start();
    other.locked.acquire();
    QVERIFY(other.lockTaken);
    QElapsedTimer timer;
    timer.start();
    Database db;
    const Database::OpenResult result = db.open(path);
    QVERIFY(!result.ok);
    QVERIFY2(result.error.contains(QStringLiteral("in use by another program")), qPrintable(result.error));
    QVERIFY(result.movedAsidePath.isEmpty());
    QVERIFY(timer.elapsed() < 20000);
    other.letGo.release();
    QVERIFY(other.wait(5000));
    QCOMPARE(filesIn(dir.path()).filter(QStringLiteral("corrupted")), QStringList());
    QVERIFY(db.open(path).ok);
    QVERIFY(SessionStore(db).session(QStringLiteral("mine")));
}

void TestDatabase::duplicateConnectionNameIsAnError()
{
    Database first(QStringLiteral("same-name"));
    QVERIFY(first.open(QStringLiteral(":memory:")).ok);
    Database second(QStringLiteral("same-name"));
    const Database::OpenResult result = second.open(QStringLiteral(":memory:"));
    QVERIFY(!result.ok);
    QVERIFY(result.error.contains(QStringLiteral("same-name")));
    QVERIFY(first.isOpen());
    SessionStore store(first);
    QVERIFY(store.createSession(newSession(QStringLiteral("still-works"))));
}

void TestDatabase::defaultPathHonoursEnvironment()
{
    QTemporaryDir dir;
    qputenv("CADUCEUS_DATA_DIR", dir.path().toUtf8());
    QCOMPARE(Database::defaultPath(), QDir(dir.path()).filePath(QStringLiteral("caduceus.db")));
    qunsetenv("CADUCEUS_DATA_DIR");
    QVERIFY(Database::defaultPath().endsWith(QStringLiteral("/caduceus.db")));
    QVERIFY(!Database::defaultPath().startsWith(dir.path()));
}

void TestDatabase::statementCacheReusesPreparedQueries()
{
    Database db;
    QVERIFY(db.open(QStringLiteral(":memory:")).ok);
    const QString sql = QStringLiteral("SELECT count(*) FROM sessions WHERE id = ?");
    QSqlQuery *first = db.cachedQuery(sql);
    QVERIFY(first);
    QCOMPARE(db.cachedQuery(sql), first);
    QString error;
    QVERIFY(!db.cachedQuery(QStringLiteral("SELECT nonsense FROM nowhere"), &error));
    QVERIFY(error.contains(QStringLiteral("nowhere")));
    db.close();
    QVERIFY(!db.cachedQuery(sql, &error));
}

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"
