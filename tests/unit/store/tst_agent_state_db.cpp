// Reading the agent's state.db read-only: schema generations, compression chains, list content, odd rows
// and a database locked by the agent.
#include "store/AgentStateDb.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QSemaphore>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace caduceus::store;

namespace {

const QString ParentId = QStringLiteral("eph_lq3k9x2a_ab12cd");
const QString ChildId = QStringLiteral("eph_lq3k9x2a_ab12cd_2");

// Splits an SQL script into statements: on ';' outside quotes, with -- comments dropped.
QStringList splitSqlScript(const QString &script)
{
    QStringList statements;
    QString current;
    bool inString = false;
    for (qsizetype i = 0; i < script.size(); ++i) {
        const QChar c = script.at(i);
        if (!inString && c == QLatin1Char('-') && i + 1 < script.size() &&
            script.at(i + 1) == QLatin1Char('-')) {
            while (i < script.size() && script.at(i) != QLatin1Char('\n'))
                ++i;
            current += QLatin1Char('\n');
            continue;
        }
        if (c == QLatin1Char('\''))
            inString = !inString; // '' inside a string toggles twice: still inside
        if (!inString && c == QLatin1Char(';')) {
            if (!current.trimmed().isEmpty())
                statements << current.trimmed();
            current.clear();
            continue;
        }
        current += c;
    }
    if (!current.trimmed().isEmpty())
        statements << current.trimmed();
    return statements;
}

// Writes a state.db the way the agent would, through its own connection, then closes it.
class StateDbWriter
{
public:
    explicit StateDbWriter(const QString &path) : m_name(QStringLiteral("writer-%1").arg(++s_counter))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        m_ok = db.open();
    }
    ~StateDbWriter()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    bool exec(const QString &sql)
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        if (query.exec(sql))
            return true;
        qWarning() << "state.db statement failed:" << query.lastError().text() << sql.left(200);
        return false;
    }
    bool execScript(const QString &script)
    {
        for (const QString &statement : splitSqlScript(script)) {
            if (!exec(statement))
                return false;
        }
        return m_ok;
    }
    bool execWithValue(const QString &sql, const QVariant &value)
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        query.prepare(sql);
        query.addBindValue(value);
        if (query.exec())
            return true;
        qWarning() << "state.db statement failed:" << query.lastError().text();
        return false;
    }

private:
    static inline int s_counter = 0;
    QString m_name;
    bool m_ok = false;
};

QString fixtureScript()
{
    QFile file(QStringLiteral(CADUCEUS_FIXTURES_DIR "/agent-state-db-v22.sql"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

bool buildV22(const QString &path, bool walMode = true)
{
    StateDbWriter writer(path);
    if (!writer.execScript(fixtureScript()))
        return false;
    return walMode || writer.exec(QStringLiteral("PRAGMA journal_mode=DELETE"));
}

// An older agent: no title/active/reasoning/reasoning_content/api_content and fewer session columns.
const char *OlderSchema = R"SQL(
CREATE TABLE sessions (
  id TEXT PRIMARY KEY, source TEXT NOT NULL, user_id TEXT, model TEXT, model_config TEXT, system_prompt TEXT,
  parent_session_id TEXT, started_at REAL NOT NULL, ended_at REAL, end_reason TEXT, message_count INTEGER DEFAULT 0,
  tool_call_count INTEGER DEFAULT 0, input_tokens INTEGER DEFAULT 0, output_tokens INTEGER DEFAULT 0);
CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL REFERENCES sessions(id), role TEXT NOT NULL,
  content TEXT, tool_call_id TEXT, tool_calls TEXT, tool_name TEXT, timestamp REAL NOT NULL, token_count INTEGER,
  finish_reason TEXT);
INSERT INTO sessions (id, source, model, started_at, input_tokens, output_tokens)
  VALUES ('old_1', 'cli', 'hermes-3', 1700000000.0, 900, 120);
INSERT INTO sessions (id, source, model, started_at) VALUES ('old_2', 'api_server', 'hermes-3', 1700000500.0);
INSERT INTO messages (session_id, role, content, timestamp) VALUES ('old_1', 'user', 'List the files', 1700000000.1);
INSERT INTO messages (session_id, role, content, tool_calls, timestamp) VALUES ('old_1', 'assistant', '',
  '[{"id":"call_9","type":"function","function":{"name":"ls","arguments":"{}"}}]', 1700000000.2);
INSERT INTO messages (session_id, role, content, tool_call_id, tool_name, timestamp)
  VALUES ('old_1', 'tool', 'a.txt b.txt', 'call_9', 'ls', 1700000000.3);
INSERT INTO messages (session_id, role, content, timestamp)
  VALUES ('old_1', 'assistant', 'There are two files.', 1700000000.4);
INSERT INTO messages (session_id, role, content, timestamp) VALUES ('old_2', 'user', 'other session', 1700000500.1);
)SQL";

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

QStringList rolesOf(const QList<MessageRecord> &rows)
{
    QStringList roles;
    for (const MessageRecord &m : rows)
        roles << m.role;
    return roles;
}

// The agent, holding a write lock on its database from another thread until told (or timed) to let go.
class LockingAgent : public QThread
{
public:
    LockingAgent(const QString &path, int holdMs) : m_path(path), m_holdMs(holdMs) {}
    // A failed check returns early: the lock must still be let go before the thread object dies.
    ~LockingAgent() override
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
        const QString name = QStringLiteral("locking-agent");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(m_path);
            db.open();
            QSqlQuery query(db);
            lockTaken = query.exec(QStringLiteral("BEGIN EXCLUSIVE")) &&
                        query.exec(QStringLiteral(
                            "INSERT INTO messages (session_id, role, content, timestamp) "
                            "VALUES ('eph_lq3k9x2a_ab12cd_2', 'assistant', 'written while locked', "
                            "1764072200.0)"));
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

class TestAgentStateDb : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void fixtureSplitsIntoStatements();
    void v22TranscriptFollowsCompressionChain();
    void recordedAgentStateDb();
    void v22ParentAloneHasOnlyItsRows();
    void reasoningFallsBackToReasoningContent();
    void v22ListSessionsAndTokens();
    void olderSchemaWithoutOptionalColumns();
    void minimalSchemaWithoutSessionsTable();
    void unsupportedFilesAreRefusedClearly();
    void readingNeverWritesTheFile();
    void chainCycleIsReadOnce();
    void listContentDecoding_data();
    void listContentDecoding();
    void toolCallsDecoding();
    void oddRowsNeverCrash();
    void longFieldsAreBounded();
    void walWriterDoesNotBlockReading();
    void lockedDatabaseIsRetriedUntilReleased();
    void lockedDatabaseFailsWithinBudget();

private:
    QTemporaryDir *m_dir = nullptr;
    QString path(const QString &name) const { return m_dir->filePath(name); }
};

void TestAgentStateDb::init()
{
    m_dir = new QTemporaryDir;
    QVERIFY(m_dir->isValid());
}

void TestAgentStateDb::cleanup()
{
    delete m_dir;
    m_dir = nullptr;
}

void TestAgentStateDb::fixtureSplitsIntoStatements()
{
    const QStringList statements = splitSqlScript(fixtureScript());
    QVERIFY(statements.size() >= 12);
    QVERIFY(statements.first().startsWith(QStringLiteral("PRAGMA journal_mode")));
    // The ';' inside the quoted text of a row does not split it.
    QVERIFY(splitSqlScript(QStringLiteral("SELECT 'a;b'; SELECT 'it''s; fine'")).size() == 2);
}

// The state.db the real agent v0.19.0 wrote (tests/data/hermes-agent-0.19.0/state-db.sql): many more tables
// and columns than the hand-written fixture (async_delegations, session_model_usage, effect_disposition,
// codex_* items, compacted, api_content …), a tool call, a denied command and a stopped run.
void TestAgentStateDb::recordedAgentStateDb()
{
    QFile script(QStringLiteral(CADUCEUS_FIXTURES_DIR "/hermes-agent-0.19.0/state-db.sql"));
    QVERIFY(script.open(QIODevice::ReadOnly));
    const QString file = path(QStringLiteral("recorded.db"));
    {
        StateDbWriter writer(file);
        QVERIFY(writer.execScript(QString::fromUtf8(script.readAll())));
    }
    AgentStateDb db;
    QString error;
    QVERIFY2(db.open(file, &error), qPrintable(error));
    QVERIFY(db.hasMessageColumn(QStringLiteral("effect_disposition")));
    QVERIFY(db.hasSessionColumn(QStringLiteral("archived")));

    const QList<AgentSessionInfo> sessions = db.listSessions();
    QVERIFY2(db.lastError().isEmpty(), qPrintable(db.lastError()));
    QCOMPARE(sessions.size(), 6);
    QCOMPARE(sessions.first().id, QStringLiteral("eph_mxdvx9nu_4gcgh1")); // newest first
    QCOMPARE(sessions.first().source, QStringLiteral("api_server"));
    QCOMPARE(sessions.first().model, QStringLiteral("fake-model"));
    QVERIFY(sessions.first().title.isEmpty());
    QCOMPARE(sessions.last().id, QStringLiteral("eph_mxdvwvwh_2w8y9m"));

    // The denied command: the call, its BLOCKED result, the answer.
    const QList<MessageRecord> denied = db.messagesForSession(QStringLiteral("eph_mxdvx4vd_88nq9g"));
    QVERIFY2(db.lastError().isEmpty(), qPrintable(db.lastError()));
    QCOMPARE(rolesOf(denied), (QStringList{"user", "assistant", "tool", "assistant"}));
    QCOMPARE(denied[0].content, QStringLiteral("clean up [danger]"));
    QVERIFY(denied[1].content.isEmpty());
    QCOMPARE(denied[1].toolCalls.size(), 1);
    const QJsonObject call = denied[1].toolCalls.first().toObject();
    QCOMPARE(call.value("id").toString(), QStringLiteral("call_457905757dec455ea7ef"));
    QCOMPARE(call.value("function").toObject().value("arguments").toString(),
             QStringLiteral(R"({"command": "rm -rf /srv/scratch/danger-test-dir"})"));
    QCOMPARE(denied[2].toolCallId, QStringLiteral("call_457905757dec455ea7ef"));
    QCOMPARE(denied[2].toolName, QStringLiteral("terminal"));
    const QJsonObject result = QJsonDocument::fromJson(denied[2].content.toUtf8()).object();
    QCOMPARE(result.value("status").toString(), QStringLiteral("blocked"));
    QVERIFY(result.value("error").toString().startsWith(QStringLiteral("BLOCKED: Command denied by user.")));

    // The stopped run: the partial answer is stored without a finish reason.
    const QList<MessageRecord> stopped = db.messagesForSession(QStringLiteral("eph_mxdvx78d_1rzi4j"));
    QCOMPARE(rolesOf(stopped), (QStringList{"user", "assistant"}));
    QCOMPARE(stopped[1].content, QStringLiteral("tick 0 tick 1 tick 2 tick 3 tick 4"));

    const auto tokens = db.sessionTokens(QStringLiteral("eph_mxdvx0kh_unjwnh"));
    QVERIFY(tokens.has_value());
    QCOMPARE(tokens->inputTokens, 84);
    QCOMPARE(tokens->outputTokens, 14);
}

void TestAgentStateDb::v22TranscriptFollowsCompressionChain()
{
    const QString file = path(QStringLiteral("state.db"));
    QVERIFY(buildV22(file));
    AgentStateDb db;
    QString error;
    QVERIFY2(db.open(file, &error), qPrintable(error));
    QVERIFY(error.isEmpty());
    QVERIFY(db.hasMessageColumn(QStringLiteral("active")));
    QVERIFY(db.hasSessionColumn(QStringLiteral("parent_session_id")));

    QCOMPARE(db.sessionChain(ChildId), (QStringList{ParentId, ChildId}));
    const QList<MessageRecord> rows = db.messagesForSession(ChildId);
    QVERIFY2(db.lastError().isEmpty(), qPrintable(db.lastError()));
    // Parent rows first (the rewound draft left out), then the child's.
    QCOMPARE(rolesOf(rows),
             (QStringList{QStringLiteral("user"), QStringLiteral("assistant"), QStringLiteral("tool"),
                          QStringLiteral("user"), QStringLiteral("assistant")}));
    for (int i = 1; i < rows.size(); ++i)
        QVERIFY(rows.at(i - 1).id < rows.at(i).id);
    QCOMPARE(rows.at(0).sessionId, ParentId);
    QCOMPARE(rows.at(0).content, QStringLiteral("Please clean the build folder."));
    QCOMPARE(rows.at(0).timestamp, 1764072000.1);

    const MessageRecord &call = rows.at(1);
    QCOMPARE(call.content, QStringLiteral("I'll check the repository status first — "));
    QCOMPARE(call.reasoning, QStringLiteral("The user wants build/ removed; look before deleting."));
    QCOMPARE(call.toolCalls.size(), 1);
    const QJsonObject function =
        call.toolCalls.first().toObject().value(QStringLiteral("function")).toObject();
    QCOMPARE(call.toolCalls.first().toObject().value(QStringLiteral("id")).toString(),
             QStringLiteral("call_1"));
    QCOMPARE(function.value(QStringLiteral("name")).toString(), QStringLiteral("terminal"));
    QCOMPARE(function.value(QStringLiteral("arguments")).toString(),
             QStringLiteral("{\"command\": \"git status --short\"}"));

    const MessageRecord &tool = rows.at(2);
    QCOMPARE(tool.content, QStringLiteral(" M src/main.cpp"));
    QCOMPARE(tool.toolCallId, QStringLiteral("call_1"));
    QCOMPARE(tool.toolName, QStringLiteral("terminal"));
    QVERIFY(tool.toolCalls.isEmpty());

    // "\x00json:" list content: the apostrophe and the word None are text and survive as they are.
    QCOMPARE(rows.at(3).sessionId, ChildId);
    QCOMPARE(rows.at(3).content, QStringLiteral("It's fine, None of it matters — go on."));
    QCOMPARE(rows.at(4).content,
             QStringLiteral("Done: the build folder is gone, and the tree is clean. 清理完成。"));
    for (const MessageRecord &m : rows) {
        QCOMPARE(m.status, QStringLiteral("complete"));
        QVERIFY(!m.content.contains(QStringLiteral("rewound")));
    }
}

void TestAgentStateDb::v22ParentAloneHasOnlyItsRows()
{
    const QString file = path(QStringLiteral("state.db"));
    QVERIFY(buildV22(file));
    AgentStateDb db;
    QVERIFY(db.open(file));
    QCOMPARE(db.sessionChain(ParentId), QStringList{ParentId});
    QCOMPARE(db.messagesForSession(ParentId).size(), 3);
    QVERIFY(db.messagesForSession(QStringLiteral("eph_unknown")).isEmpty());
    QVERIFY(db.lastError().isEmpty()); // unknown is empty, not an error
}

void TestAgentStateDb::reasoningFallsBackToReasoningContent()
{
    const QString file = path(QStringLiteral("state.db"));
    QVERIFY(buildV22(file));
    {
        StateDbWriter writer(file);
        QVERIFY(writer.exec(QStringLiteral(
            "INSERT INTO messages (session_id, role, content, timestamp, reasoning_content) VALUES "
            "('eph_lq3k9x2a_ab12cd_2', 'assistant', 'after thinking', 1764072140.0, 'Provider reasoning "
            "text')")));
        QVERIFY(writer.exec(QStringLiteral(
            "INSERT INTO messages (session_id, role, content, timestamp, reasoning, reasoning_content) "
            "VALUES "
            "('eph_lq3k9x2a_ab12cd_2', 'assistant', 'both', 1764072141.0, 'preferred', 'second choice')")));
    }
    AgentStateDb db;
    QVERIFY(db.open(file));
    const QList<MessageRecord> rows = db.messagesForSession(ChildId);
    QCOMPARE(rows.size(), 7);
    QCOMPARE(rows.at(5).reasoning, QStringLiteral("Provider reasoning text"));
    QCOMPARE(rows.at(6).reasoning, QStringLiteral("preferred"));
}

void TestAgentStateDb::v22ListSessionsAndTokens()
{
    const QString file = path(QStringLiteral("state.db"));
    QVERIFY(buildV22(file));
    AgentStateDb db;
    QVERIFY(db.open(file));
    const QList<AgentSessionInfo> sessions = db.listSessions();
    QVERIFY2(db.lastError().isEmpty(), qPrintable(db.lastError()));
    QCOMPARE(sessions.size(), 2);
    QCOMPARE(sessions.at(0).id, ChildId); // newest first
    QCOMPARE(sessions.at(0).parentSessionId, ParentId);
    QCOMPARE(sessions.at(0).messageCount, 2);
    QCOMPARE(sessions.at(0).startedAt, 1764072100.5);
    QCOMPARE(sessions.at(1).id, ParentId);
    QCOMPARE(sessions.at(1).title, QStringLiteral("Clean the build"));
    QCOMPARE(sessions.at(1).model, QStringLiteral("hermes-agent"));
    QCOMPARE(sessions.at(1).source, QStringLiteral("api_server"));
    QCOMPARE(sessions.at(1).messageCount, 3); // the rewound row does not count
    QVERIFY(sessions.at(1).parentSessionId.isEmpty());
    QCOMPARE(db.listSessions(1).size(), 1);

    const std::optional<AgentTokenUsage> tokens = db.sessionTokens(ChildId);
    QVERIFY(tokens);
    QCOMPARE(tokens->inputTokens, 5123);
    QCOMPARE(tokens->outputTokens, 412);
    QVERIFY(!db.sessionTokens(QStringLiteral("eph_unknown")));
    QVERIFY(db.lastError().contains(QStringLiteral("no such session")));
}

void TestAgentStateDb::olderSchemaWithoutOptionalColumns()
{
    const QString file = path(QStringLiteral("old-state.db"));
    {
        StateDbWriter writer(file);
        QVERIFY(writer.execScript(QString::fromUtf8(OlderSchema)));
    }
    AgentStateDb db;
    QString error;
    QVERIFY2(db.open(file, &error), qPrintable(error));
    QVERIFY(!db.hasMessageColumn(QStringLiteral("active")));
    QVERIFY(!db.hasMessageColumn(QStringLiteral("reasoning")));
    QVERIFY(!db.hasSessionColumn(QStringLiteral("title")));

    const QList<MessageRecord> rows = db.messagesForSession(QStringLiteral("old_1"));
    QVERIFY2(db.lastError().isEmpty(), qPrintable(db.lastError()));
    QCOMPARE(rolesOf(rows), (QStringList{QStringLiteral("user"), QStringLiteral("assistant"),
                                         QStringLiteral("tool"), QStringLiteral("assistant")}));
    QCOMPARE(rows.at(1).toolCalls.first().toObject().value(QStringLiteral("id")).toString(),
             QStringLiteral("call_9"));
    QCOMPARE(rows.at(2).toolName, QStringLiteral("ls"));
    QCOMPARE(rows.at(3).content, QStringLiteral("There are two files."));
    QVERIFY(rows.at(3).reasoning.isEmpty());

    const QList<AgentSessionInfo> sessions = db.listSessions();
    QCOMPARE(sessions.size(), 2);
    QCOMPARE(sessions.at(0).id, QStringLiteral("old_2"));
    QVERIFY(sessions.at(0).title.isEmpty());
    QCOMPARE(sessions.at(1).messageCount, 4);
    QCOMPARE(db.sessionTokens(QStringLiteral("old_1"))->inputTokens, 900);
}

void TestAgentStateDb::minimalSchemaWithoutSessionsTable()
{
    const QString file = path(QStringLiteral("minimal.db"));
    {
        StateDbWriter writer(file);
        QVERIFY(writer.exec(QStringLiteral("CREATE TABLE messages (id INTEGER PRIMARY KEY, session_id TEXT, "
                                           "role TEXT, content TEXT, timestamp REAL)")));
        QVERIFY(writer.exec(QStringLiteral("INSERT INTO messages VALUES (1, 'm', 'user', 'hi', 1.0)")));
        QVERIFY(
            writer.exec(QStringLiteral("INSERT INTO messages VALUES (2, 'm', 'assistant', 'hello', 2.0)")));
    }
    AgentStateDb db;
    QVERIFY(db.open(file));
    const QList<MessageRecord> rows = db.messagesForSession(QStringLiteral("m"));
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(1).content, QStringLiteral("hello"));
    QCOMPARE(db.sessionChain(QStringLiteral("m")), QStringList{QStringLiteral("m")});
    QVERIFY(db.listSessions().isEmpty());
    QVERIFY(db.lastError().contains(QStringLiteral("no sessions table")));
    QVERIFY(!db.sessionTokens(QStringLiteral("m")));
    QVERIFY(db.lastError().contains(QStringLiteral("token")));
    // A failed call does not poison the next one.
    QCOMPARE(db.messagesForSession(QStringLiteral("m")).size(), 2);
    QVERIFY(db.lastError().isEmpty());
}

void TestAgentStateDb::unsupportedFilesAreRefusedClearly()
{
    AgentStateDb db;
    QString error;
    QVERIFY(!db.open(path(QStringLiteral("missing.db")), &error));
    QVERIFY2(error.contains(QStringLiteral("does not exist")), qPrintable(error));
    QVERIFY(!db.isOpen());

    const QString garbage = path(QStringLiteral("garbage.db"));
    {
        QFile file(garbage);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(8192, 'g'));
    }
    const QByteArray before = fileHash(garbage);
    QVERIFY(!db.open(garbage, &error));
    QVERIFY(!error.isEmpty());
    QCOMPARE(fileHash(garbage), before);

    const QString noContent = path(QStringLiteral("nocontent.db"));
    {
        StateDbWriter writer(noContent);
        QVERIFY(writer.exec(
            QStringLiteral("CREATE TABLE messages (id INTEGER PRIMARY KEY, session_id TEXT, role TEXT, "
                           "body TEXT, timestamp REAL)")));
    }
    QVERIFY(!db.open(noContent, &error));
    QVERIFY2(error.contains(QStringLiteral("\"content\"")), qPrintable(error));

    const QString otherDb = path(QStringLiteral("other.db"));
    {
        StateDbWriter writer(otherDb);
        QVERIFY(writer.exec(QStringLiteral("CREATE TABLE notes (id INTEGER)")));
    }
    QVERIFY(!db.open(otherDb, &error));
    QVERIFY2(error.contains(QStringLiteral("no messages table")), qPrintable(error));

    // Reads on a closed reader are errors, not crashes.
    QVERIFY(db.messagesForSession(QStringLiteral("x")).isEmpty());
    QVERIFY(db.lastError().contains(QStringLiteral("not open")));
}

void TestAgentStateDb::readingNeverWritesTheFile()
{
    const QString file = path(QStringLiteral("state.db"));
    QVERIFY(buildV22(file, false));
    const QByteArray before = fileHash(file);
    {
        AgentStateDb db;
        QVERIFY(db.open(file));
        QCOMPARE(db.messagesForSession(ChildId).size(), 5);
        db.listSessions();
        db.sessionTokens(ChildId);
    }
    QCOMPARE(fileHash(file), before);
    QVERIFY(!QFile::exists(file + QStringLiteral("-journal")));
}

void TestAgentStateDb::chainCycleIsReadOnce()
{
    const QString file = path(QStringLiteral("state.db"));
    QVERIFY(buildV22(file));
    {
        StateDbWriter writer(file);
        // A damaged file where the parent points back at its child.
        QVERIFY(writer.exec(QStringLiteral("UPDATE sessions SET parent_session_id = 'eph_lq3k9x2a_ab12cd_2' "
                                           "WHERE id = 'eph_lq3k9x2a_ab12cd'")));
    }
    AgentStateDb db;
    QVERIFY(db.open(file));
    QCOMPARE(db.sessionChain(ChildId), (QStringList{ParentId, ChildId}));
    QCOMPARE(db.messagesForSession(ChildId).size(), 5);
    QCOMPARE(db.sessionChain(ParentId), (QStringList{ChildId, ParentId}));
    const std::optional<AgentTokenUsage> tokens = db.sessionTokens(ParentId);
    QVERIFY(tokens);
    QCOMPARE(tokens->inputTokens, 5123);
}

void TestAgentStateDb::listContentDecoding_data()
{
    QTest::addColumn<QString>("stored");
    QTest::addColumn<QString>("expected");
    const QString p = QString(QChar(0)) + QStringLiteral("json:");
    QTest::newRow("plain text") << QStringLiteral("just text") << QStringLiteral("just text");
    QTest::newRow("text block") << p + QStringLiteral(
                                           R"([{"type":"text","text":"It's fine, None of it matters"}])")
                                << QStringLiteral("It's fine, None of it matters");
    QTest::newRow("text and image")
        << p + QStringLiteral(
                   R"([{"type":"text","text":"Look:"},{"type":"image","name":"s.png","path":"/tmp/s.png"}])")
        << QStringLiteral("Look:\n[Image: /tmp/s.png]");
    QTest::newRow("file") << p + QStringLiteral(R"([{"type":"file","name":"a.pdf","path":"/docs/a.pdf"}])")
                          << QStringLiteral("[File: /docs/a.pdf]");
    QTest::newRow("openai image_url with data")
        << p + QStringLiteral(
                   R"([{"type":"text","text":"see"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}])")
        << QStringLiteral("see\n[Image: inline data]");
    QTest::newRow("unknown block kinds skipped")
        << p + QStringLiteral(R"([{"type":"thinking","thinking":"x"},{"type":"text","text":"answer"}])")
        << QStringLiteral("answer");
    QTest::newRow("malformed json") << p + QStringLiteral("[{\"type\":\"text\"")
                                    << QStringLiteral("[{\"type\":\"text\"");
    QTest::newRow("empty list") << p + QStringLiteral("[]") << QString();
    QTest::newRow("nul not followed by json")
        << QString(QChar(0)) + QStringLiteral("other") << QString(QChar(0)) + QStringLiteral("other");
}

void TestAgentStateDb::listContentDecoding()
{
    QFETCH(QString, stored);
    QFETCH(QString, expected);
    QCOMPARE(AgentStateDb::decodeContent(stored), expected);

    // The same through a real row.
    const QString file = path(QStringLiteral("state.db"));
    QVERIFY(buildV22(file));
    {
        StateDbWriter writer(file);
        QVERIFY(
            writer.execWithValue(QStringLiteral("INSERT INTO messages (session_id, role, content, timestamp) "
                                                "VALUES ('probe', 'user', ?, 1.0)"),
                                 stored));
    }
    AgentStateDb db;
    QVERIFY(db.open(file));
    const QList<MessageRecord> rows = db.messagesForSession(QStringLiteral("probe"));
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().content, expected);
}

void TestAgentStateDb::toolCallsDecoding()
{
    const QString call =
        QStringLiteral(R"([{"id":"c1","type":"function","function":{"name":"t","arguments":"{}"}}])");
    QCOMPARE(AgentStateDb::decodeToolCalls(call).size(), 1);
    // Stored as a JSON string holding the JSON text.
    const QString twice =
        QString::fromUtf8(QJsonDocument(QJsonArray{call}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
    QCOMPARE(AgentStateDb::decodeToolCalls(twice), AgentStateDb::decodeToolCalls(call));
    QCOMPARE(AgentStateDb::decodeToolCalls(QStringLiteral(R"({"id":"single"})")).size(), 1);
    QVERIFY(AgentStateDb::decodeToolCalls(QStringLiteral("not json")).isEmpty());
    QVERIFY(AgentStateDb::decodeToolCalls(QStringLiteral("[{\"id\":")).isEmpty());
    QVERIFY(AgentStateDb::decodeToolCalls(QStringLiteral("42")).isEmpty());
    QVERIFY(AgentStateDb::decodeToolCalls(QString()).isEmpty());
}

void TestAgentStateDb::oddRowsNeverCrash()
{
    const QString file = path(QStringLiteral("state.db"));
    QVERIFY(buildV22(file));
    {
        StateDbWriter writer(file);
        const QString insert =
            QStringLiteral("INSERT INTO messages (session_id, role, content, tool_calls, timestamp) "
                           "VALUES ('odd', 'assistant', %1, %2, %3)");
        QVERIFY(writer.exec(insert.arg(QStringLiteral("NULL"), QStringLiteral("NULL"), QStringLiteral("1"))));
        QVERIFY(
            writer.exec(insert.arg(QStringLiteral("42"), QStringLiteral("'{broken'"), QStringLiteral("2"))));
        QVERIFY(writer.exec(
            insert.arg(QStringLiteral("x'41ff00fe42'"), QStringLiteral("x'00'"), QStringLiteral("3"))));
        QVERIFY(writer.exec(
            insert.arg(QStringLiteral("char(0)"), QStringLiteral("'[]'"), QStringLiteral("'not a time'"))));
        QVERIFY(writer.exec(insert.arg(QStringLiteral("char(0) || 'json:' || char(0)"),
                                       QStringLiteral("'null'"), QStringLiteral("4"))));
        QVERIFY(writer.exec(
            QStringLiteral("INSERT INTO messages (session_id, role, content, timestamp, active) "
                           "VALUES ('odd', 'assistant', 'inactive as NULL counts as active', 5, NULL)")));
    }
    AgentStateDb db;
    QVERIFY(db.open(file));
    const QList<MessageRecord> rows = db.messagesForSession(QStringLiteral("odd"));
    QVERIFY2(db.lastError().isEmpty(), qPrintable(db.lastError()));
    QCOMPARE(rows.size(), 6);
    QCOMPARE(rows.at(0).content, QString());
    QCOMPARE(rows.at(1).content, QStringLiteral("42"));
    QVERIFY(rows.at(1).toolCalls.isEmpty());
    QVERIFY(rows.at(2).content.startsWith(QLatin1Char('A')));
    QVERIFY(rows.at(2).content.endsWith(QLatin1Char('B')));
    QCOMPARE(rows.at(3).timestamp, 0.0);
    QCOMPARE(rows.at(5).content, QStringLiteral("inactive as NULL counts as active"));
}

void TestAgentStateDb::longFieldsAreBounded()
{
    const QString file = path(QStringLiteral("state.db"));
    QVERIFY(buildV22(file));
    const QString cjk = QString(3000, QChar(0x6E05)); // 清, three UTF-8 bytes each
    const QString longText = QString(5 * 1024 * 1024, QLatin1Char('a'));
    {
        StateDbWriter writer(file);
        QVERIFY(
            writer.execWithValue(QStringLiteral("INSERT INTO messages (session_id, role, content, timestamp) "
                                                "VALUES ('long', 'assistant', ?, 1.0)"),
                                 cjk));
        QVERIFY(
            writer.execWithValue(QStringLiteral("INSERT INTO messages (session_id, role, content, timestamp) "
                                                "VALUES ('huge', 'tool', ?, 1.0)"),
                                 longText));
    }
    AgentStateDb db;
    QVERIFY(db.open(file));
    QCOMPARE(db.maxFieldBytes(), AgentStateDb::DefaultMaxFieldBytes);
    const QList<MessageRecord> huge = db.messagesForSession(QStringLiteral("huge"));
    QCOMPARE(huge.size(), 1);
    QVERIFY(huge.first().content.size() < 4 * 1024 * 1024 + 100);
    QVERIFY(huge.first().content.contains(QStringLiteral("cut: longer than 4096 KiB")));

    db.setMaxFieldBytes(1024);
    QCOMPARE(db.messagesForSession(QStringLiteral("long")).first().content.size(), 341 + 1 + 26);
    const QString cut = db.messagesForSession(QStringLiteral("long")).first().content;
    QVERIFY(cut.startsWith(QString(341, QChar(0x6E05)) + QLatin1Char('\n')));
    QVERIFY(!cut.contains(QChar(QChar::ReplacementCharacter)));
    // Fields that fit are untouched.
    QCOMPARE(db.messagesForSession(ChildId).at(4).content,
             QStringLiteral("Done: the build folder is gone, and the tree is clean. 清理完成。"));
}

void TestAgentStateDb::walWriterDoesNotBlockReading()
{
    const QString file = path(QStringLiteral("state.db"));
    QVERIFY(buildV22(file, true));
    AgentStateDb db;
    QVERIFY(db.open(file));
    LockingAgent agent(file, 10000);
    agent.start();
    agent.locked.acquire();
    QVERIFY(agent.lockTaken);
    QElapsedTimer timer;
    timer.start();
    const QList<MessageRecord> rows = db.messagesForSession(ChildId);
    const qint64 elapsed = timer.elapsed();
    agent.letGo.release();
    QVERIFY(agent.wait(5000));
    QVERIFY2(db.lastError().isEmpty(), qPrintable(db.lastError()));
    // WAL readers see the last commit at once, without the uncommitted row.
    QCOMPARE(rows.size(), 5);
    QVERIFY2(elapsed < 1000, qPrintable(QString::number(elapsed)));
    QCOMPARE(db.messagesForSession(ChildId).size(), 6);
}

void TestAgentStateDb::lockedDatabaseIsRetriedUntilReleased()
{
    const QString file = path(QStringLiteral("state.db"));
    QVERIFY(buildV22(file, false)); // rollback journal: a writer's exclusive lock blocks readers
    AgentStateDb db;
    QVERIFY(db.open(file));
    db.setBusyBudgetMs(8000);
    LockingAgent agent(file, 400);
    agent.start();
    agent.locked.acquire();
    QVERIFY(agent.lockTaken);

    QElapsedTimer timer;
    timer.start();
    const QList<MessageRecord> rows = db.messagesForSession(ChildId);
    const qint64 elapsed = timer.elapsed();
    QVERIFY(agent.wait(5000));
    QVERIFY2(db.lastError().isEmpty(), qPrintable(db.lastError()));
    // It waited for the agent and then read what the agent committed.
    QVERIFY2(elapsed >= 250, qPrintable(QString::number(elapsed)));
    QCOMPARE(rows.size(), 6);
    QCOMPARE(rows.last().content, QStringLiteral("written while locked"));
}

void TestAgentStateDb::lockedDatabaseFailsWithinBudget()
{
    const QString file = path(QStringLiteral("state.db"));
    QVERIFY(buildV22(file, false));
    AgentStateDb db;
    QVERIFY(db.open(file));
    db.setBusyBudgetMs(500);
    LockingAgent agent(file, 30000);
    agent.start();
    agent.locked.acquire();
    QVERIFY(agent.lockTaken);

    QElapsedTimer timer;
    timer.start();
    const QList<MessageRecord> rows = db.messagesForSession(ChildId);
    const qint64 elapsed = timer.elapsed();
    QVERIFY(rows.isEmpty());
    QVERIFY2(db.lastError().contains(QStringLiteral("locked")), qPrintable(db.lastError()));
    QVERIFY2(elapsed >= 400 && elapsed < 3000, qPrintable(QString::number(elapsed)));

    // Opening while the agent holds the lock fails the same bounded way.
    AgentStateDb second;
    second.setBusyBudgetMs(300);
    QString error;
    timer.restart();
    QVERIFY(!second.open(file, &error));
    QVERIFY2(error.contains(QStringLiteral("locked")), qPrintable(error));
    QVERIFY(timer.elapsed() < 3000);

    agent.letGo.release();
    QVERIFY(agent.wait(5000));
    QCOMPARE(db.messagesForSession(ChildId).size(), 6);
    QVERIFY(db.lastError().isEmpty());
}

QTEST_GUILESS_MAIN(TestAgentStateDb)
#include "tst_agent_state_db.moc"
