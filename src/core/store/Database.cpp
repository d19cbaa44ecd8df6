#include "store/Database.h"

#include "store/SchemaMigrations.h"
#include "store/SearchIndex.h"
#include "store/SqliteErrors.h"
#include "store/StoreLog.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace caduceus::store {

namespace {

constexpr int BusyTimeoutMs = 5000;
const QString MemoryPath = QStringLiteral(":memory:");

// An empty or missing file becomes a new database; anything else must start with SQLite's magic string.
bool hasDatabaseHeader(const QString &path)
{
    QFile file(path);
    if (!file.exists() || file.size() == 0)
        return true;
    if (!file.open(QIODevice::ReadOnly))
        return true; // let SQLite report the real problem (permissions, locks)
    return file.read(16) == QByteArray("SQLite format 3", 16);
}

constexpr QFileDevice::Permissions OwnerOnlyFile = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions OwnerOnlyFolder = OwnerOnlyFile | QFileDevice::ExeOwner;

// The folder holding the database is the user's alone (0700), whatever the umask, unless it is not the
// user's own or is a shared sticky folder such as /tmp (someone pointed the data folder there).
void makePrivateFolder(const QString &folder)
{
#ifdef Q_OS_UNIX
    struct stat info
    {
    };
    if (::stat(QFile::encodeName(folder).constData(), &info) != 0 || info.st_uid != ::getuid() ||
        (info.st_mode & S_ISVTX) != 0)
        return;
#endif
    QFile::setPermissions(folder, OwnerOnlyFolder);
}

// The chats are private whatever the umask: the database and its -wal/-shm are 0600 (SQLite gives the
// -wal and -shm the database's own mode, so the file exists with that mode before SQLite opens it).
bool makePrivateDatabaseFile(const QString &path, QString &error)
{
    QFile file(path);
    if (!file.exists()) {
        if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, OwnerOnlyFile)) {
            if (file.exists())
                return true; // made meanwhile by another process; it is tightened below next time
            error = file.errorString();
            return false;
        }
        file.close();
    }
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
        QFile part(path + suffix);
        if (part.exists())
            part.setPermissions(OwnerOnlyFile);
    }
    return true;
}

} // namespace

Database::Database(const QString &connectionName) : m_connectionName(connectionName) {}

Database::~Database()
{
    close();
}

Database::OpenResult Database::open(const QString &path)
{
    close();
    OpenResult result;
    if (path.isEmpty()) {
        result.error = QStringLiteral("No database path was given.");
        return result;
    }
    if (QSqlDatabase::contains(m_connectionName)) {
        result.error =
            QStringLiteral("The database connection name \"%1\" is already in use in this program; "
                           "give each Database its own name.")
                .arg(m_connectionName);
        return result;
    }
    if (path != MemoryPath) {
        const QString folder = QFileInfo(path).absolutePath();
        if (!QDir().mkpath(folder)) {
            result.error =
                QStringLiteral("Cannot create the data folder %1: check that it is writable, or set "
                               "CADUCEUS_DATA_DIR to another folder.")
                    .arg(QDir::toNativeSeparators(folder));
            return result;
        }
        makePrivateFolder(folder);
    }

    // A file that does not even start like a database is moved aside before SQLite opens it: SQLite would
    // otherwise reset a -wal next to it, which may be the only intact copy of recent writes.
    Attempt attempt = Attempt::Corrupt;
    if (path != MemoryPath && !hasDatabaseHeader(path))
        result.error = QStringLiteral("the file is not an SQLite database");
    else
        attempt = openAndPrepare(path, result);
    if (attempt == Attempt::Corrupt && path != MemoryPath) {
        const QString reason = result.error;
        releaseConnection();
        QString moveError;
        const QString aside = moveAside(path, moveError);
        if (aside.isEmpty()) {
            result.error =
                QStringLiteral("The database %1 is damaged (%2) and could not be moved aside (%3). "
                               "Move or delete it by hand, then start Caduceus again.")
                    .arg(QDir::toNativeSeparators(path), reason, moveError);
            return result;
        }
        result = OpenResult{};
        result.movedAsidePath = aside;
        attempt = openAndPrepare(path, result);
        if (attempt == Attempt::Opened) {
            const QString notice =
                QStringLiteral("The database was damaged (%1). It was moved to %2 and a new, "
                               "empty one was created; your earlier chats are in the old file.")
                    .arg(reason, QDir::toNativeSeparators(aside));
            result.error = notice;
            result.warning = result.warning.isEmpty() ? notice : notice + QLatin1Char('\n') + result.warning;
        }
    }
    if (attempt != Attempt::Opened) {
        if (attempt == Attempt::Corrupt)
            result.error = QStringLiteral("The database %1 is damaged: %2").arg(path, result.error);
        releaseConnection();
        result.ok = false;
        qCWarning(lcStore).noquote() << "open failed:" << result.error;
        return result;
    }
    m_path = path;
    result.ok = true;
    if (!result.warning.isEmpty())
        qCWarning(lcStore).noquote() << result.warning;
    return result;
}

Database::Attempt Database::openAndPrepare(const QString &path, OpenResult &result)
{
    if (path != MemoryPath) {
        QString error;
        if (!makePrivateDatabaseFile(path, error)) {
            result.error = QStringLiteral("Cannot create %1: %2. Check that the folder is writable.")
                               .arg(QDir::toNativeSeparators(path), error);
            return Attempt::Failed;
        }
    }
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    if (!m_db.isValid()) {
        result.error = QStringLiteral("Qt's SQLite driver (QSQLITE) is not installed; reinstall Caduceus.");
        return Attempt::Failed;
    }
    m_db.setDatabaseName(path);
    m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(BusyTimeoutMs));
    if (!m_db.open()) {
        result.error = QStringLiteral("Cannot open %1: %2. Check that the file and its folder are writable.")
                           .arg(QDir::toNativeSeparators(path), m_db.lastError().text());
        return Attempt::Failed;
    }

    QSqlQuery query(m_db);
    auto failure = [&](const QString &step) {
        const QSqlError error = query.lastError();
        if (SqliteErrors::isCorruption(error)) {
            result.error = error.text();
            return Attempt::Corrupt;
        }
        if (SqliteErrors::isBusy(error)) {
            result.error =
                QStringLiteral("%1 is in use by another program (maybe a second Caduceus); close it "
                               "and try again.")
                    .arg(QDir::toNativeSeparators(path));
        } else {
            result.error = QStringLiteral("Cannot prepare %1 (%2): %3")
                               .arg(QDir::toNativeSeparators(path), step, error.text());
        }
        return Attempt::Failed;
    };

    if (!query.exec(QStringLiteral("PRAGMA busy_timeout = %1").arg(BusyTimeoutMs)))
        return failure(QStringLiteral("busy timeout"));
    // Read before anything writes to the file: a newer schema must be left exactly as it is.
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
        return failure(QStringLiteral("schema version"));
    const int version = query.value(0).toInt();
    query.finish();
    if (version > SchemaMigrations::latestVersion()) {
        result.error =
            QStringLiteral("%1 was written by a newer version of Caduceus (schema %2; this version "
                           "knows up to %3). Update Caduceus to open it; the file was not changed.")
                .arg(QDir::toNativeSeparators(path))
                .arg(version)
                .arg(SchemaMigrations::latestVersion());
        return Attempt::Failed;
    }
    if (!query.exec(QStringLiteral("PRAGMA journal_mode = WAL")) || !query.next())
        return failure(QStringLiteral("WAL mode"));
    const QString journalMode = query.value(0).toString();
    query.finish();
    if (path != MemoryPath && journalMode.compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
        qCWarning(lcStore) << "journal mode is" << journalMode
                           << "instead of wal (file system without shared memory?)";
    if (!query.exec(QStringLiteral("PRAGMA synchronous = NORMAL")))
        return failure(QStringLiteral("synchronous"));
    if (!query.exec(QStringLiteral("PRAGMA foreign_keys = ON")))
        return failure(QStringLiteral("foreign keys"));

    if (!query.exec(QStringLiteral("PRAGMA quick_check")))
        return failure(QStringLiteral("integrity check"));
    QStringList problems;
    while (query.next() && problems.size() < 5)
        problems << query.value(0).toString();
    if (query.lastError().isValid())
        return failure(QStringLiteral("integrity check"));
    query.finish();
    if (problems != QStringList{QStringLiteral("ok")}) {
        result.error = QStringLiteral("integrity check failed: ") + problems.join(QStringLiteral("; "));
        return Attempt::Corrupt;
    }

    QString migrationError;
    if (!SchemaMigrations::migrate(m_db, SchemaMigrations::latestVersion(), migrationError)) {
        result.error =
            QStringLiteral("Cannot upgrade %1: %2").arg(QDir::toNativeSeparators(path), migrationError);
        return Attempt::Failed;
    }

    SearchIndex::Support support = SearchIndex::probe(m_db);
    QString searchError;
    if (!SearchIndex::ensure(m_db, support, searchError)) {
        result.error = QStringLiteral("Cannot prepare the search index of %1: %2")
                           .arg(QDir::toNativeSeparators(path), searchError);
        return Attempt::Failed;
    }
    m_fts5 = support.fts5;
    m_trigram = support.trigram;
    if (!m_fts5) {
        result.warning =
            QStringLiteral("Full-text search (SQLite FTS5) is not available with this system's "
                           "SQLite: searching chats still works, but more slowly (plain text scan).");
    }
    return Attempt::Opened;
}

QString Database::moveAside(const QString &path, QString &error)
{
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-hhmmss"));
    QString aside = path + QStringLiteral(".corrupted.") + stamp;
    for (int n = 2; QFileInfo::exists(aside); ++n)
        aside = path + QStringLiteral(".corrupted.") + stamp + QLatin1Char('-') + QString::number(n);
    QFile file(path);
    if (!file.rename(aside)) {
        error = file.errorString();
        return {};
    }
    for (const char *suffix : {"-wal", "-shm", "-journal"}) {
        const QString companion = path + QLatin1String(suffix);
        if (!QFileInfo::exists(companion))
            continue;
        // A stale journal next to the new file would be replayed into it: move it, or at least remove it.
        if (!QFile::rename(companion, aside + QLatin1String(suffix)))
            QFile::remove(companion);
    }
    qCWarning(lcStore).noquote() << "moved damaged database" << path << "to" << aside;
    return aside;
}

void Database::releaseConnection()
{
    m_statements.clear();
    if (m_db.isValid())
        m_db.close();
    m_db = QSqlDatabase();
    if (QSqlDatabase::contains(m_connectionName))
        QSqlDatabase::removeDatabase(m_connectionName);
    m_fts5 = false;
    m_trigram = false;
}

void Database::close()
{
    // Only a connection this object made is released: the name may belong to another Database.
    if (m_db.isValid())
        releaseConnection();
    m_path.clear();
}

bool Database::isOpen() const
{
    return m_db.isValid() && m_db.isOpen();
}

QSqlDatabase Database::connection() const
{
    return m_db;
}

int Database::schemaVersion() const
{
    if (!isOpen())
        return -1;
    QSqlDatabase db = m_db;
    return SchemaMigrations::userVersion(db);
}

int Database::latestSchemaVersion()
{
    return SchemaMigrations::latestVersion();
}

QString Database::defaultPath()
{
    const QString overridden = qEnvironmentVariable("CADUCEUS_DATA_DIR");
    const QString folder =
        overridden.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) : overridden;
    return QDir(folder).filePath(QStringLiteral("caduceus.db"));
}

QSqlQuery *Database::cachedQuery(const QString &sql, QString *error)
{
    if (const auto found = m_statements.constFind(sql); found != m_statements.constEnd())
        return found->get();
    if (!isOpen()) {
        if (error)
            *error = QStringLiteral("the database is not open");
        return nullptr;
    }
    auto query = std::make_shared<QSqlQuery>(m_db);
    query->setForwardOnly(true);
    if (!query->prepare(sql)) {
        if (error)
            *error = query->lastError().text();
        return nullptr;
    }
    m_statements.insert(sql, query);
    return query.get();
}

} // namespace caduceus::store
