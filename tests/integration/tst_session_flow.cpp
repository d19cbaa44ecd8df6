// Drives SessionManager end to end against hermes-sim over real HTTP/SSE (SPEC 3).
#include "ChatHarness.h"
#include "hermes/HermesClient.h"

#include <QJsonArray>

using namespace caduceus;
using caduceus::test::ChatHarness;
using caduceus::test::SimProcess;
using store::MessageRecord;

class TestSessionFlow : public QObject
{
    Q_OBJECT

    std::unique_ptr<SimProcess> m_sim;
    QTemporaryDir m_dir;
    int m_dbSerial = 0;

    QString freshDb() { return m_dir.filePath(QStringLiteral("t%1.db").arg(++m_dbSerial)); }

    static QList<MessageRecord> rowsOf(ChatHarness &h, const QString &session, const QString &role)
    {
        QList<MessageRecord> out;
        for (const MessageRecord &m : h.store->messages(session))
            if (m.role == role)
                out << m;
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_sim = std::make_unique<SimProcess>(QStringList{"--key", "test-key", "--delay-ms", "5"});
        QVERIFY2(m_sim->isReady(), qPrintable(m_sim->errorString()));
    }

    void streamedRunIsPersistedAndResumable()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        QCOMPARE(h.submit("s1", "Hello there"), QString());
        QVERIFY(h.manager->controller("s1")->isWorking());
        QVERIFY(h.waitFor("run.completed"));
        const QStringList names = h.names();
        QCOMPARE(names.first(), QStringLiteral("run.started"));
        QVERIFY(names.count("message.delta") >= 3);
        const QJsonObject started = h.last("run.started");
        QVERIFY(started.value("run_id").toString().startsWith("run_"));
        QCOMPARE(started.value("session_id").toString(), QStringLiteral("s1"));
        QCOMPARE(started.value("event").toString(), QStringLiteral("run.started"));
        const QJsonObject done = h.last("run.completed");
        QCOMPARE(done.value("queue_remaining").toInt(-1), 0);
        QCOMPARE(done.value("session_id").toString(), QStringLiteral("s1"));
        QVERIFY(h.waitFor("usage.updated"));

        // what streamed is what is stored
        QString streamed;
        for (const auto &e : h.events)
            if (e.name == "message.delta")
                streamed += e.payload.value("delta").toString();
        const auto assistants = rowsOf(h, "s1", "assistant");
        QVERIFY(!assistants.isEmpty());
        QString stored;
        for (const auto &m : assistants) {
            stored += m.content;
            QCOMPARE(m.status, QStringLiteral("complete"));
        }
        QCOMPARE(stored, streamed);
        const auto users = rowsOf(h, "s1", "user");
        QCOMPARE(users.size(), 1);
        QCOMPARE(users[0].content, QStringLiteral("Hello there"));
        const auto session = h.store->session("s1");
        QVERIFY(session);
        QCOMPARE(session->title, QStringLiteral("Hello there"));

        const QJsonObject resumed = h.manager->controller("s1")->resumePayload();
        QCOMPARE(resumed.value("isWorking").toBool(true), false);
        QCOMPARE(resumed.value("queueLength").toInt(-1), 0);
        QVERIFY(resumed.value("messages").toArray().size() >= 2);
        QVERIFY(resumed.value("outputTokens").toInt() > 0);
    }

    void secondTurnSendsConversationHistory()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        QCOMPARE(h.submit("h1", "My name is Ada"), QString());
        QVERIFY(h.waitFor("run.completed"));
        QCOMPARE(h.submit("h1", "What is my name?"), QString());
        QVERIFY(h.waitFor("run.completed", 2));
        // The sim tells how much history it received in its answer's usage.input_tokens > first turn.
        QCOMPARE(rowsOf(h, "h1", "user").size(), 2);
    }

    void toolsBecomeToolRows()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        QCOMPARE(h.submit("t1", "Check the repo sim:tools"), QString());
        QVERIFY(h.waitFor("run.completed"));
        QVERIFY(h.count("tool.started") >= 1);
        QCOMPARE(h.count("tool.started"), h.count("tool.completed"));
        const auto tools = rowsOf(h, "t1", "tool");
        QCOMPARE(tools.size(), h.count("tool.started"));
        for (const auto &t : tools) {
            QVERIFY(!t.toolName.isEmpty());
            QCOMPARE(t.extra.value("tool_status").toString(), QStringLiteral("done"));
        }
    }

    void queueOfThreeWithOneCancelled()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        auto *c = h.manager->controller("q1");
        QCOMPARE(h.submit("q1", "first sim:deltas=30 sim:delay=30"), QString());
        chat::SessionController::RunInput second;
        second.input = QStringLiteral("second");
        second.queueId = QStringLiteral("qa");
        QCOMPARE(c->submit(second), QString());
        second.input = QStringLiteral("third");
        second.queueId = QStringLiteral("qb");
        QCOMPARE(c->submit(second), QString());
        second.input = QStringLiteral("fourth");
        second.queueId = QStringLiteral("qc");
        QCOMPARE(c->submit(second), QString());
        QCOMPARE(c->queueLength(), 3);
        QCOMPARE(h.last("run.queued").value("queue_length").toInt(), 3);
        QCOMPARE(h.store->queue("q1").size(), 3); // persisted
        QVERIFY(c->cancelQueued("qb"));
        QCOMPARE(h.last("run.queued").value("queue_length").toInt(), 2);
        QVERIFY(!c->cancelQueued("nope"));

        QVERIFY(h.waitFor("run.completed", 3, 30000));
        QVERIFY(!c->isWorking() || h.waitFor("run.completed", 3));
        QStringList inputs;
        for (const auto &m : rowsOf(h, "q1", "user"))
            inputs << m.content;
        QCOMPARE(inputs, (QStringList{"first sim:deltas=30 sim:delay=30", "second", "fourth"}));
        QList<int> remaining;
        for (const auto &e : h.events)
            if (e.name == "run.completed")
                remaining << e.payload.value("queue_remaining").toInt();
        QCOMPARE(remaining, (QList<int>{2, 1, 0})); // counted before the next input is taken
        QCOMPARE(h.store->queue("q1").size(), 0);
    }

    void abortEndsEarlyOnRunCancelled()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        auto *c = h.manager->controller("a1");
        QCOMPARE(h.submit("a1", "Tell me a long story sim:slow"), QString());
        QVERIFY(h.waitFor("message.delta", 2));
        QElapsedTimer timer;
        timer.start();
        c->abort();
        QVERIFY(c->isAborting());
        c->abort(); // idempotent
        QCOMPARE(h.count("abort.started"), 1);
        QCOMPARE(h.last("abort.started").value("graceMs").toInt(), 3000);
        QVERIFY(h.waitFor("abort.completed"));
        QVERIFY2(timer.elapsed() < 2500, "the abort should end when run.cancelled arrives, not after the grace");
        QCOMPARE(h.count("run.cancelled"), 0); // not forwarded during an abort
        const QJsonObject completed = h.last("abort.completed");
        QVERIFY(completed.value("run_id").toString().startsWith("run_"));
        QVERIFY(completed.contains("synced"));
        QVERIFY(!c->isWorking());
        const auto assistants = rowsOf(h, "a1", "assistant");
        QVERIFY(!assistants.isEmpty());
        QVERIFY(!assistants.last().content.isEmpty()); // the partial answer stays
        QCOMPARE(assistants.last().status, QStringLiteral("cancelled"));
    }

    void abortGraceWhenStopNeverConfirms()
    {
        auto settings = ChatHarness::fastSettings();
        settings.graceMs = 700;
        ChatHarness h(freshDb(), m_sim->baseUrl(), "test-key", settings);
        auto *c = h.manager->controller("a2");
        QCOMPARE(h.submit("a2", "keep going sim:nocancel sim:slow"), QString());
        QVERIFY(h.waitFor("message.delta"));
        chat::SessionController::RunInput next;
        next.input = QStringLiteral("after the stop");
        QCOMPARE(c->submit(next), QString());
        QElapsedTimer timer;
        timer.start();
        c->abort();
        QVERIFY(h.waitFor("abort.completed"));
        QVERIFY(timer.elapsed() >= 600);
        QCOMPARE(h.last("abort.completed").value("queue_length").toInt(), 1);
        QVERIFY(h.waitFor("run.completed", 1, 20000)); // the queued input ran
        QCOMPARE(rowsOf(h, "a2", "user").last().content, QStringLiteral("after the stop"));
    }

    void abortWithoutRunIsIgnored()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        h.manager->controller("a3")->abort();
        const QJsonObject completed = h.last("abort.completed");
        QCOMPARE(completed.value("ignored").toBool(), true);
        QCOMPARE(completed.value("synced").toBool(true), false);
    }

    void approvalChoices_data()
    {
        QTest::addColumn<QString>("choice");
        QTest::newRow("once") << "once";
        QTest::newRow("session") << "session";
        QTest::newRow("always") << "always";
        QTest::newRow("deny") << "deny";
    }

    void approvalChoices()
    {
        QFETCH(QString, choice);
        ChatHarness h(freshDb(), m_sim->baseUrl());
        auto *c = h.manager->controller("p1");
        QCOMPARE(h.submit("p1", "clean the build sim:approval"), QString());
        QVERIFY(h.waitFor("approval.request"));
        const QJsonObject request = h.last("approval.request");
        QVERIFY(!request.value("command").toString().isEmpty());
        QVERIFY(request.value("choices").toArray().contains(choice));
        QCOMPARE(c->pendingApprovals().size(), 1);
        QCOMPARE(c->resumePayload().value("events").toArray().first().toObject().value("event").toString(),
                 QStringLiteral("approval.request"));
        c->respondApproval(choice, false);
        QVERIFY(h.waitFor("approval.responded"));
        const QJsonObject responded = h.last("approval.responded");
        QCOMPARE(responded.value("choice").toString(), choice);
        QCOMPARE(responded.value("resolved").toInt(), 1);
        QVERIFY(!responded.contains("error"));
        QVERIFY(h.waitFor("run.completed"));
        QCOMPARE(h.count("approval.responded"), 1); // the agent's own echo is not forwarded twice
        QVERIFY(c->pendingApprovals().isEmpty());
        // The outcome is on the tool it decided (hermes-sim starts the tool before asking, like the agent).
        const auto tools = rowsOf(h, "p1", "tool");
        QCOMPARE(tools.size(), 1);
        QCOMPARE(tools[0].extra.value("approval_choice").toString(), choice);
        QCOMPARE(tools[0].extra.value("tool_status").toString(),
                 choice == "deny" ? QStringLiteral("denied") : QStringLiteral("done"));
        QVERIFY(rowsOf(h, "p1", "notice").isEmpty());
    }

    void approvalAllAndErrors()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        auto *c = h.manager->controller("p2");
        c->respondApproval("once", false);
        QVERIFY(!h.last("approval.responded").value("error").toString().isEmpty()); // nothing running

        QCOMPARE(h.submit("p2", "two at once sim:approval2"), QString());
        QVERIFY(h.waitFor("approval.request", 2));
        QCOMPARE(c->pendingApprovals().size(),
                 2); // both tools started first: no progress between the questions
        c->respondApproval("sometimes", false);
        QVERIFY(h.last("approval.responded").value("error").toString().contains("Invalid"));
        c->respondApproval("once", true);
        QVERIFY(h.waitFor("approval.responded", 3));
        QCOMPARE(h.last("approval.responded").value("resolved").toInt(), 2);
        QCOMPARE(h.last("approval.responded").value("all").toBool(), true);
        QVERIFY(h.waitFor("run.completed"));
        const auto tools = rowsOf(h, "p2", "tool");
        QCOMPARE(tools.size(), 2);
        for (const auto &t : tools) {
            QCOMPARE(t.extra.value("approval_choice").toString(), QStringLiteral("once"));
            QCOMPARE(t.extra.value("tool_status").toString(), QStringLiteral("done"));
        }
    }

    void wrongKeyFailsClearly()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl(), "wrong-key");
        QCOMPARE(h.submit("k1", "hello"), QString());
        QVERIFY(h.waitFor("run.failed"));
        const QString error = h.last("run.failed").value("error").toString();
        QVERIFY2(error.contains("key"), qPrintable(error));
        QCOMPARE(h.last("run.failed").value("queue_remaining").toInt(-1), 0);
        QVERIFY(!h.manager->controller("k1")->isWorking());
        QCOMPARE(rowsOf(h, "k1", "error").size(), 1);
        QCOMPARE(rowsOf(h, "k1", "user").size(), 1); // the input is kept
    }

    void rateLimitIsRetried()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        QCOMPARE(h.submit("r1", "busy agent sim:rate429"), QString());
        QVERIFY(h.waitFor("run.completed", 1, 20000));
        QCOMPARE(h.count("run.started"), 1);
        QCOMPARE(h.count("run.failed"), 0);
    }

    void droppedStreamRecoversByPolling()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        QCOMPARE(h.submit("d1", "sim:drop answer me"), QString());
        QVERIFY(h.waitFor("run.completed", 1, 20000));
        const QString output = h.last("run.completed").value("output").toString();
        QVERIFY(!output.isEmpty());
        QString stored;
        for (const auto &m : rowsOf(h, "d1", "assistant"))
            stored += m.content;
        QVERIFY2(stored.contains(output.right(20)), qPrintable(stored));
    }

    void eventsNotFoundRecoversByPolling()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        QCOMPARE(h.submit("e1", "sim:events404 hello"), QString());
        QVERIFY(h.waitFor("run.completed", 1, 20000));
        const auto assistants = rowsOf(h, "e1", "assistant");
        QVERIFY(!assistants.isEmpty());
        QCOMPARE(assistants.last().content, h.last("run.completed").value("output").toString());
    }

    void failedRunKeepsTextAndShowsError()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        QCOMPARE(h.submit("f1", "sim:fail"), QString());
        QVERIFY(h.waitFor("run.failed"));
        QVERIFY(!h.last("run.failed").value("error").toString().isEmpty());
        QCOMPARE(rowsOf(h, "f1", "error").size(), 1);
    }

    void contentArrayOutputIsParsed()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        QCOMPARE(h.submit("c1", "sim:contentarray"), QString());
        QVERIFY(h.waitFor("run.completed"));
        const QJsonObject done = h.last("run.completed");
        QVERIFY(done.contains("parsed_content"));
        QVERIFY(done.value("parsed_content").toString().contains("It's"));
        const auto assistants = rowsOf(h, "c1", "assistant");
        QVERIFY(!assistants.last().content.startsWith("["));
    }

    void restartRecoversHalfStreamedRunAndQueue()
    {
        const QString db = freshDb();
        QString runId;
        {
            ChatHarness h(db, m_sim->baseUrl());
            QCOMPARE(h.submit("x1", "long one sim:deltas=60 sim:delay=40"), QString());
            chat::SessionController::RunInput queued;
            queued.input = QStringLiteral("queued before the crash");
            QCOMPARE(h.manager->controller("x1")->submit(queued), QString());
            QVERIFY(h.waitFor("message.delta", 10));
            QTest::qWait(300); // at least one persistence tick
            runId = h.manager->controller("x1")->runId();
            // the harness goes away mid-run, as a killed process would
        }
        ChatHarness h(db, m_sim->baseUrl());
        const auto before = h.store->run(runId);
        QVERIFY(before);
        QCOMPARE(before->status, QStringLiteral("running"));
        QCOMPARE(h.store->queue("x1").size(), 1);
        h.manager->recoverAfterStart();
        auto *c = h.manager->controller("x1");
        QVERIFY(c->isWorking());
        QVERIFY(h.waitFor("run.completed", 2, 30000)); // the recovered run, then the queued input
        QStringList inputs;
        for (const auto &m : rowsOf(h, "x1", "user"))
            inputs << m.content;
        QCOMPARE(inputs, (QStringList{"long one sim:deltas=60 sim:delay=40", "queued before the crash"}));
        QCOMPARE(h.store->run(runId)->status, QStringLiteral("completed"));
        const QString output = h.events.first().payload.value("output").toString();
        const auto assistants = rowsOf(h, "x1", "assistant");
        QVERIFY(assistants.size() >= 2);
        QCOMPARE(assistants.first().status, QStringLiteral("complete"));
        if (!output.isEmpty())
            QCOMPARE(assistants.first().content, output);
    }

    // Memory stays bounded by what is in use: idle sessions are unloaded and come back unchanged.
    void idleSessionsAreUnloadedAndReload()
    {
        auto settings = ChatHarness::fastSettings();
        settings.unloadIdleAfterMs = 400;
        ChatHarness h(freshDb(), m_sim->baseUrl(), QStringLiteral("test-key"), settings);
        QCOMPARE(h.submit("u1", "Hello there"), QString());
        QVERIFY(h.waitFor("run.completed"));
        const QJsonArray before = h.manager->controller("u1")->resumePayload().value("messages").toArray();
        QVERIFY(before.size() >= 2);
        for (int i = 0; i < 5; ++i)
            QVERIFY(h.manager->controller(QStringLiteral("empty%1").arg(i)));
        QTRY_COMPARE_WITH_TIMEOUT(h.manager->loadedSessions(), 0, 5000);
        QVERIFY(!h.manager->existingController("u1"));
        const QJsonObject reloaded = h.manager->controller("u1")->resumePayload();
        QCOMPARE(reloaded.value("messages").toArray(), before);
        QCOMPARE(reloaded.value("isWorking").toBool(true), false);
    }

    void busyOrHeldSessionsStayLoaded()
    {
        auto settings = ChatHarness::fastSettings();
        settings.unloadIdleAfterMs = 300;
        ChatHarness h(freshDb(), m_sim->baseUrl(), QStringLiteral("test-key"), settings);
        auto holder = std::make_unique<QObject>();
        auto *held = h.manager->controller("held");
        h.manager->hold("held", holder.get());
        // a run lasting well over the idle time, with an input queued behind it
        QCOMPARE(h.submit("busy", "slow sim:deltas=40 sim:delay=40"), QString());
        QCOMPARE(h.submit("busy", "queued"), QString());
        auto *busy = h.manager->existingController("busy");
        QTest::qWait(1200);
        QCOMPARE(h.manager->existingController("busy"), busy);
        QCOMPARE(h.manager->existingController("held"), held);
        QVERIFY(h.waitFor("run.completed", 2, 30000, "busy"));
        QTRY_VERIFY_WITH_TIMEOUT(!h.manager->existingController("busy"), 5000);
        QCOMPARE(h.manager->existingController("held"), held);
        holder.reset(); // the hold ends with its holder
        QTRY_VERIFY_WITH_TIMEOUT(!h.manager->existingController("held"), 5000);
        QCOMPARE(rowsOf(h, "busy", "user").size(), 2);
    }

    void leastRecentlyUsedIdleSessionsGoFirst()
    {
        auto settings = ChatHarness::fastSettings();
        settings.maxIdleSessions = 3; // the idle time (2 min) is not reached in this test
        ChatHarness h(freshDb(), m_sim->baseUrl(), QStringLiteral("test-key"), settings);
        for (int i = 0; i < 10; ++i)
            QVERIFY(h.manager->controller(QStringLiteral("lru%1").arg(i)));
        QVERIFY(h.manager->controller("lru2")); // used again: now among the most recent
        QTRY_COMPARE_WITH_TIMEOUT(h.manager->loadedSessions(), 3, 2000);
        QVERIFY(h.manager->existingController("lru2"));
        QVERIFY(h.manager->existingController("lru8"));
        QVERIFY(h.manager->existingController("lru9"));
    }
};

QTEST_GUILESS_MAIN(TestSessionFlow)
#include "tst_session_flow.moc"
