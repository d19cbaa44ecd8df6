// Transcript sync from the agent's state.db (SPEC 6) when the agent offers no transcript API: fixture
// databases of two schema generations built here, compression chains, "\x00json:" content, rewound rows,
// a database locked by the agent (the read waits on a worker thread; the event loop keeps running), and
// the session's own profile only.
#include "AgentStateFixture.h"
#include "chat/SessionManager.h"
#include "chat/TranscriptMerger.h"
#include "hermes/HermesClient.h"
#include "store/Database.h"
#include "store/SessionStore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QSemaphore>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace caduceus;
using store::MessageRecord;

namespace {

QString v22Fixture()
{
    QFile file(QStringLiteral(CADUCEUS_FIXTURES_DIR "/agent-state-db-v22.sql"));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

QString recordedStateDb()
{
    QFile file(QStringLiteral(CADUCEUS_FIXTURES_DIR "/hermes-agent-0.19.0/state-db.sql"));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

// An older agent (see the file): no active / reasoning / title columns, "\x00json:" list content, a chain.
QString olderGeneration()
{
    QFile file(QStringLiteral(CADUCEUS_TEST_DATA_DIR "/agent-state-older.sql"));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

// Holds the agent's write lock from another thread (rollback journal: readers are refused meanwhile).
class LockingAgent : public QThread
{
public:
    LockingAgent(const QString &path, int holdMs) : m_path(path), m_holdMs(holdMs) {}
    ~LockingAgent() override
    {
        letGo.release();
        wait();
    }
    QSemaphore locked;
    QSemaphore letGo;

protected:
    void run() override
    {
        const QString name = QStringLiteral("locking-agent");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(m_path);
            db.open();
            QSqlQuery query(db);
            query.exec(QStringLiteral("BEGIN EXCLUSIVE"));
            query.exec(QStringLiteral("INSERT INTO messages (session_id, role, content, timestamp) VALUES "
                                      "('elsewhere', 'user', 'written while locked', 1764072200.0)"));
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

QStringList rolesOf(const QList<MessageRecord> &rows)
{
    QStringList roles;
    for (const MessageRecord &m : rows)
        roles << m.role;
    return roles;
}

} // namespace

class TestTranscriptSync : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_serial = 0;
    QNetworkAccessManager m_nam;
    std::unique_ptr<store::Database> m_db;
    std::unique_ptr<store::SessionStore> m_store;
    std::unique_ptr<chat::SessionManager> m_manager;
    QUrl m_closedPort;

    // An agent endpoint that answers nothing (so no transcript API): the sync falls back to state.db.
    void useAgent(const QString &profile, const QString &stateDbPath)
    {
        hermes::AgentEndpoint endpoint;
        endpoint.baseUrl = m_closedPort;
        endpoint.profile = profile;
        endpoint.stateDbPath = stateDbPath;
        m_manager->setAgent(endpoint);
    }

    MessageRecord add(const QString &role, const QString &content, const QString &runId,
                      const QJsonObject &extra = {}, const QString &reasoning = {},
                      const QString &toolName = {})
    {
        MessageRecord m;
        m.sessionId = QStringLiteral("s1");
        m.role = role;
        m.content = content;
        m.runId = runId;
        m.extra = extra;
        m.reasoning = reasoning;
        m.toolName = toolName;
        m_store->appendMessage(m);
        return m;
    }

    void createSession(const QString &profile)
    {
        store::SessionRecord s;
        s.id = QStringLiteral("s1");
        s.profile = profile;
        QVERIFY(m_store->createSession(s));
    }

    // What the stream left of the fixture's run: text, one tool with its preview and duration, the answer.
    void streamV22Run()
    {
        add(QStringLiteral("user"), QStringLiteral("Please clean the build folder."),
            QStringLiteral("run_A"));
        add(QStringLiteral("assistant"), QStringLiteral("I'll check the repository status first — "),
            QStringLiteral("run_A"), QJsonObject{{"reasoning_duration", 1.5}});
        add(QStringLiteral("tool"), QString(), QStringLiteral("run_A"),
            QJsonObject{
                {"tool_preview", "git status --short"}, {"tool_status", "done"}, {"tool_duration", 0.412}},
            {}, QStringLiteral("terminal"));
        add(QStringLiteral("assistant"),
            QStringLiteral("Done: the build folder is gone, and the tree is clean. 清理完成。"),
            QStringLiteral("run_A"));
    }

    QList<MessageRecord> runRows(const QString &runId)
    {
        QList<MessageRecord> out;
        for (const MessageRecord &m : m_store->messages(QStringLiteral("s1"))) {
            if (m.runId == runId && m.role != QLatin1String("user"))
                out << m;
        }
        return out;
    }

    chat::TranscriptSync *newSync(const QString &runId, const QString &agentSessionId, const QString &profile)
    {
        return new chat::TranscriptSync(m_manager.get(), QStringLiteral("s1"), runId, agentSessionId, profile,
                                        m_manager->client(profile), m_manager.get());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        m_closedPort = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(probe.serverPort()));
    }

    void init()
    {
        m_db = std::make_unique<store::Database>(QStringLiteral("sync-%1").arg(++m_serial));
        const auto opened = m_db->open(m_dir.filePath(QStringLiteral("caduceus-%1.db").arg(m_serial)));
        QVERIFY2(opened.ok, qPrintable(opened.error));
        m_store = std::make_unique<store::SessionStore>(*m_db);
        m_manager = std::make_unique<chat::SessionManager>(m_store.get(), &m_nam);
    }

    void cleanup()
    {
        m_manager.reset();
        m_store.reset();
        m_db.reset();
    }

    void newerSchemaFollowsChainAndKeepsWhatOnlyTheStreamKnew()
    {
        const QString path = m_dir.filePath(QStringLiteral("v22-%1.db").arg(m_serial));
        QVERIFY(test::writeAgentStateDb(path, v22Fixture(), QStringLiteral("WAL")));
        useAgent(QStringLiteral("default"), path);
        createSession(QStringLiteral("default"));
        streamV22Run();

        // The run's agent session is the child; the run's rows start in its compressed parent.
        chat::TranscriptSync *sync = newSync(QStringLiteral("run_A"), QStringLiteral("eph_lq3k9x2a_ab12cd_2"),
                                             QStringLiteral("default"));
        QSignalSpy finished(sync, &chat::TranscriptSync::finished);
        sync->start(10000);
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));

        const QList<MessageRecord> rows = runRows(QStringLiteral("run_A"));
        QCOMPARE(rolesOf(rows), (QStringList{"assistant", "tool", "assistant"}));
        // Tool call with arguments and the real reasoning, from state.db; the stream's timing kept.
        QCOMPARE(rows[0].toolCalls.size(), 1);
        QCOMPARE(rows[0].toolCalls[0].toObject().value("id").toString(), QStringLiteral("call_1"));
        QCOMPARE(rows[0].reasoning, QStringLiteral("The user wants build/ removed; look before deleting."));
        QCOMPARE(rows[0].extra.value("reasoning_duration").toDouble(), 1.5);
        // The tool row has its result, its call's arguments, and the preview/duration the stream saw.
        QCOMPARE(rows[1].content, QStringLiteral(" M src/main.cpp"));
        QCOMPARE(rows[1].toolCallId, QStringLiteral("call_1"));
        QCOMPARE(rows[1].toolName, QStringLiteral("terminal"));
        QCOMPARE(rows[1].extra.value("tool_arguments").toString(),
                 QStringLiteral("{\"command\": \"git status --short\"}"));
        QCOMPARE(rows[1].extra.value("tool_preview").toString(), QStringLiteral("git status --short"));
        QCOMPARE(rows[1].extra.value("tool_duration").toDouble(), 0.412);
        QCOMPARE(rows[2].content,
                 QStringLiteral("Done: the build folder is gone, and the tree is clean. 清理完成。"));
        // The rewound draft (active = 0) never appears.
        for (const MessageRecord &m : m_store->messages(QStringLiteral("s1")))
            QVERIFY(!m.content.contains(QStringLiteral("rewound")));
        // The agent session was queued for deletion.
        QCOMPARE(m_store->dueAgentDeletes(1e12).first().agentSessionId,
                 QStringLiteral("eph_lq3k9x2a_ab12cd_2"));
    }

    void syncOfAnUnchangedRunWritesNothing()
    {
        const QString path = m_dir.filePath(QStringLiteral("same-%1.db").arg(m_serial));
        QVERIFY(test::writeAgentStateDb(path, v22Fixture(), QStringLiteral("WAL")));
        useAgent(QStringLiteral("default"), path);
        createSession(QStringLiteral("default"));
        streamV22Run();

        QList<qint64> ids;
        for (int round = 0; round < 2; ++round) {
            chat::TranscriptSync *sync = newSync(QStringLiteral("run_A"), QStringLiteral("eph_lq3k9x2a_ab12cd_2"),
                                                 QStringLiteral("default"));
            QSignalSpy finished(sync, &chat::TranscriptSync::finished);
            sync->start(10000);
            QVERIFY(finished.wait(10000));
            QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
            // The first sync adds what only the agent knew (tool calls, results); the second finds the
            // stored rows already saying what the agent says and leaves them alone.
            QCOMPARE(sync->changedRows(), round == 0);
            QList<qint64> now;
            for (const MessageRecord &m : runRows(QStringLiteral("run_A")))
                now << m.id;
            QCOMPARE(now.size(), 3);
            if (round == 1)
                QCOMPARE(now, ids);
            ids = now;
        }
    }

    void olderSchemaDecodesListContentAndPairsStreamedReasoning()
    {
        const QString path = m_dir.filePath(QStringLiteral("old-%1.db").arg(m_serial));
        QVERIFY(test::writeAgentStateDb(path, olderGeneration(), QStringLiteral("DELETE")));
        useAgent(QStringLiteral("default"), path);
        createSession(QStringLiteral("default"));
        add(QStringLiteral("user"), QStringLiteral("List the files"), QStringLiteral("run_B"));
        // The first model call only thought and asked for a tool: the stream has reasoning, no text.
        add(QStringLiteral("assistant"), QString(), QStringLiteral("run_B"), {},
            QStringLiteral("I should list the directory."));
        add(QStringLiteral("tool"), QString(), QStringLiteral("run_B"),
            QJsonObject{{"tool_preview", "."}, {"tool_status", "done"}}, {}, QStringLiteral("ls"));
        add(QStringLiteral("notice"), QStringLiteral("Allowed once"), QStringLiteral("run_B"),
            QJsonObject{{"approval_choice", "once"}});
        add(QStringLiteral("assistant"), QStringLiteral("There are two files: a.txt and b.txt."),
            QStringLiteral("run_B"), {}, QStringLiteral("Both are small."));

        chat::TranscriptSync *sync =
            newSync(QStringLiteral("run_B"), QStringLiteral("eph_old_1"), QStringLiteral("default"));
        QSignalSpy finished(sync, &chat::TranscriptSync::finished);
        sync->start(10000);
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));

        const QList<MessageRecord> rows = runRows(QStringLiteral("run_B"));
        // The approval's outcome stays at the tool it decided, not after the answer that followed.
        QCOMPARE(rolesOf(rows), (QStringList{"assistant", "tool", "notice", "assistant"}));
        // No reasoning column: the streamed reasoning stays with the model call it belongs to.
        QCOMPARE(rows[0].reasoning, QStringLiteral("I should list the directory."));
        QCOMPARE(rows[0].toolCalls.size(), 1);
        // tool_name was NULL: named after its call.
        QCOMPARE(rows[1].toolName, QStringLiteral("ls"));
        QCOMPARE(rows[1].content, QStringLiteral("a.txt b.txt"));
        QCOMPARE(rows[1].extra.value("tool_preview").toString(), QStringLiteral("."));
        // "\x00json:" list content decoded to its text.
        QCOMPARE(rows[3].content, QStringLiteral("There are two files: a.txt and b.txt."));
        QCOMPARE(rows[3].reasoning, QStringLiteral("Both are small."));
        QCOMPARE(rows[2].content, QStringLiteral("Allowed once"));
    }

    // The state.db the real agent v0.19.0 wrote (tests/data/hermes-agent-0.19.0/state-db.sql, many more
    // tables and columns than the hand-written fixture), for a run whose command the user denied. The stream
    // said only "error": true; the agent's row says BLOCKED. Rows as an earlier Caduceus stored them: the
    // outcome as a notice after the tool.
    void recordedAgentDbMarksTheDeniedCommand()
    {
        const QString path = m_dir.filePath(QStringLiteral("recorded-%1.db").arg(m_serial));
        QVERIFY(test::writeAgentStateDb(path, recordedStateDb(), QStringLiteral("WAL")));
        useAgent(QStringLiteral("default"), path);
        createSession(QStringLiteral("default"));
        add(QStringLiteral("user"), QStringLiteral("clean up [danger]"), QStringLiteral("run_D"));
        add(QStringLiteral("tool"), QString(), QStringLiteral("run_D"),
            QJsonObject{{"tool_preview", "rm -rf /srv/scratch/danger-test-dir"},
                        {"tool_status", "error"},
                        {"tool_duration", 0.511}},
            {}, QStringLiteral("terminal"));
        add(QStringLiteral("notice"), QStringLiteral("Denied"), QStringLiteral("run_D"),
            QJsonObject{{"approval_choice", "deny"}});
        const QString answer = QStringLiteral(
            "Tool finished. Result: {\"output\": \"\", \"exit_code\": -1, \"error\": \"BLOCKED: "
            "Command denied by user. The user has NOT consented to this action. Do NOT retry this "
            "command, do NOT rephrase");
        add(QStringLiteral("assistant"), answer, QStringLiteral("run_D"));

        chat::TranscriptSync *sync = newSync(QStringLiteral("run_D"), QStringLiteral("eph_mxdvx4vd_88nq9g"),
                                             QStringLiteral("default"));
        QSignalSpy finished(sync, &chat::TranscriptSync::finished);
        sync->start(10000);
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        const QList<MessageRecord> rows = runRows(QStringLiteral("run_D"));
        QCOMPARE(rolesOf(rows), (QStringList{"assistant", "tool", "notice", "assistant"}));
        QCOMPARE(rows[0].toolCalls.size(), 1);
        QCOMPARE(rows[1].toolCallId, QStringLiteral("call_457905757dec455ea7ef"));
        QVERIFY(rows[1].content.contains(QStringLiteral("\"status\": \"blocked\"")));
        QCOMPARE(rows[1].extra.value("tool_status").toString(), QStringLiteral("denied"));
        QCOMPARE(rows[1].extra.value("tool_preview").toString(),
                 QStringLiteral("rm -rf /srv/scratch/danger-test-dir"));
        QCOMPARE(rows[1].extra.value("tool_arguments").toString(),
                 QStringLiteral("{\"command\": \"rm -rf /srv/scratch/danger-test-dir\"}"));
        QCOMPARE(rows[2].content, QStringLiteral("Denied"));
        QCOMPARE(rows[3].content, answer);
    }

    void callWithoutTextDoesNotTakeTheNextStreamedRow()
    {
        // The agent's second model call only asked for a tool: it has an assistant row, the stream has none.
        const QString path = m_dir.filePath(QStringLiteral("calls-%1.db").arg(m_serial));
        const QString script = QStringLiteral(R"SQL(
CREATE TABLE sessions (id TEXT PRIMARY KEY, source TEXT NOT NULL, parent_session_id TEXT, started_at REAL NOT NULL);
CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, role TEXT NOT NULL,
  content TEXT, tool_call_id TEXT, tool_calls TEXT, tool_name TEXT, timestamp REAL NOT NULL, reasoning TEXT,
  active INTEGER DEFAULT 1);
INSERT INTO sessions (id, source, started_at) VALUES ('eph_c', 'api_server', 1.0);
INSERT INTO messages (session_id, role, content, timestamp) VALUES ('eph_c', 'user', 'Tidy up', 1.1);
INSERT INTO messages (session_id, role, content, tool_calls, timestamp) VALUES ('eph_c', 'assistant', 'Looking first.',
  '[{"id":"call_1","type":"function","function":{"name":"terminal","arguments":"{}"}}]', 1.2);
INSERT INTO messages (session_id, role, content, tool_call_id, tool_name, timestamp)
  VALUES ('eph_c', 'tool', 'two stale files', 'call_1', 'terminal', 1.3);
INSERT INTO messages (session_id, role, content, tool_calls, timestamp) VALUES ('eph_c', 'assistant', '',
  '[{"id":"call_2","type":"function","function":{"name":"terminal","arguments":"{}"}}]', 1.4);
INSERT INTO messages (session_id, role, content, tool_call_id, tool_name, timestamp)
  VALUES ('eph_c', 'tool', 'removed', 'call_2', 'terminal', 1.5);
INSERT INTO messages (session_id, role, content, timestamp) VALUES ('eph_c', 'assistant', 'All tidy.', 1.6);
)SQL");
        QVERIFY(test::writeAgentStateDb(path, script, QStringLiteral("WAL")));
        useAgent(QStringLiteral("default"), path);
        createSession(QStringLiteral("default"));
        add(QStringLiteral("user"), QStringLiteral("Tidy up"), QStringLiteral("run_C"));
        add(QStringLiteral("assistant"), QStringLiteral("Looking first."), QStringLiteral("run_C"),
            QJsonObject{{"reasoning_duration", 0.5}}, QStringLiteral("Check before deleting."));
        add(QStringLiteral("tool"), QString(), QStringLiteral("run_C"), QJsonObject{{"tool_preview", "ls"}},
            {}, QStringLiteral("terminal"));
        add(QStringLiteral("tool"), QString(), QStringLiteral("run_C"), QJsonObject{{"tool_preview", "rm"}},
            {}, QStringLiteral("terminal"));
        add(QStringLiteral("assistant"), QStringLiteral("All tidy."), QStringLiteral("run_C"),
            QJsonObject{{"reasoning_duration", 2.0}}, QStringLiteral("Both files are gone."));

        chat::TranscriptSync *sync =
            newSync(QStringLiteral("run_C"), QStringLiteral("eph_c"), QStringLiteral("default"));
        QSignalSpy finished(sync, &chat::TranscriptSync::finished);
        sync->start(10000);
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        const QList<MessageRecord> rows = runRows(QStringLiteral("run_C"));
        QCOMPARE(rolesOf(rows), (QStringList{"assistant", "tool", "assistant", "tool", "assistant"}));
        QCOMPARE(rows[0].reasoning, QStringLiteral("Check before deleting."));
        QCOMPARE(rows[1].extra.value("tool_preview").toString(), QStringLiteral("ls"));
        QVERIFY(rows[2].reasoning.isEmpty());
        QVERIFY(!rows[2].extra.contains("reasoning_duration"));
        QCOMPARE(rows[3].extra.value("tool_preview").toString(), QStringLiteral("rm"));
        QCOMPARE(rows[4].content, QStringLiteral("All tidy."));
        QCOMPARE(rows[4].reasoning, QStringLiteral("Both files are gone."));
        QCOMPARE(rows[4].extra.value("reasoning_duration").toDouble(), 2.0);
    }

    void lockedDatabaseIsReadOffTheEventLoop()
    {
        const QString path = m_dir.filePath(QStringLiteral("locked-%1.db").arg(m_serial));
        QVERIFY(test::writeAgentStateDb(path, v22Fixture(), QStringLiteral("DELETE")));
        useAgent(QStringLiteral("default"), path);
        createSession(QStringLiteral("default"));
        streamV22Run();

        LockingAgent agent(path, 1200);
        agent.start();
        QVERIFY(agent.locked.tryAcquire(1, 5000));
        chat::TranscriptSync *sync = newSync(QStringLiteral("run_A"), QStringLiteral("eph_lq3k9x2a_ab12cd_2"),
                                             QStringLiteral("default"));
        QSignalSpy finished(sync, &chat::TranscriptSync::finished);
        // The event loop must keep turning while the read waits for the lock.
        QElapsedTimer clock;
        clock.start();
        qint64 lastTick = 0, longestGap = 0;
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, this, [&]() {
            longestGap = qMax(longestGap, clock.elapsed() - lastTick);
            lastTick = clock.elapsed();
        });
        ticker.start(10);
        sync->start(10000);
        QVERIFY(finished.wait(10000));
        ticker.stop();
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QVERIFY2(clock.elapsed() >= 900, "the sync finished before the agent let go of its lock");
        QVERIFY2(longestGap < 400,
                 qPrintable(QStringLiteral("event loop blocked for %1 ms").arg(longestGap)));
        QCOMPARE(rolesOf(runRows(QStringLiteral("run_A"))), (QStringList{"assistant", "tool", "assistant"}));
    }

    void lockedBeyondBudgetLeavesTheStreamedRows()
    {
        const QString path = m_dir.filePath(QStringLiteral("stuck-%1.db").arg(m_serial));
        QVERIFY(test::writeAgentStateDb(path, v22Fixture(), QStringLiteral("DELETE")));
        useAgent(QStringLiteral("default"), path);
        createSession(QStringLiteral("default"));
        streamV22Run();
        const QList<MessageRecord> before = runRows(QStringLiteral("run_A"));

        LockingAgent agent(path, 4000);
        agent.start();
        QVERIFY(agent.locked.tryAcquire(1, 5000));
        chat::TranscriptSync *sync = newSync(QStringLiteral("run_A"), QStringLiteral("eph_lq3k9x2a_ab12cd_2"),
                                             QStringLiteral("default"));
        sync->stateReader().setBusyBudgetMs(300);
        QSignalSpy finished(sync, &chat::TranscriptSync::finished);
        sync->start(10000);
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().at(0).toBool(), false);
        QVERIFY2(finished.first().at(1).toString().contains("locked"),
                 qPrintable(finished.first().at(1).toString()));
        const QList<MessageRecord> after = runRows(QStringLiteral("run_A"));
        QCOMPARE(after.size(), before.size());
        QCOMPARE(after.last().content, before.last().content);
        QCOMPARE(after.first().id, before.first().id);
    }

    void onlyTheSessionsOwnProfileIsRead()
    {
        // Only the default profile has an agent (and a state.db); the session belongs to "work".
        const QString path = m_dir.filePath(QStringLiteral("other-%1.db").arg(m_serial));
        QVERIFY(test::writeAgentStateDb(path, v22Fixture(), QStringLiteral("WAL")));
        useAgent(QStringLiteral("default"), path);
        createSession(QStringLiteral("work"));
        streamV22Run();
        chat::TranscriptSync *sync =
            newSync(QStringLiteral("run_A"), QStringLiteral("eph_lq3k9x2a_ab12cd_2"), QStringLiteral("work"));
        QSignalSpy finished(sync, &chat::TranscriptSync::finished);
        sync->start(10000);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.first().at(0).toBool(), false);
        QVERIFY2(finished.first().at(1).toString().contains("profile work"),
                 qPrintable(finished.first().at(1).toString()));
        QVERIFY(runRows(QStringLiteral("run_A")).first().toolCalls.isEmpty());
    }

    void missingFileAndUnknownSessionAreReported()
    {
        useAgent(QStringLiteral("default"), m_dir.filePath(QStringLiteral("nowhere.db")));
        createSession(QStringLiteral("default"));
        streamV22Run();
        chat::TranscriptSync *sync =
            newSync(QStringLiteral("run_A"), QStringLiteral("eph_x"), QStringLiteral("default"));
        QSignalSpy finished(sync, &chat::TranscriptSync::finished);
        sync->start(10000);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.first().at(0).toBool(), false);

        const QString path = m_dir.filePath(QStringLiteral("known-%1.db").arg(m_serial));
        QVERIFY(test::writeAgentStateDb(path, v22Fixture(), QStringLiteral("WAL")));
        useAgent(QStringLiteral("default"), path);
        sync = newSync(QStringLiteral("run_A"), QStringLiteral("eph_unknown"), QStringLiteral("default"));
        QSignalSpy again(sync, &chat::TranscriptSync::finished);
        sync->start(10000);
        QVERIFY(again.wait(10000));
        QCOMPARE(again.first().at(0).toBool(), false);
        QCOMPARE(runRows(QStringLiteral("run_A")).size(), 3);
    }
};

QTEST_GUILESS_MAIN(TestTranscriptSync)
#include "tst_transcript_sync.moc"
