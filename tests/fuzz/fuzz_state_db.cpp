// The reader of the agent's state.db (SPEC 6): the row decoders (list content "\x00json:…", tool_calls in
// any of their shapes), and whole reads through AgentStateDb of rows and session chains made from the
// input — invalid UTF-8, huge fields, parent cycles — or of a damaged database file. Nothing the agent (or
// a corrupt file) puts in that database may crash Caduceus or make it read without bound.
//
// Input: a mode byte at the end. Mode 0/1: records separated by \x1e, fields by \x1f:
//   session_id \x1f parent_session_id \x1f role \x1f content \x1f tool_calls \x1f reasoning \x1f active
// read against the full v22 schema (0) or the minimal one (1). Mode 2: the bytes are the database file.
#include "FuzzCheck.h"
#include "FuzzInput.h"
#include "store/AgentStateDb.h"
#include "store/ContentText.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <cstdlib>
#include <memory>

using caduceus::fuzz::FuzzInput;
using caduceus::store::AgentStateDb;
using caduceus::store::ContentText;

namespace {

const char *const FullSchema = R"sql(
CREATE TABLE sessions (id TEXT PRIMARY KEY, source TEXT NOT NULL DEFAULT 'api_server', model TEXT,
  parent_session_id TEXT, started_at REAL NOT NULL DEFAULT 0, message_count INTEGER DEFAULT 0,
  input_tokens INTEGER DEFAULT 0, output_tokens INTEGER DEFAULT 0, title TEXT);
CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, role TEXT NOT NULL,
  content TEXT, tool_call_id TEXT, tool_calls TEXT, tool_name TEXT, timestamp REAL NOT NULL DEFAULT 0,
  reasoning TEXT, reasoning_content TEXT, active INTEGER DEFAULT 1);
)sql";

const char *const MinimalSchema = R"sql(
CREATE TABLE sessions (id TEXT PRIMARY KEY);
CREATE TABLE messages (id INTEGER PRIMARY KEY, session_id TEXT, role TEXT, content TEXT, timestamp REAL);
)sql";

struct Fixture
{
    QString folder;
    QString paths[2];
    QString writers[2];
    std::unique_ptr<AgentStateDb> readers[2];
    QString rawPath;
};

Fixture *g_fixture = nullptr;

void removeFixture()
{
    if (!g_fixture)
        return;
    for (auto &reader : g_fixture->readers)
        reader.reset();
    for (const QString &writer : g_fixture->writers)
        QSqlDatabase::removeDatabase(writer);
    QDir(g_fixture->folder).removeRecursively();
}

bool exec(QSqlDatabase &db, const QString &sql)
{
    QSqlQuery query(db);
    return query.exec(sql);
}

void createDatabase(int index, const char *schema)
{
    Fixture &f = *g_fixture;
    f.paths[index] = f.folder + QStringLiteral("/state-%1.db").arg(index);
    f.writers[index] = QStringLiteral("fuzz-writer-%1").arg(index);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), f.writers[index]);
    db.setDatabaseName(f.paths[index]);
    if (!db.open())
        qFatal("fuzz_state_db: cannot create %s: %s", qPrintable(f.paths[index]),
               qPrintable(db.lastError().text()));
    exec(db, QStringLiteral("PRAGMA journal_mode=WAL"));
    exec(db, QStringLiteral("PRAGMA synchronous=OFF"));
    for (const QString &statement : QString::fromLatin1(schema).split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        if (!statement.trimmed().isEmpty() && !exec(db, statement))
            qFatal("fuzz_state_db: schema statement failed");
    }
    f.readers[index] = std::make_unique<AgentStateDb>();
    f.readers[index]->setBusyBudgetMs(0);
    f.readers[index]->setMaxFieldBytes(1024); // the smallest bound: the cut path is reached by short inputs
    QString error;
    if (!f.readers[index]->open(f.paths[index], &error))
        qFatal("fuzz_state_db: cannot open the reader: %s", qPrintable(error));
}

void fillDatabase(int index, FuzzInput &input, QStringList *sessionIds)
{
    QSqlDatabase db = QSqlDatabase::database(g_fixture->writers[index]);
    db.transaction();
    exec(db, QStringLiteral("DELETE FROM messages"));
    exec(db, QStringLiteral("DELETE FROM sessions"));
    const bool full = index == 0;
    QSqlQuery session(db);
    session.prepare(
        full ? QStringLiteral("INSERT OR IGNORE INTO sessions (id, parent_session_id, input_tokens) "
                              "VALUES (?, ?, ?)")
             : QStringLiteral("INSERT OR IGNORE INTO sessions (id) VALUES (?)"));
    QSqlQuery message(db);
    message.prepare(
        full ? QStringLiteral("INSERT INTO messages (session_id, role, content, tool_calls, "
                              "reasoning, active) VALUES (?, ?, ?, ?, ?, ?)")
             : QStringLiteral("INSERT INTO messages (session_id, role, content) VALUES (?, ?, ?)"));
    const bool asBlobs = input.takeBool(); // BLOBs keep invalid UTF-8 exactly as given
    auto bound = [asBlobs](const QByteArray &bytes) {
        return asBlobs ? QVariant(bytes) : QVariant(QString::fromUtf8(bytes));
    };
    for (int record = 0; record < 64 && !input.empty(); ++record) {
        const QByteArray line = input.takeUntil('\x1e');
        const QList<QByteArray> parts = line.split('\x1f');
        const QByteArray sessionId = parts.value(0);
        sessionIds->append(QString::fromUtf8(sessionId));
        session.bindValue(0, bound(sessionId));
        if (full) {
            session.bindValue(1, parts.size() > 1 ? bound(parts[1]) : QVariant());
            session.bindValue(2, parts.value(6).size());
        }
        session.exec();
        message.bindValue(0, bound(sessionId));
        message.bindValue(1, bound(parts.value(2)));
        message.bindValue(2, bound(parts.value(3)));
        if (full) {
            message.bindValue(3, bound(parts.value(4)));
            message.bindValue(4, bound(parts.value(5)));
            message.bindValue(5, parts.value(6).isEmpty() ? 1 : int(parts.value(6).at(0)) & 1);
        }
        message.exec();
    }
    db.commit();
}

void readAll(AgentStateDb &reader, const QStringList &sessionIds)
{
    for (const QString &id : sessionIds.mid(0, 4)) {
        const QStringList chain = reader.sessionChain(id);
        FUZZ_CHECK(chain.size() <= AgentStateDb::MaxChainLength, "a session chain longer than the limit");
        const auto messages = reader.messagesForSession(id);
        FUZZ_CHECK(messages.size() <= AgentStateDb::MaxTranscriptRows, "more rows than the limit");
        for (const auto &m : messages) {
            // The bound is in UTF-8 bytes; one cut marker may follow it.
            FUZZ_CHECK(m.content.toUtf8().size() <= 2 * reader.maxFieldBytes() + 64,
                       "a field above its bound");
            FUZZ_CHECK(m.reasoning.toUtf8().size() <= reader.maxFieldBytes() + 64,
                       "reasoning above its bound");
        }
        (void)reader.sessionTokens(id);
    }
    (void)reader.listSessions(16);
}

void decodeRow(const QByteArray &bytes)
{
    const QString stored = QString::fromUtf8(bytes);
    (void)AgentStateDb::decodeContent(stored);
    (void)AgentStateDb::decodeContent(QStringLiteral("\u0000json:") + stored);
    (void)AgentStateDb::decodeToolCalls(stored);
    (void)ContentText::fromStoredBlocks(stored);
    (void)ContentText::oneLine(stored, 80);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static QCoreApplication *app = new QCoreApplication(*argc, *argv);
    (void)app;
    // SQLite and the reader log every damaged file they meet; a fuzzer meets thousands.
    QLoggingCategory::setFilterRules(QStringLiteral("*.warning=false\n*.info=false\n*.debug=false"));
    g_fixture = new Fixture;
    // In memory when the system has a tmpfs: every input writes the database files.
    const QString base =
        QFileInfo(QStringLiteral("/dev/shm")).isWritable() ? QStringLiteral("/dev/shm") : QDir::tempPath();
    g_fixture->folder =
        base + QStringLiteral("/caduceus-fuzz-state-db-%1").arg(QCoreApplication::applicationPid());
    QDir().mkpath(g_fixture->folder);
    g_fixture->rawPath = g_fixture->folder + QStringLiteral("/raw.db");
    createDatabase(0, FullSchema);
    createDatabase(1, MinimalSchema);
    std::atexit(removeFixture);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzInput input(data, size);
    const int mode = input.takeBelow(3);
    if (mode == 2) {
        const QByteArray bytes = input.takeRest();
        QFile file(g_fixture->rawPath);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return 0;
        file.write(bytes);
        file.close();
        QFile::remove(g_fixture->rawPath + QStringLiteral("-wal"));
        QFile::remove(g_fixture->rawPath + QStringLiteral("-shm"));
        AgentStateDb reader;
        reader.setBusyBudgetMs(0);
        reader.setMaxFieldBytes(1024);
        QString error;
        if (reader.open(g_fixture->rawPath, &error)) {
            const auto sessions = reader.listSessions(8);
            QStringList ids;
            for (const auto &s : sessions)
                ids << s.id;
            ids << QStringLiteral("eph_lq3k9x2a_ab12cd_2");
            readAll(reader, ids);
        } else {
            FUZZ_CHECK(!error.isEmpty(), "a database that cannot be read gives no reason");
        }
        return 0;
    }
    decodeRow(QByteArray(reinterpret_cast<const char *>(data), qsizetype(input.remaining())));
    QStringList sessionIds;
    fillDatabase(mode, input, &sessionIds);
    readAll(*g_fixture->readers[mode], sessionIds);
    return 0;
}
