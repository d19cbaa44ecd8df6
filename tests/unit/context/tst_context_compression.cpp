// Context compression end to end (SPEC 5.2): a SessionManager against hermes-sim, which writes the summary
// like any answer. hermes-sim's demo answer says how many history items it was sent ("building on the N
// earlier messages"), which is how these tests see what the summary run and the real run received.
#include "ChatHarness.h"
#include "chat/ContextBuilder.h"
#include "chat/ContextCompressor.h"
#include "chat/TokenEstimator.h"
#include "hermes/HermesClient.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>

using namespace caduceus;
using caduceus::test::ChatHarness;
using caduceus::test::SimProcess;
using store::MessageRecord;

namespace {

// "building on the 26 earlier messages" → 26; -1 when the answer does not say.
int historyCountIn(const QString &answer)
{
    static const QRegularExpression pattern(QStringLiteral("building on the (\\d+) earlier messages"));
    const auto match = pattern.match(answer);
    return match.hasMatch() ? match.captured(1).toInt() : -1;
}

int indexOf(const QStringList &names, const QString &name)
{
    return int(names.indexOf(name));
}

} // namespace

class TestContextCompression : public QObject
{
    Q_OBJECT

    std::unique_ptr<SimProcess> m_sim;
    QTemporaryDir m_dir;
    int m_dbSerial = 0;

    QString freshDb() { return m_dir.filePath(QStringLiteral("c%1.db").arg(++m_dbSerial)); }

    static chat::ChatSettings settings(int threshold, int tail)
    {
        chat::ChatSettings s = ChatHarness::fastSettings();
        s.compression.messageThreshold = threshold;
        s.compression.verbatimTail = tail;
        s.compression.runTimeoutMs = 20000;
        return s;
    }

    // `rounds` user/assistant pairs of ~400 characters each, and a notice every fifth round (not a history
    // item, so item indexes and row positions differ). Returns the ids of the history rows in item order.
    static QList<qint64> seed(ChatHarness &h, const QString &session, int rounds, int from = 0)
    {
        if (!h.store->session(session)) {
            store::SessionRecord s;
            s.id = session;
            h.store->createSession(s);
        }
        const QString filler =
            QStringLiteral(" The parser keeps partial frames between reads and the tests split "
                           "the input at every offset to prove it.")
                .repeated(3);
        QList<qint64> ids;
        for (int i = from; i < from + rounds; ++i) {
            MessageRecord u;
            u.sessionId = session;
            u.role = QStringLiteral("user");
            u.content = QStringLiteral("Question %1.").arg(i) + filler;
            h.store->appendMessage(u);
            ids << u.id;
            MessageRecord a;
            a.sessionId = session;
            a.role = QStringLiteral("assistant");
            a.content = QStringLiteral("Answer %1.").arg(i) + filler;
            h.store->appendMessage(a);
            ids << a.id;
            if (i % 5 == 4) {
                MessageRecord n;
                n.sessionId = session;
                n.role = QStringLiteral("notice");
                n.content = QStringLiteral("Allowed once");
                h.store->appendMessage(n);
            }
        }
        return ids;
    }

    static QString lastAssistantText(ChatHarness &h, const QString &session)
    {
        const auto rows = h.store->messages(session, 0, 20);
        for (qsizetype i = rows.size() - 1; i >= 0; --i) {
            if (rows[i].role == QLatin1String("assistant"))
                return rows[i].content;
        }
        return {};
    }

    static QStringList compressIdsQueued(ChatHarness &h)
    {
        QStringList ids;
        for (const store::GcItem &item : h.store->dueAgentDeletes(1e12, 1000)) {
            if (item.agentSessionId.startsWith(QLatin1String("compress_")))
                ids << item.agentSessionId;
        }
        return ids;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_sim = std::make_unique<SimProcess>(QStringList{"--key", "test-key", "--delay-ms", "1"});
        QVERIFY2(m_sim->isReady(), qPrintable(m_sim->errorString()));
    }

    void shortHistoryIsSentWhole()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl(), QStringLiteral("test-key"), settings(200, 20));
        seed(h, "s1", 15);
        QCOMPARE(h.submit("s1", "What next?"), QString());
        QVERIFY(h.waitFor("run.completed"));
        QCOMPARE(h.count("compression.started"), 0);
        QCOMPARE(h.count("compression.completed"), 0);
        QCOMPARE(historyCountIn(lastAssistantText(h, "s1")), 30);
        QVERIFY(!h.store->latestSnapshot("s1"));
    }

    void fullThenIncrementalSummary()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl(), QStringLiteral("test-key"), settings(10, 4));
        const QList<qint64> ids = seed(h, "s1", 15); // 30 items, 33 rows
        QCOMPARE(h.submit("s1", "What next? sim:delay=30"), QString());
        QVERIFY(h.waitFor("compression.completed"));
        QVERIFY(h.waitFor("message.delta"));
        // While the run is in flight the compression events are part of the replay.
        const QJsonArray replay = h.manager->controller("s1")->resumePayload().value("events").toArray();
        QStringList replayed;
        for (const QJsonValue &e : replay)
            replayed << e.toObject().value("event").toString();
        QVERIFY2(replayed.contains("compression.started") && replayed.contains("compression.completed"),
                 qPrintable(replayed.join(',')));
        QVERIFY(h.waitFor("run.completed", 1, 60000));

        const QStringList names = h.names();
        QVERIFY(indexOf(names, "compression.started") < indexOf(names, "compression.completed"));
        QVERIFY(indexOf(names, "compression.completed") < indexOf(names, "run.started"));
        // usage.updated right after the compression, before the run starts
        const int usageAfter = int(names.indexOf("usage.updated", indexOf(names, "compression.completed")));
        QVERIFY(usageAfter > 0 && usageAfter < indexOf(names, "run.started"));

        const QJsonObject started = h.last("compression.started");
        QCOMPARE(started.value("message_count").toInt(), 30);
        QVERIFY(started.value("token_count").toInteger() > 1000);
        QCOMPARE(started.value("session_id").toString(), QStringLiteral("s1"));
        const QJsonObject done = h.last("compression.completed");
        QCOMPARE(done.value("event").toString(), QStringLiteral("compression.completed"));
        QCOMPARE(done.value("compressed").toBool(), true);
        QCOMPARE(done.value("llmCompressed").toBool(), true);
        QCOMPARE(done.value("totalMessages").toInt(), 30);
        QCOMPARE(done.value("verbatimCount").toInt(), 4);
        QCOMPARE(done.value("resultMessages").toInt(), 5);
        QCOMPARE(done.value("compressedStartIndex").toInt(), 0);
        QCOMPARE(done.value("lastMessageIndex").toInt(), 25);
        QVERIFY(!done.contains("error"));
        QVERIFY(done.value("summaryTokens").toInt() > 0);
        QCOMPARE(done.value("beforeTokens").toInteger(), started.value("token_count").toInteger());
        QVERIFY(done.value("afterTokens").toInteger() < done.value("beforeTokens").toInteger());
        const QJsonObject usage = h.events[usageAfter].payload;
        QCOMPARE(usage.value("inputTokens").toInteger() + usage.value("outputTokens").toInteger(),
                 done.value("afterTokens").toInteger());

        // The snapshot names the 26th item by index and by stored id; the summary run saw those 26 items.
        const auto snap = h.store->latestSnapshot("s1");
        QVERIFY(snap);
        QCOMPARE(snap->lastMessageIndex, 25);
        QCOMPARE(snap->lastMessageId, ids.at(25));
        QCOMPARE(historyCountIn(snap->summary), 26);
        // The real run was sent the summary and the 4 newest items.
        QCOMPARE(historyCountIn(lastAssistantText(h, "s1")), 5);
        // The summary's agent session is queued for deletion, and its run is on the usage record.
        const QStringList queued = compressIdsQueued(h);
        QCOMPARE(queued.size(), 1);
        bool recorded = false;
        for (const store::RunRecord &r : h.store->runsForSession("s1"))
            recorded = recorded || (r.agentSessionId == queued.first() && r.status == "completed");
        QVERIFY(recorded);

        // More turns: 15 more rounds come after the snapshot → the next run folds them in on top of it.
        const int itemsNow = int(chat::ContextBuilder(h.store.get(), "s1").history().size()); // 32
        seed(h, "s1", 15, 100);
        h.events.clear();
        QCOMPARE(h.submit("s1", "And then?"), QString());
        QVERIFY(h.waitFor("run.completed", 1, 60000));
        const QJsonObject again = h.last("compression.completed");
        const int total = itemsNow + 30;
        QCOMPARE(h.last("compression.started").value("message_count").toInt(), total - 26);
        QCOMPARE(again.value("llmCompressed").toBool(), true);
        QCOMPARE(again.value("totalMessages").toInt(), total);
        QCOMPARE(again.value("compressedStartIndex").toInt(), 26);
        QCOMPARE(again.value("lastMessageIndex").toInt(), total - 5);
        QCOMPARE(again.value("verbatimCount").toInt(), 4);
        const auto second = h.store->latestSnapshot("s1");
        QVERIFY(second && second->id > snap->id);
        QCOMPARE(second->lastMessageIndex, total - 5);
        // The incremental run got the earlier note plus the items after it, up to the verbatim tail.
        QCOMPARE(historyCountIn(second->summary), 1 + (total - 4 - 26));
        QCOMPARE(historyCountIn(lastAssistantText(h, "s1")), 5);
        QCOMPARE(compressIdsQueued(h).size(), 2);
    }

    void failedSummaryFallsBackToThePreviousOne()
    {
        chat::ChatSettings s = settings(10, 4);
        s.compression.extraGuidance = QStringLiteral("sim:fail"); // hermes-sim fails runs that carry it
        ChatHarness h(freshDb(), m_sim->baseUrl(), QStringLiteral("test-key"), s);
        const QList<qint64> ids = seed(h, "s1", 15);
        store::CompressionSnapshot previous;
        previous.sessionId = QStringLiteral("s1");
        previous.summary = QStringLiteral("## Active task\nHardening the SSE parser.");
        previous.lastMessageIndex = 9;
        previous.lastMessageId = ids.at(9);
        QVERIFY(h.store->saveSnapshot(previous));

        QCOMPARE(h.submit("s1", "Continue"), QString());
        QVERIFY(h.waitFor("run.completed", 1, 60000));
        const QJsonObject done = h.last("compression.completed");
        QCOMPARE(done.value("llmCompressed").toBool(), false);
        QCOMPARE(done.value("compressed").toBool(), true); // the previous summary is still in use
        QVERIFY2(done.value("error").toString().contains("failed"),
                 qPrintable(done.value("error").toString()));
        QCOMPARE(done.value("compressedStartIndex").toInt(), -1);
        QCOMPARE(done.value("lastMessageIndex").toInt(), 9);
        QCOMPARE(done.value("verbatimCount").toInt(), 20);
        QCOMPARE(done.value("resultMessages").toInt(), 21);
        QCOMPARE(done.value("afterTokens").toInteger(), done.value("beforeTokens").toInteger());
        QCOMPARE(h.store->latestSnapshot("s1")->id, previous.id);
        // The run went ahead with the previous summary and everything after it.
        QCOMPARE(historyCountIn(lastAssistantText(h, "s1")), 21);
        QCOMPARE(compressIdsQueued(h).size(), 1);
    }

    void failedFirstSummarySendsTheWholeHistory()
    {
        chat::ChatSettings s = settings(10, 4);
        s.compression.extraGuidance = QStringLiteral("sim:fail");
        ChatHarness h(freshDb(), m_sim->baseUrl(), QStringLiteral("test-key"), s);
        seed(h, "s1", 15);
        QCOMPARE(h.submit("s1", "Continue"), QString());
        QVERIFY(h.waitFor("run.completed", 1, 60000));
        const QJsonObject done = h.last("compression.completed");
        QCOMPARE(done.value("compressed").toBool(), false);
        QCOMPARE(done.value("llmCompressed").toBool(), false);
        QVERIFY(!done.value("error").toString().isEmpty());
        QCOMPARE(done.value("lastMessageIndex").toInt(), -1);
        QCOMPARE(done.value("summaryTokens").toInt(), 0);
        QCOMPARE(done.value("resultMessages").toInt(), 30);
        QVERIFY(!h.store->latestSnapshot("s1"));
        QCOMPARE(historyCountIn(lastAssistantText(h, "s1")), 30);
    }

    void unreachableAgentFailsTheSummaryClearly()
    {
        // A port nobody listens on: the compressor reports, it never hangs.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        QNetworkAccessManager nam;
        hermes::AgentEndpoint endpoint;
        endpoint.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
        hermes::HermesClient client(endpoint, &nam);
        hermes::HermesClient::Options o;
        o.maxRetries = 0;
        client.setOptions(o);
        chat::ContextCompressor compressor(&client, nullptr);
        QSignalSpy finished(&compressor, &chat::ContextCompressor::finished);
        chat::ContextCompressor::Request request;
        request.sessionId = QStringLiteral("s1");
        request.items = QJsonArray{QJsonObject{{"role", "user"}, {"content", "hello"}},
                                   QJsonObject{{"role", "assistant"}, {"content", "hi"}}};
        compressor.start(request);
        QCOMPARE(finished.count(), 0); // never from inside start()
        QVERIFY(finished.wait(15000));
        const auto result = finished.first().first().value<chat::ContextCompressor::Result>();
        QVERIFY(!result.ok);
        QVERIFY2(result.error.contains("could not start"), qPrintable(result.error));
        QCOMPARE(result.runs, 1);
    }

    void indexSpaceHoldsAfterPaging()
    {
        // 350 rounds = 700 items: more than the 500 messages a controller keeps in memory. The snapshot must
        // be in the full-history index space, and the usage shown after a restart must match it (SPEC 9.4).
        const QString db = freshDb();
        QList<qint64> ids;
        {
            ChatHarness h(db, m_sim->baseUrl(), QStringLiteral("test-key"), settings(200, 20));
            ids = seed(h, "big", 350);
            QCOMPARE(h.submit("big", "Summarise our progress"), QString());
            QVERIFY(h.waitFor("run.completed", 1, 60000));
            QVERIFY(h.manager->controller("big")->hasOlderMessages());
            const QJsonObject done = h.last("compression.completed");
            QCOMPARE(done.value("totalMessages").toInt(), 700);
            QCOMPARE(done.value("lastMessageIndex").toInt(), 679);
            const auto snap = h.store->latestSnapshot("big");
            QVERIFY(snap);
            QCOMPARE(snap->lastMessageIndex, 679);
            QCOMPARE(snap->lastMessageId, ids.at(679));
            QCOMPARE(historyCountIn(lastAssistantText(h, "big")), 21);
        }
        ChatHarness restarted(db, m_sim->baseUrl(), QStringLiteral("test-key"), settings(200, 20));
        const auto snap = restarted.store->latestSnapshot("big");
        qint64 input = chat::ContextBuilder::summaryTokens(snap->summary), output = 0;
        for (const MessageRecord &m : restarted.store->messagesAfter("big", snap->lastMessageId)) {
            if (m.role == "user")
                input += chat::TokenEstimator::estimateMessage(m);
            else if (m.role == "assistant" || m.role == "tool")
                output += chat::TokenEstimator::estimateMessage(m);
        }
        restarted.manager->controller("big")->ensureTokens(); // as the relay does before `resumed`
        const QJsonObject resumed = restarted.manager->controller("big")->resumePayload();
        QCOMPARE(resumed.value("inputTokens").toInteger(), input);
        QCOMPARE(resumed.value("outputTokens").toInteger(), output);
        // The next run sends the summary and what followed it, without compressing again.
        QCOMPARE(restarted.submit("big", "One more thing"), QString());
        QVERIFY(restarted.waitFor("run.completed", 1, 60000));
        QCOMPARE(restarted.count("compression.started"), 0);
        QCOMPARE(historyCountIn(lastAssistantText(restarted, "big")), 1 + 20 + 2);
    }

    void abortWhileCompressingStartsNoRun()
    {
        chat::ChatSettings s = settings(10, 4);
        s.compression.extraGuidance = QStringLiteral("sim:slow");
        ChatHarness h(freshDb(), m_sim->baseUrl(), QStringLiteral("test-key"), s);
        seed(h, "s1", 15);
        QCOMPARE(h.submit("s1", "Go on"), QString());
        QVERIFY(h.waitFor("compression.started"));
        h.manager->controller("s1")->abort();
        QVERIFY(h.waitFor("abort.completed", 1, 15000));
        QCOMPARE(h.count("run.started"), 0);
        QCOMPARE(h.last("abort.completed").value("synced").toBool(true), false);
        QVERIFY(!h.manager->controller("s1")->isWorking());
        // The summary run was given up and its agent session queued for deletion.
        QTRY_COMPARE_WITH_TIMEOUT(compressIdsQueued(h).size(), 1, 5000);
        QVERIFY(!h.store->latestSnapshot("s1"));
    }
};

QTEST_GUILESS_MAIN(TestContextCompression)
#include "tst_context_compression.moc"
