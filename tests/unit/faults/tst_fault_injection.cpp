// Fault injection (issue 8): every way the agent or the network can fail a run, injected between
// SessionManager and hermes-sim by FaultProxy. Each case must end in a state the user can see and
// trust: no spinner left running, no streamed text lost, no run started twice, a readable error.
#include "ChatHarness.h"
#include "FaultProxy.h"
#include "hermes/HermesClient.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace caduceus;
using caduceus::test::ChatHarness;
using caduceus::test::FaultProxy;
using caduceus::test::SimProcess;
using store::MessageRecord;
using Action = FaultProxy::Action;

namespace {

const QByteArray NotFoundBody =
    R"({"error": {"message": "Run not found", "type": "invalid_request_error", "param": null, "code": "run_not_found"}})";

FaultProxy::Rule rule(const QByteArray &method, const QString &path, Action action)
{
    FaultProxy::Rule r;
    r.method = method;
    r.pathContains = path;
    r.action = action;
    return r;
}

// The text of the run's deltas as the transcript holds it: the agent starts the text that follows a tool
// with a "\n\n" separator, which the rows (split at the tool) do not keep.
QString streamedText(const ChatHarness &h, const QString &session, const QString &runId = {})
{
    QString text;
    bool afterTool = false;
    for (const auto &e : h.events) {
        if (e.session != session ||
            (!runId.isEmpty() && e.payload.value(QLatin1String("run_id")).toString() != runId))
            continue;
        if (e.name == QLatin1String("tool.completed")) {
            afterTool = true;
        } else if (e.name == QLatin1String("message.delta")) {
            QString delta = e.payload.value(QLatin1String("delta")).toString();
            if (std::exchange(afterTool, false) && delta.startsWith(QLatin1String("\n\n")))
                delta.remove(0, 2);
            text += delta;
        }
    }
    return text;
}

QString storedAssistantText(ChatHarness &h, const QString &session, const QString &runId)
{
    QString text;
    for (const MessageRecord &m : h.store->messages(session)) {
        if (m.role == QLatin1String("assistant") && m.runId == runId)
            text += m.content;
    }
    return text;
}

QStringList rolesOf(ChatHarness &h, const QString &session)
{
    QStringList roles;
    for (const MessageRecord &m : h.store->messages(session))
        roles << m.role;
    return roles;
}

} // namespace

class TestFaultInjection : public QObject
{
    Q_OBJECT

    std::unique_ptr<SimProcess> m_sim;
    QTemporaryDir m_dir;
    int m_dbSerial = 0;

    QString freshDb() { return m_dir.filePath(QStringLiteral("f%1.db").arg(++m_dbSerial)); }

    static chat::ChatSettings settings()
    {
        chat::ChatSettings s = ChatHarness::fastSettings();
        s.graceMs = 1000;
        s.stream.quietCheckMs = 1500;
        s.stream.silentStreamMs = 2500;
        s.stream.giveUpAfterMs = 4000;
        return s;
    }

    // What the user sees once the dust settles: nothing running, nothing half-written, every run that
    // started has exactly one end, and the text that streamed is in the stored answer.
    static void verifySettled(ChatHarness &h, const QString &session)
    {
        chat::SessionController *c = h.manager->controller(session);
        QVERIFY2(!c->isWorking(), "the session is still working (a spinner would keep turning)");
        QVERIFY(!c->isAborting());
        QVERIFY2(c->pendingApprovals().isEmpty(), "an approval prompt is left open");
        QCOMPARE(c->queueLength(), 0);
        for (const MessageRecord &m : h.store->messages(session))
            QVERIFY2(m.status != QLatin1String(store::MessageStatus::Streaming),
                     qPrintable(QStringLiteral("row %1 (%2) is still streaming").arg(m.id).arg(m.role)));
        for (const store::RunRecord &r : h.store->runsForSession(session)) {
            QVERIFY2(QStringList({"completed", "failed", "cancelled", "interrupted"}).contains(r.status),
                     qPrintable(QStringLiteral("run %1 is left %2").arg(r.runId, r.status)));
        }
        QHash<QString, int> ends;
        QStringList started;
        for (const auto &e : h.events) {
            if (e.session != session)
                continue;
            const QString runId = e.payload.value(QLatin1String("run_id")).toString();
            if (e.name == QLatin1String("run.started"))
                started << runId;
            else if (e.name == QLatin1String("run.completed") || e.name == QLatin1String("run.cancelled") ||
                     (e.name == QLatin1String("run.failed") && !runId.isEmpty()) ||
                     (e.name == QLatin1String("abort.completed") &&
                      !e.payload.value(QLatin1String("ignored")).toBool()))
                ++ends[runId];
        }
        QCOMPARE(QSet<QString>(started.begin(), started.end()).size(),
                 started.size()); // no run started twice
        for (const QString &runId : std::as_const(started)) {
            QVERIFY2(ends.value(runId) == 1,
                     qPrintable(QStringLiteral("run %1 ended %2 times").arg(runId).arg(ends.value(runId))));
            const QString streamed = streamedText(h, session, runId);
            QVERIFY2(
                storedAssistantText(h, session, runId).startsWith(streamed),
                qPrintable(QStringLiteral("streamed text of %1 is not in the stored answer").arg(runId)));
        }
    }

    // The answer of a completed run is stored whole, and what streamed is a prefix of it.
    static void verifyCompleteAnswer(ChatHarness &h, const QString &session)
    {
        const QJsonObject done = h.last(QStringLiteral("run.completed"));
        const QString runId = done.value(QLatin1String("run_id")).toString();
        const QString output = done.value(QLatin1String("output")).toString();
        QVERIFY(!output.isEmpty());
        QCOMPARE(storedAssistantText(h, session, runId), output);
        QVERIFY2(output.startsWith(streamedText(h, session, runId)),
                 "the streamed text is not the answer's start");
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_sim = std::make_unique<SimProcess>(QStringList{"--key", "test-key", "--delay-ms", "5"});
        QVERIFY2(m_sim->isReady(), qPrintable(m_sim->errorString()));
    }

    void agentUnreachableAtStart()
    {
        FaultProxy proxy(m_sim->baseUrl());
        proxy.setListening(false); // nothing listens on the agent's port
        ChatHarness h(freshDb(), proxy.url(), "test-key", settings());
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(h.submit("u1", "anyone there?"), QString());
        QVERIFY(h.waitFor("run.failed", 1, 10000));
        QVERIFY2(clock.elapsed() < 8000, "an unreachable agent must be reported quickly");
        const QString error = h.last("run.failed").value("error").toString();
        QVERIFY2(error.contains("reach") && error.contains(proxy.url().toDisplayString()), qPrintable(error));
        QCOMPARE(h.count("run.started"), 0);
        QCOMPARE(rolesOf(h, "u1"), (QStringList{"user", "error"})); // the input is kept, the error shown
        verifySettled(h, "u1");

        proxy.setListening(true); // the agent comes up: the next message goes through
        QCOMPARE(h.submit("u1", "now?"), QString());
        QVERIFY(h.waitFor("run.completed", 1, 15000));
        QCOMPARE(proxy.startedRunIds().size(), 1);
        verifyCompleteAnswer(h, "u1");
        verifySettled(h, "u1");
    }

    void agentRestartedMidRun()
    {
        auto first = std::make_unique<SimProcess>(QStringList{"--key", "test-key", "--delay-ms", "5"});
        QVERIFY2(first->isReady(), qPrintable(first->errorString()));
        FaultProxy proxy(first->baseUrl());
        ChatHarness h(freshDb(), proxy.url(), "test-key", settings());
        QCOMPARE(h.submit("r1", "a long answer sim:slow"), QString());
        QVERIFY(h.waitFor("message.delta", 3));
        QCOMPARE(h.submit("r1", "queued while the agent restarts"), QString());
        const QString runId = h.manager->controller("r1")->runId();

        first.reset(); // the agent process stops; a fresh one (no memory of the run) takes its place
        SimProcess second({"--key", "test-key", "--delay-ms", "5"});
        QVERIFY2(second.isReady(), qPrintable(second.errorString()));
        proxy.setUpstream(second.baseUrl());

        QVERIFY(h.waitFor("run.failed", 1, 15000));
        const QJsonObject failed = h.last("run.failed");
        QCOMPARE(failed.value("run_id").toString(), runId);
        QVERIFY2(failed.value("error").toString().contains("no longer knows"),
                 qPrintable(failed.value("error").toString()));
        const QString streamed = streamedText(h, "r1", runId);
        QVERIFY(!streamed.isEmpty());
        QCOMPARE(storedAssistantText(h, "r1", runId), streamed); // what the user saw is kept

        QVERIFY(h.waitFor("run.completed", 1, 15000)); // the queued input runs on the new agent
        QCOMPARE(h.count("run.started"), 2);
        verifyCompleteAnswer(h, "r1");
        verifySettled(h, "r1");
    }

    void streamDroppedMidDelta()
    {
        FaultProxy proxy(m_sim->baseUrl());
        FaultProxy::Rule cut = rule("GET", "/events", Action::CutAfter);
        cut.bytes = 700; // a few frames, then the connection dies inside a frame's JSON
        proxy.addRule(cut);
        ChatHarness h(freshDb(), proxy.url(), "test-key", settings());
        QCOMPARE(h.submit("d1", "explain faults sim:deltas=40 sim:delay=20"), QString());
        QVERIFY(h.waitFor("run.completed", 1, 15000));
        QVERIFY(h.count("message.delta") >= 2);
        QVERIFY2(h.count("message.delta") < 40, "the cut should have lost some frames");
        verifyCompleteAnswer(h, "d1");
        verifySettled(h, "d1");
        QCOMPARE(proxy.startedRunIds().size(), 1);
    }

    void eventStreamNotFound()
    {
        FaultProxy proxy(m_sim->baseUrl());
        FaultProxy::Rule notFound = rule("GET", "/events", Action::Respond);
        notFound.status = 404;
        notFound.body = NotFoundBody;
        proxy.addRule(notFound);
        ChatHarness h(freshDb(), proxy.url(), "test-key", settings());
        QCOMPARE(h.submit("n1", "where did my stream go"), QString());
        QVERIFY(h.waitFor("run.completed", 1, 15000));
        QCOMPARE(h.count("message.delta"), 0);
        verifyCompleteAnswer(h, "n1");
        verifySettled(h, "n1");
        QVERIFY(!proxy.exchanges("GET", "/v1/runs/run_").isEmpty()); // it polled the status
    }

    void unauthorizedAfterKeyChange()
    {
        FaultProxy proxy(m_sim->baseUrl());
        ChatHarness h(freshDb(), proxy.url(), "test-key", settings());
        QCOMPARE(h.submit("k1", "first, with the old key"), QString());
        QVERIFY(h.waitFor("run.completed", 1, 15000));

        // The agent's key is changed (its .env edited and the gateway restarted).
        SimProcess rotated({"--key", "rotated-key", "--delay-ms", "5"});
        QVERIFY2(rotated.isReady(), qPrintable(rotated.errorString()));
        proxy.setUpstream(rotated.baseUrl());
        const qsizetype postsBefore = proxy.exchanges("POST", "/v1/runs").size();
        QCOMPARE(h.submit("k1", "second, refused"), QString());
        QVERIFY(h.waitFor("run.failed", 1, 10000));
        const QString error = h.last("run.failed").value("error").toString();
        QVERIFY2(error.contains("key") && error.contains("401"), qPrintable(error));
        QCOMPARE(proxy.exchanges("POST", "/v1/runs").size(), postsBefore + 1); // a refused key is not retried
        QCOMPARE(rolesOf(h, "k1").count("user"), 2);
        verifySettled(h, "k1");

        // The user enters the new key: the next message works.
        hermes::AgentEndpoint endpoint = h.manager->agent(h.manager->defaultProfile());
        endpoint.apiKey = QStringLiteral("rotated-key");
        h.manager->setAgent(endpoint);
        QCOMPARE(h.submit("k1", "third, with the new key"), QString());
        QVERIFY(h.waitFor("run.completed", 2, 15000));
        verifySettled(h, "k1");
    }

    void unauthorizedOnTheEventStream()
    {
        FaultProxy proxy(m_sim->baseUrl());
        FaultProxy::Rule refused = rule("GET", "/events", Action::Respond);
        refused.status = 401;
        refused.body =
            R"({"error": {"message": "Invalid API key", "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}})";
        proxy.addRule(refused);
        ChatHarness h(freshDb(), proxy.url(), "test-key", settings());
        QCOMPARE(h.submit("k2", "hello"), QString());
        QVERIFY(h.waitFor("run.failed", 1, 10000));
        QVERIFY(h.last("run.failed").value("error").toString().contains("key"));
        verifySettled(h, "k2");
    }

    void retryAfterIsHonoured_data()
    {
        QTest::addColumn<int>("status");
        QTest::newRow("429") << 429;
        QTest::newRow("503") << 503;
    }

    void retryAfterIsHonoured()
    {
        QFETCH(int, status);
        FaultProxy proxy(m_sim->baseUrl());
        FaultProxy::Rule busy = rule("POST", "/v1/runs", Action::Respond);
        busy.status = status;
        busy.times = 2;
        busy.headers = {{"Retry-After", "1"}};
        busy.body =
            R"({"error": {"message": "Busy", "type": "rate_limit_error", "param": null, "code": null}})";
        proxy.addRule(busy);
        ChatHarness h(freshDb(), proxy.url(), "test-key", settings());
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(h.submit("b1", "when you can"), QString());
        QVERIFY(h.waitFor("run.completed", 1, 20000));
        QVERIFY2(clock.elapsed() >= 1900, "Retry-After: 1 twice means at least two seconds of waiting");
        QCOMPARE(proxy.exchanges("POST", "/v1/runs").size(), 3);
        QCOMPARE(proxy.startedRunIds().size(), 1);
        QCOMPARE(h.count("run.failed"), 0);
        verifyCompleteAnswer(h, "b1");
        verifySettled(h, "b1");
    }

    void retryAfterIsBounded()
    {
        FaultProxy proxy(m_sim->baseUrl());
        FaultProxy::Rule busy = rule("POST", "/v1/runs", Action::Respond);
        busy.status = 429;
        busy.headers = {{"Retry-After", "3600"}}; // an hour: the client must not wait that long
        busy.body =
            R"({"error": {"message": "Slow down", "type": "rate_limit_error", "param": null, "code": null}})";
        proxy.addRule(busy);
        ChatHarness h(freshDb(), proxy.url(), "test-key", settings());
        hermes::HermesClient *client = h.manager->client(h.manager->defaultProfile());
        hermes::HermesClient::Options options = client->options();
        options.maxRetryAfterSeconds = 1;
        options.maxRetries = 2;
        client->setOptions(options);
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(h.submit("b2", "please"), QString());
        QVERIFY(h.waitFor("run.failed", 1, 10000));
        QVERIFY(clock.elapsed() < 6000);
        QVERIFY(h.last("run.failed").value("error").toString().contains("429"));
        QCOMPARE(proxy.exchanges("POST", "/v1/runs").size(), 3);
        verifySettled(h, "b2");
    }

    void slowLorisEventStream()
    {
        FaultProxy proxy(m_sim->baseUrl());
        FaultProxy::Rule trickle = rule("GET", "/events", Action::Trickle);
        trickle.intervalMs = 40; // 25 bytes a second: a frame takes seconds, the answer minutes
        proxy.addRule(trickle);
        ChatHarness h(freshDb(), proxy.url(), "test-key", settings());
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(h.submit("s1", "trickle"), QString());
        QVERIFY(h.waitFor("run.completed", 1, 15000));
        QVERIFY2(clock.elapsed() < 10000, "a trickling stream must not hold the answer back for long");
        verifyCompleteAnswer(h, "s1");
        verifySettled(h, "s1");
    }

    void slowLorisStatusAndStop()
    {
        // Every answer trickles, the head included: requests end by their own timeouts, the run by the
        // abort grace, and the session is usable again.
        FaultProxy proxy(m_sim->baseUrl());
        ChatHarness h(freshDb(), proxy.url(), "test-key", settings());
        hermes::HermesClient *client = h.manager->client(h.manager->defaultProfile());
        hermes::HermesClient::Options options = client->options();
        options.requestTimeoutMs = 1500;
        client->setOptions(options);
        QCOMPARE(h.submit("s2", "slow agent sim:silent"), QString());
        QVERIFY(h.waitFor("run.started", 1, 10000));
        FaultProxy::Rule trickle = rule(QByteArray(), QString(), Action::Trickle);
        trickle.intervalMs = 500;
        proxy.addRule(trickle);
        proxy.dropAllConnections(); // the stream breaks; from now on the agent answers at a crawl
        QElapsedTimer clock;
        clock.start();
        h.manager->controller("s2")->abort();
        QVERIFY(h.waitFor("abort.completed", 1, 10000));
        QVERIFY2(clock.elapsed() < 9000, "the grace and a bounded sync, not the agent's pace");
        verifySettled(h, "s2");
    }

    void streamNeverEnds_data()
    {
        QTest::addColumn<int>("action");
        QTest::newRow("keepalives only") << int(Action::FramesThenKeepalive);
        QTest::newRow("stalled") << int(Action::StallAfter);
    }

    void streamNeverEnds()
    {
        QFETCH(int, action);
        FaultProxy proxy(m_sim->baseUrl());
        FaultProxy::Rule quiet = rule("GET", "/events", Action(action));
        quiet.frames = 3;
        quiet.bytes = 400;
        quiet.intervalMs = 200;
        proxy.addRule(quiet);
        ChatHarness h(freshDb(), proxy.url(), "test-key", settings());
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(h.submit("q1", "a stream without an end sim:deltas=20 sim:delay=10"), QString());
        QVERIFY(h.waitFor("run.completed", 1, 15000));
        QVERIFY2(clock.elapsed() < 8000, "the wait for a terminal event must be bounded");
        verifyCompleteAnswer(h, "q1");
        verifySettled(h, "q1");
    }

    void lostAnswerToStartDoesNotStartTwice()
    {
        FaultProxy proxy(m_sim->baseUrl());
        FaultProxy::Rule lost = rule("POST", "/v1/runs", Action::DropAnswer);
        lost.times = 1; // the agent starts the run, its answer never arrives
        proxy.addRule(lost);
        ChatHarness h(freshDb(), proxy.url(), "test-key", settings());
        QCOMPARE(h.submit("p1", "start once"), QString());
        QVERIFY(h.waitFor("run.completed", 1, 15000));
        QCOMPARE(proxy.exchanges("POST", "/v1/runs").size(), 2);
        QCOMPARE(proxy.startedRunIds().size(), 1); // the retry was recognised as the same run
        QCOMPARE(h.count("run.failed"), 0);
        verifyCompleteAnswer(h, "p1");
        verifySettled(h, "p1");
    }

    void slowAnswerToStartDoesNotStartTwice()
    {
        FaultProxy proxy(m_sim->baseUrl());
        FaultProxy::Rule held = rule("POST", "/v1/runs", Action::Hold);
        held.times = 1;
        held.intervalMs = -1; // the answer never comes: the client's timeout decides
        proxy.addRule(held);
        ChatHarness h(freshDb(), proxy.url(), "test-key", settings());
        hermes::HermesClient *client = h.manager->client(h.manager->defaultProfile());
        hermes::HermesClient::Options options = client->options();
        options.startRunTimeoutMs = 1500;
        client->setOptions(options);
        QCOMPARE(h.submit("p2", "start once, slowly"), QString());
        QVERIFY(h.waitFor("run.completed", 1, 15000));
        QCOMPARE(proxy.startedRunIds().size(), 1);
        QCOMPARE(h.count("run.failed"), 0);
        verifySettled(h, "p2");
    }

    void crashBeforeTheAgentAnswersTheStart_data()
    {
        QTest::addColumn<int>("action");
        QTest::addColumn<int>("runsAtTheAgentBeforeRestart");
        QTest::newRow("the agent started it") << int(Action::Hold) << 1;
        QTest::newRow("the request was lost") << int(Action::Swallow) << 0;
    }

    void crashBeforeTheAgentAnswersTheStart()
    {
        QFETCH(int, action);
        QFETCH(int, runsAtTheAgentBeforeRestart);
        const QString db = freshDb();
        FaultProxy proxy(m_sim->baseUrl());
        FaultProxy::Rule cut = rule("POST", "/v1/runs", Action(action));
        cut.times = 1;
        cut.intervalMs = -1;
        proxy.addRule(cut);
        {
            ChatHarness h(db, proxy.url(), "test-key", settings());
            QCOMPARE(h.submit("c1", "started just before the crash"), QString());
            QTRY_COMPARE_WITH_TIMEOUT(proxy.exchanges("POST", "/v1/runs").size(), 1, 10000);
            QTest::qWait(300); // the agent has it (or not); Caduceus dies before hearing back
        }
        QCOMPARE(proxy.exchanges("POST", "/v1/runs").first().status, 0);
        proxy.dropAllConnections();

        ChatHarness h(db, proxy.url(), "test-key", settings());
        h.manager->recoverAfterStart();
        QVERIFY(h.waitFor("run.completed", 1, 15000));
        const auto posts = proxy.exchanges("POST", "/v1/runs");
        QCOMPARE(posts.size(), 2);
        QVERIFY(!posts[0].requestHeader("idempotency-key").isEmpty());
        QCOMPARE(posts[1].requestHeader("idempotency-key"), posts[0].requestHeader("idempotency-key"));
        QCOMPARE(proxy.startedRunIds().size(), 1); // replayed when the agent had it, started when it had not
        QCOMPARE(QJsonDocument::fromJson(posts[1].responseBody).object().value("replayed").toBool(),
                 runsAtTheAgentBeforeRestart == 1);
        QCOMPARE(rolesOf(h, "c1").count("user"), 1);
        verifyCompleteAnswer(h, "c1");
        verifySettled(h, "c1");
    }

    void abortWhileTheEndIsWritten()
    {
        // The run has ended at the agent and Caduceus is reading its transcript when the user presses stop.
        FaultProxy proxy(m_sim->baseUrl());
        FaultProxy::Rule slowSync = rule("GET", "/messages", Action::Hold);
        slowSync.times = 1;
        slowSync.intervalMs = 1500;
        proxy.addRule(slowSync);
        ChatHarness h(freshDb(), proxy.url(), "test-key", settings());
        auto *c = h.manager->controller("w1");
        QCOMPARE(h.submit("w1", "short sim:bench sim:deltas=3"), QString());
        QCOMPARE(h.submit("w1", "the queued one sim:bench sim:deltas=3"), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!proxy.exchanges("GET", "/messages").isEmpty(), 10000);
        const QString first = c->runId();
        c->abort();
        QVERIFY(h.waitFor("run.completed", 2, 15000));
        QTest::qWait(500);
        QCOMPARE(h.count("run.started"), 2);
        QCOMPARE(h.count("run.completed"), 2);
        QCOMPARE(h.store->run(first)->status, QStringLiteral("completed")); // not turned into "cancelled"
        QCOMPARE(proxy.startedRunIds().size(), 2);
        verifySettled(h, "w1");
    }

    void approvalTimesOut()
    {
        SimProcess sim({"--key", "test-key", "--delay-ms", "5", "--approval-timeout-ms", "800"});
        QVERIFY2(sim.isReady(), qPrintable(sim.errorString()));
        ChatHarness h(freshDb(), sim.baseUrl(), "test-key", settings());
        QCOMPARE(h.submit("a1", "clean up sim:approval"), QString());
        QVERIFY(h.waitFor("approval.request", 1, 10000));
        QCOMPARE(h.manager->controller("a1")->pendingApprovals().size(), 1);
        // Nobody answers; the agent denies on its own and says nothing about it.
        QVERIFY(h.waitFor("run.completed", 1, 15000));
        QVERIFY(h.manager->controller("a1")->pendingApprovals().isEmpty());
        const QJsonArray replay = h.manager->controller("a1")->resumePayload().value("events").toArray();
        for (const QJsonValue &event : replay)
            QVERIFY2(event.toObject().value("event").toString() != "approval.request",
                     "a reconnecting client would be shown an approval that expired");
        verifySettled(h, "a1");
    }

    void stopNeverConfirms()
    {
        FaultProxy proxy(m_sim->baseUrl());
        FaultProxy::Rule stopHangs = rule("POST", "/stop", Action::Hold);
        stopHangs.intervalMs = -1; // the stop request never gets an answer
        proxy.addRule(stopHangs);
        ChatHarness h(freshDb(), proxy.url(), "test-key", settings());
        auto *c = h.manager->controller("x1");
        QCOMPARE(h.submit("x1", "ignore the stop sim:nocancel sim:slow"), QString());
        QVERIFY(h.waitFor("message.delta", 2));
        QCOMPARE(h.submit("x1", "the next question"), QString());
        const QString stoppedRun = c->runId();
        QElapsedTimer clock;
        clock.start();
        c->abort();
        QVERIFY(h.waitFor("abort.completed", 1, 10000));
        QVERIFY(clock.elapsed() >= 900 && clock.elapsed() < 9000); // the grace and a bounded sync, not more
        QVERIFY(h.waitFor("run.completed", 1, 20000));             // the queued question ran
        QTest::qWait(1500); // the stopped run goes on at the agent: its late end must not show up
        QCOMPARE(h.count("run.completed"), 1);
        QVERIFY(h.last("run.completed").value("run_id").toString() != stoppedRun);
        const auto runs = h.store->runsForSession("x1");
        QCOMPARE(runs.size(), 2);
        QVERIFY(!storedAssistantText(h, "x1", stoppedRun).isEmpty()); // the partial answer stays
        verifySettled(h, "x1");
    }
};

QTEST_GUILESS_MAIN(TestFaultInjection)
#include "tst_fault_injection.moc"
