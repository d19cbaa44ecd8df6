// The real Hermes Agent v0.19.0, replayed (tests/data/hermes-agent-0.19.0/): each recorded stream goes
// byte for byte through the SSE reader, the run events and a real SessionController, and the test checks
// what the user sees — the text, the tool rows and their outcome, the approval outcome at its tool, a stop
// kept as partial text, the failure message — and, where the recorded state.db has the same run, that the
// transcript sync keeps it so.
#include "AgentStateFixture.h"
#include "ChatHarness.h"
#include "RecordedAgent.h"

#include <QJsonArray>

using namespace caduceus;
using caduceus::test::ChatHarness;
using caduceus::test::RecordedAgent;
using caduceus::test::RecordedRun;
using store::MessageRecord;

namespace {

QStringList rolesOf(const QList<MessageRecord> &rows)
{
    QStringList roles;
    for (const MessageRecord &m : rows)
        roles << m.role;
    return roles;
}

QString fixtureText(const QString &relative)
{
    QFile file(QStringLiteral(CADUCEUS_FIXTURES_DIR "/") + relative);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

} // namespace

class TestRecordedRuns : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_serial = 0;

    struct Replay
    {
        std::unique_ptr<RecordedAgent> agent;
        std::unique_ptr<ChatHarness> harness;
        QString session = QStringLiteral("rec");
        chat::SessionController *controller() const { return harness->manager->controller(session); }
        QList<MessageRecord> rows() const { return harness->store->messages(session); }
        QList<MessageRecord> memoryRows() const { return controller()->messages(); }
        MessageRecord tool() const
        {
            for (const MessageRecord &m : memoryRows())
                if (m.role == QLatin1String("tool"))
                    return m;
            return {};
        }
    };

    // `agentSessionInDb`: the session of the recorded state.db that holds this very run; the agent's
    // transcript is then offered as the profile's state.db, under the session id the client sends.
    std::unique_ptr<Replay> replay(const QString &name, const QString &agentSessionInDb = {})
    {
        auto r = std::make_unique<Replay>();
        RecordedRun run = RecordedRun::load(name);
        if (!run.isValid())
            qFatal("recording %s not readable", qPrintable(name));
        r->agent = std::make_unique<RecordedAgent>(run);
        const int serial = ++m_serial;
        r->harness = std::make_unique<ChatHarness>(m_dir.filePath(QStringLiteral("c%1.db").arg(serial)),
                                                   r->agent->baseUrl());
        if (!agentSessionInDb.isEmpty()) {
            const QString stateDb = m_dir.filePath(QStringLiteral("state-%1.db").arg(serial));
            hermes::AgentEndpoint endpoint;
            endpoint.baseUrl = r->agent->baseUrl();
            endpoint.apiKey = QStringLiteral("test-key");
            endpoint.stateDbPath = stateDb;
            r->harness->manager->setAgent(endpoint);
            r->agent->onStart = [stateDb, agentSessionInDb](const QJsonObject &body) {
                const QString session = body.value("session_id").toString();
                const QString script =
                    fixtureText(QStringLiteral("hermes-agent-0.19.0/state-db.sql")) +
                    QStringLiteral("\nUPDATE messages SET session_id = '%1' WHERE session_id = "
                                   "'%2';\nUPDATE sessions SET id = '%1' WHERE id = '%2';\n")
                        .arg(session, agentSessionInDb);
                if (!test::writeAgentStateDb(stateDb, script, QStringLiteral("WAL")))
                    qWarning("could not write the recorded state.db");
            };
        }
        return r;
    }

    static bool waitUntil(const std::function<bool()> &condition, int timeoutMs = 10000)
    {
        QElapsedTimer timer;
        timer.start();
        while (!condition()) {
            if (timer.elapsed() > timeoutMs)
                return false;
            QTest::qWait(5);
        }
        return true;
    }

    // Waits for the run's end and the transcript sync after it (the session is idle again).
    static bool waitForIdle(Replay &r, const QString &terminal)
    {
        return r.harness->waitFor(terminal) && waitUntil([&r] { return !r.controller()->isWorking(); });
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void plainAnswers_data()
    {
        QTest::addColumn<QString>("recording");
        QTest::addColumn<QString>("text");
        QTest::newRow("hello") << "hello"
                               << "Echo: hello";
        QTest::newRow("history-body") << "history-body"
                                      << "Echo: list input";
    }

    void plainAnswers()
    {
        QFETCH(QString, recording);
        QFETCH(QString, text);
        auto r = replay(recording);
        QCOMPARE(r->harness->submit(r->session, "hello"), QString());
        QVERIFY(waitForIdle(*r, "run.completed"));
        const QList<MessageRecord> rows = r->rows();
        QCOMPARE(rolesOf(rows), (QStringList{"user", "assistant"}));
        QCOMPARE(rows[1].content, text);
        QCOMPARE(rows[1].status, QStringLiteral("complete"));
        // reasoning.available of this agent repeats the answer: it is not shown a second time as reasoning.
        QVERIFY(rows[1].reasoning.isEmpty());
        QCOMPARE(r->harness->count("message.delta"), text == "Echo: hello" ? 2 : 4);
        QCOMPARE(r->harness->last("run.completed").value("output").toString(), text);
    }

    void toolRunWithTranscriptFromStateDb()
    {
        auto r = replay("tool", "eph_mxdvx0kh_unjwnh");
        QCOMPARE(r->harness->submit(r->session, "[tool] please run echo"), QString());
        QVERIFY(waitForIdle(*r, "run.completed"));
        const QList<MessageRecord> rows = r->rows();
        // The agent's transcript adds the model call that asked for the tool (no text, so no bubble).
        QCOMPARE(rolesOf(rows), (QStringList{"user", "assistant", "tool", "assistant"}));
        const MessageRecord &tool = rows[2];
        QCOMPARE(tool.toolName, QStringLiteral("terminal"));
        QCOMPARE(tool.extra.value("tool_status").toString(), QStringLiteral("done"));
        QCOMPARE(tool.extra.value("tool_preview").toString(), QStringLiteral("echo hi"));
        QCOMPARE(tool.extra.value("tool_duration").toDouble(), 0.824);
        QCOMPARE(tool.content, QStringLiteral(R"({"output": "hi", "exit_code": 0, "error": null})"));
        QCOMPARE(tool.extra.value("tool_arguments").toString(), QStringLiteral(R"({"command": "echo hi"})"));
        QVERIFY(rows[1].content.isEmpty());
        QCOMPARE(rows[1].toolCalls.size(), 1);
        // The "\n\n" the agent puts before text that follows a tool is a separator, not the answer's start.
        QCOMPARE(rows[3].content,
                 QStringLiteral(R"(Tool finished. Result: {"output": "hi", "exit_code": 0, "error": null})"));
        // What the window showed while streaming said the same.
        const QList<MessageRecord> memory = r->memoryRows();
        QCOMPARE(memory.last().content, rows[3].content);
    }

    void toolRowWithoutSync()
    {
        auto r = replay("tool");
        QCOMPARE(r->harness->submit(r->session, "[tool] please run echo"), QString());
        QVERIFY(waitForIdle(*r, "run.completed"));
        const QList<MessageRecord> rows = r->rows();
        QCOMPARE(rolesOf(rows), (QStringList{"user", "tool", "assistant"}));
        QCOMPARE(rows[1].extra.value("tool_status").toString(), QStringLiteral("done"));
        QCOMPARE(rows[1].status, QStringLiteral("complete"));
        QVERIFY(!rows[2].content.startsWith('\n'));
    }

    void approvalAnsweredAtItsTool_data()
    {
        QTest::addColumn<QString>("recording");
        QTest::addColumn<QString>("choice");
        QTest::addColumn<QString>("status");
        QTest::newRow("once") << "danger-approve-once"
                              << "once"
                              << "done";
        QTest::newRow("session") << "danger-approve-session"
                                 << "session"
                                 << "done";
        QTest::newRow("deny") << "danger-deny"
                              << "deny"
                              << "denied";
    }

    void approvalAnsweredAtItsTool()
    {
        QFETCH(QString, recording);
        QFETCH(QString, choice);
        QFETCH(QString, status);
        auto r = replay(recording);
        QCOMPARE(r->harness->submit(r->session, "[danger] clean up"), QString());
        QVERIFY(r->harness->waitFor("approval.request"));
        // approval.request names itself after its fields: decoded all the same.
        const QJsonObject request = r->harness->last("approval.request");
        QCOMPARE(request.value("command").toString(), QStringLiteral("rm -rf /srv/scratch/danger-test-dir"));
        QCOMPARE(request.value("description").toString(), QStringLiteral("delete in root path"));
        QCOMPARE(request.value("choices").toArray().size(), 4);
        QCOMPARE(r->controller()->pendingApprovals().size(), 1);
        // While the agent waits, the tool says so (not "running").
        QCOMPARE(r->tool().extra.value("tool_status").toString(), QStringLiteral("waiting_for_approval"));
        QCOMPARE(r->tool().extra.value("approval_description").toString(),
                 QStringLiteral("delete in root path"));

        r->controller()->respondApproval(choice, false);
        QVERIFY(waitForIdle(*r, "run.completed"));
        QVERIFY(r->agent->requests.contains(
            QStringLiteral("POST /v1/runs/%1/approval").arg(RecordedRun::load(recording).runId)));
        QCOMPARE(r->harness->count("approval.responded"), 1); // the agent's echo is not reported twice
        QCOMPARE(r->harness->last("approval.responded").value("choice").toString(), choice);
        QVERIFY(r->controller()->pendingApprovals().isEmpty());

        const QList<MessageRecord> rows = r->rows();
        // The outcome is on the tool it decided, before the answer that followed — not a row after it.
        QCOMPARE(rolesOf(rows), (QStringList{"user", "tool", "assistant"}));
        QCOMPARE(rows[1].extra.value("tool_status").toString(), status);
        QCOMPARE(rows[1].extra.value("approval_choice").toString(), choice);
        QCOMPARE(rows[1].status, QStringLiteral("complete"));
        QVERIFY(rows[2].content.startsWith(QStringLiteral("Tool finished. Result: ")));
        if (choice == "deny")
            QVERIFY(rows[2].content.contains(QStringLiteral("BLOCKED: Command denied by user.")));
    }

    void deniedToolStaysDeniedAfterTranscriptSync()
    {
        auto r = replay("danger-deny", "eph_mxdvx4vd_88nq9g");
        QCOMPARE(r->harness->submit(r->session, "clean up [danger]"), QString());
        QVERIFY(r->harness->waitFor("approval.request"));
        r->controller()->respondApproval("deny", false);
        QVERIFY(waitForIdle(*r, "run.completed"));
        const QList<MessageRecord> rows = r->rows();
        QCOMPARE(rolesOf(rows), (QStringList{"user", "assistant", "tool", "assistant"}));
        const MessageRecord &tool = rows[2];
        QCOMPARE(tool.extra.value("tool_status").toString(), QStringLiteral("denied"));
        QCOMPARE(tool.extra.value("approval_choice").toString(), QStringLiteral("deny"));
        QVERIFY(tool.content.contains(QStringLiteral("\"status\": \"blocked\"")));
        QVERIFY(tool.content.contains(QStringLiteral("BLOCKED: Command denied by user.")));
        QCOMPARE(tool.extra.value("tool_arguments").toString(),
                 QStringLiteral(R"({"command": "rm -rf /srv/scratch/danger-test-dir"})"));
        // The resumed payload a browser gets says the same.
        const QJsonArray messages = r->controller()->resumePayload().value("messages").toArray();
        QCOMPARE(messages[2].toObject().value("tool_status").toString(), QStringLiteral("denied"));
    }

    void approvalNobodyAnswers()
    {
        auto r = replay("danger-timeout-noresponse");
        QCOMPARE(r->harness->submit(r->session, "[danger] nobody answers"), QString());
        QVERIFY(r->harness->waitFor("approval.request"));
        QCOMPARE(r->tool().extra.value("tool_status").toString(), QStringLiteral("waiting_for_approval"));
        QVERIFY(waitForIdle(*r, "run.completed"));
        // No event said the approval ended: the tool's failure while it waited does.
        QCOMPARE(r->harness->count("approval.responded"), 0);
        QVERIFY(r->controller()->pendingApprovals().isEmpty());
        const QList<MessageRecord> rows = r->rows();
        QCOMPARE(rolesOf(rows), (QStringList{"user", "tool", "assistant"}));
        QCOMPARE(rows[1].extra.value("tool_status").toString(), QStringLiteral("denied"));
        QCOMPARE(rows[1].extra.value("approval_choice").toString(), QStringLiteral("timeout"));
        QCOMPARE(rows[1].extra.value("tool_duration").toDouble(), 40.005);
        QVERIFY(
            rows[2].content.contains(QStringLiteral("BLOCKED: Command timed out without user response.")));
    }

    void stopKeepsThePartialText()
    {
        auto r = replay("slow-stop");
        QCOMPARE(r->harness->submit(r->session, "[slow] count"), QString());
        QVERIFY(r->harness->waitFor("message.delta", 10));
        r->controller()->abort();
        QVERIFY(waitForIdle(*r, "abort.completed"));
        QVERIFY(r->agent->requests.contains(
            QStringLiteral("POST /v1/runs/%1/stop").arg(RecordedRun::load("slow-stop").runId)));
        QCOMPARE(r->harness->count("run.stopping"), 0);
        const QList<MessageRecord> rows = r->rows();
        QCOMPARE(rolesOf(rows), (QStringList{"user", "assistant"}));
        QCOMPARE(rows[1].content,
                 QStringLiteral("tick 0 tick 1 tick 2 tick 3 tick 4 tick 5 tick 6 tick 7 tick 8 tick 9 "));
        QCOMPARE(rows[1].status, QStringLiteral("cancelled"));
    }

    void modelFailureIsShown()
    {
        auto r = replay("fail");
        QCOMPARE(r->harness->submit(r->session, "[fail] please"), QString());
        QVERIFY(waitForIdle(*r, "run.failed"));
        QCOMPARE(r->harness->last("run.failed").value("error").toString(),
                 QStringLiteral("HTTP 400: fake_llm: scripted failure"));
        const QList<MessageRecord> rows = r->rows();
        QCOMPARE(rolesOf(rows), (QStringList{"user", "error"}));
        QCOMPARE(rows[1].content, QStringLiteral("HTTP 400: fake_llm: scripted failure"));
    }
};

QTEST_GUILESS_MAIN(TestRecordedRuns)
#include "tst_recorded_runs.moc"
