// The context budget holds (issue 16 §1): whatever the sizes of the stored messages, what the agent is sent
// as conversation_history plus the new input fits half the model's context length (the other half is left for
// the agent's instructions, its tools and the answer; HistoryPreparation.h). A SessionManager talks to
// hermes-sim through RunCapture, which keeps the body of every POST /v1/runs: the checks are on what the
// agent really received, summary runs included, measured here with TokenEstimator.
#include "ChatHarness.h"
#include "RunCapture.h"
#include "chat/HistoryBuilder.h"
#include "chat/HistoryPreparation.h"
#include "chat/TokenEstimator.h"

#include <QJsonArray>

using namespace caduceus;
using caduceus::test::ChatHarness;
using caduceus::test::RunCapture;
using caduceus::test::SimProcess;
using chat::TokenEstimator;
using store::MessageRecord;

namespace {

// Prose of about `tokens` estimated tokens, starting with `head` and ending with `tail`.
QString textOfTokens(const QString &head, int tokens, const QString &tail = {})
{
    static const QString sentence = QStringLiteral(
        "The parser keeps partial frames between reads, and the tests split the input at every "
        "offset to prove that nothing is lost or doubled. ");
    const int per = TokenEstimator::estimate(sentence);
    QString text = head + QLatin1Char(' ') + sentence.repeated(qMax(1, tokens / per));
    while (TokenEstimator::estimate(text + tail) < tokens)
        text += sentence;
    return text + tail;
}

int itemTokens(const QJsonObject &item)
{
    return TokenEstimator::estimate(item.value(QLatin1String("content")).toString()) +
           TokenEstimator::MessageOverhead;
}

// conversation_history + input of one captured run, as the estimator counts them.
qint64 conversationTokens(const QJsonObject &run)
{
    qint64 total = TokenEstimator::estimate(run.value(QLatin1String("input")).toString()) +
                   TokenEstimator::MessageOverhead;
    for (const QJsonValue &item : run.value(QLatin1String("conversation_history")).toArray())
        total += itemTokens(item.toObject());
    return total;
}

} // namespace

class TestContextBudget : public QObject
{
    Q_OBJECT

    std::unique_ptr<SimProcess> m_sim;
    QTemporaryDir m_dir;
    int m_dbSerial = 0;

    QString freshDb() { return m_dir.filePath(QStringLiteral("b%1.db").arg(++m_dbSerial)); }

    // A harness whose agent is reached through `capture` and whose profile says model.context_length.
    std::unique_ptr<ChatHarness> harness(RunCapture &capture, qint64 contextLength)
    {
        chat::ChatSettings s = ChatHarness::fastSettings();
        s.compression.runTimeoutMs = 20000;
        auto h = std::make_unique<ChatHarness>(freshDb(), capture.url(), QStringLiteral("test-key"), s);
        hermes::AgentEndpoint endpoint;
        endpoint.baseUrl = capture.url();
        endpoint.apiKey = QStringLiteral("test-key");
        endpoint.contextLength = contextLength; // as config.yaml's model.context_length gives it
        h->manager->setAgent(endpoint);
        store::SessionRecord session;
        session.id = QStringLiteral("s1");
        h->store->createSession(session);
        return h;
    }

    static MessageRecord add(ChatHarness &h, const QString &role, const QString &content,
                             const QString &toolCallId = {}, const QJsonArray &toolCalls = {})
    {
        MessageRecord m;
        m.sessionId = QStringLiteral("s1");
        m.role = role;
        m.content = content;
        m.toolCallId = toolCallId;
        m.toolName = toolCallId.isEmpty() ? QString() : QStringLiteral("terminal");
        m.toolCalls = toolCalls;
        h.store->appendMessage(m);
        return m;
    }

    // Every run the agent got (summary runs too) fits half the context length.
    static void verifyEveryRunFits(const RunCapture &capture, qint64 contextLength)
    {
        QVERIFY(!capture.runs.isEmpty());
        for (const QJsonObject &run : capture.runs) {
            const qint64 sent = conversationTokens(run);
            QVERIFY2(
                sent <= contextLength / 2,
                qPrintable(QStringLiteral("run of %1 sent %2 tokens (%3 history items) to a %4-token window")
                               .arg(run.value("session_id").toString())
                               .arg(sent)
                               .arg(run.value("conversation_history").toArray().size())
                               .arg(contextLength)));
        }
    }

    static QString joinedHistory(const QJsonObject &run)
    {
        QStringList parts;
        for (const QJsonValue &item : run.value(QLatin1String("conversation_history")).toArray())
            parts << item.toObject().value(QLatin1String("content")).toString();
        return parts.join(QLatin1Char('\n'));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_sim = std::make_unique<SimProcess>(QStringList{"--key", "test-key", "--delay-ms", "1"});
        QVERIFY2(m_sim->isReady(), qPrintable(m_sim->errorString()));
    }

    void sixLargeTurnsInA2000TokenWindowAreCompressed()
    {
        // The case of the report: six turns of ~800 tokens (≈ 4 800 tokens) with model.context_length 2000.
        RunCapture capture(m_sim->baseUrl());
        QVERIFY(capture.isListening());
        auto h = harness(capture, 2000);
        for (int i = 0; i < 6; ++i) {
            add(*h, "user", textOfTokens(QStringLiteral("Question %1:").arg(i), 300));
            add(*h, "assistant", textOfTokens(QStringLiteral("Answer %1:").arg(i), 500));
        }
        QCOMPARE(h->submit("s1", "What should we do next?"), QString());
        QVERIFY(h->waitFor("run.completed", 1, 60000));
        verifyEveryRunFits(capture, 2000);

        QCOMPARE(h->count("compression.started"), 1);
        const QJsonObject started = h->last("compression.started");
        const QJsonObject done = h->last("compression.completed");
        QVERIFY(started.value("token_count").toInteger() > 4500);
        QCOMPARE(done.value("llmCompressed").toBool(), true);
        QCOMPARE(done.value("compressed").toBool(), true);
        QVERIFY2(!done.contains("error"), qPrintable(done.value("error").toString()));
        QCOMPARE(done.value("budgetTokens").toInteger(), 1000);
        QCOMPARE(done.value("beforeTokens").toInteger(), started.value("token_count").toInteger());
        QVERIFY(capture.summaryRuns().size() >= 1);
        const QList<QJsonObject> chat = capture.chatRuns();
        QCOMPARE(chat.size(), 1);
        const QJsonArray sent = chat.first().value("conversation_history").toArray();
        // The summary first, then the newest answer (all the verbatim tail has room for).
        QVERIFY(sent.size() >= 2);
        QVERIFY(sent.at(0).toObject().value("content").toString().startsWith(
            chat::ContextBuilder::summaryNotice()));
        QVERIFY(sent.last().toObject().value("content").toString().startsWith(QStringLiteral("Answer 5:")));
        // The figures are those of what was sent.
        QCOMPARE(done.value("afterTokens").toInteger(), conversationTokens(chat.first()));
        QCOMPARE(done.value("resultMessages").toInt(), sent.size());
        QCOMPARE(done.value("summaryTokens").toInt(), itemTokens(sent.at(0).toObject()));
        QCOMPARE(done.value("verbatimCount").toInt(), sent.size() - 1);
    }

    void pasteOfTenThousandTokensInA2000TokenWindowIsCut()
    {
        // Too short a history to summarise (4 items or fewer): the paste is cut, head and tail kept.
        RunCapture capture(m_sim->baseUrl());
        auto h = harness(capture, 2000);
        const QString paste =
            textOfTokens(QStringLiteral("PASTE-HEAD"), 10000, QStringLiteral(" PASTE-TAIL"));
        add(*h, "user", paste);
        add(*h, "assistant", QStringLiteral("That log shows the parser losing a frame at offset 4096."));
        QCOMPARE(h->submit("s1", "Where exactly?"), QString());
        QVERIFY(h->waitFor("run.completed", 1, 60000));
        QCOMPARE(h->count("compression.started"), 0);

        verifyEveryRunFits(capture, 2000);
        const QJsonArray sent = capture.chatRuns().first().value("conversation_history").toArray();
        QCOMPARE(sent.size(), 2);
        const QString cut = sent.at(0).toObject().value("content").toString();
        QVERIFY(cut.startsWith(QStringLiteral("PASTE-HEAD")));
        QVERIFY(cut.endsWith(QStringLiteral("PASTE-TAIL")));
        QVERIFY2(cut.contains(QStringLiteral("characters cut to fit the context window")),
                 qPrintable(cut.left(300)));
        QVERIFY(cut.size() < paste.size() / 4);
        QCOMPARE(sent.at(1).toObject().value("content").toString(),
                 QStringLiteral("That log shows the parser losing a frame at offset 4096."));
    }

    void pasteInALongerHistoryIsSummarisedInRunsThatFit()
    {
        // The same paste in a history long enough to summarise: the summary run gets it cut to fit, head and
        // tail kept; the run that follows gets the summary and the newest answer.
        RunCapture capture(m_sim->baseUrl());
        auto h = harness(capture, 2000);
        for (int i = 0; i < 4; ++i) {
            add(*h, "user", QStringLiteral("Question %1 about the parser.").arg(i));
            add(*h, "assistant", QStringLiteral("Answer %1: it keeps partial frames.").arg(i));
        }
        add(*h, "user", textOfTokens(QStringLiteral("PASTE-HEAD"), 10000, QStringLiteral(" PASTE-TAIL")));
        add(*h, "assistant", QStringLiteral("The log shows a lost frame."));
        QCOMPARE(h->submit("s1", "Why?"), QString());
        QVERIFY(h->waitFor("run.completed", 1, 60000));
        QCOMPARE(h->count("compression.completed"), 1);
        QCOMPARE(h->last("compression.completed").value("llmCompressed").toBool(), true);
        verifyEveryRunFits(capture, 2000);
        bool pasteSummarised = false;
        for (const QJsonObject &run : capture.summaryRuns()) {
            const QString history = joinedHistory(run);
            pasteSummarised = pasteSummarised ||
                              (history.contains(QStringLiteral("PASTE-HEAD")) &&
                               history.contains(QStringLiteral("PASTE-TAIL")) &&
                               history.contains(QStringLiteral("characters cut to fit the context window")));
        }
        QVERIFY(pasteSummarised);
        const QJsonArray sent = capture.chatRuns().first().value("conversation_history").toArray();
        QCOMPARE(sent.size(), 2);
        QCOMPARE(sent.at(1).toObject().value("content").toString(),
                 QStringLiteral("The log shows a lost frame."));
    }

    void twentyTenThousandTokenToolResultsIn128kWindow()
    {
        // Tool output reaches the agent cut to its first 4 000 and last 1 500 characters (SPEC 5.1): twenty
        // 10 000-token results are ≈ 30 000 tokens as sent, which fits 64 000. The estimate must count what
        // is sent: no summary run for a conversation that fits, and usage.updated near what was sent.
        RunCapture capture(m_sim->baseUrl());
        auto h = harness(capture, 128000);
        for (int i = 0; i < 20; ++i) {
            const QString callId = QStringLiteral("call_%1").arg(i);
            add(*h, "user", QStringLiteral("Run the test suite, part %1.").arg(i));
            add(*h, "assistant", QStringLiteral("Running part %1.").arg(i), {},
                QJsonArray{
                    QJsonObject{{"id", callId},
                                {"type", "function"},
                                {"function", QJsonObject{{"name", "terminal"}, {"arguments", "{}"}}}}});
            add(*h, "tool", textOfTokens(QStringLiteral("TOOL-%1-HEAD").arg(i), 10000), callId);
            add(*h, "assistant", QStringLiteral("Part %1 passed.").arg(i));
        }
        QCOMPARE(h->submit("s1", "Summarise the failures."), QString());
        QVERIFY(h->waitFor("run.completed", 1, 60000));
        verifyEveryRunFits(capture, 128000);
        QCOMPARE(h->count("compression.started"), 0);
        const QJsonObject run = capture.chatRuns().first();
        QCOMPARE(run.value("conversation_history").toArray().size(), 80);
        const qint64 sent = conversationTokens(run);
        h->manager->controller("s1")->ensureTokens();
        const QJsonObject resumed = h->manager->controller("s1")->resumePayload();
        const qint64 shown =
            resumed.value("inputTokens").toInteger() + resumed.value("outputTokens").toInteger();
        // What is shown also counts the answer that just arrived; it is far from the 200 000 stored.
        QVERIFY2(shown < sent + 2000 && shown > sent / 2,
                 qPrintable(QStringLiteral("shown %1, sent %2").arg(shown).arg(sent)));
    }

    void twentyTenThousandTokenAnswersIn128kWindow()
    {
        // Answers are sent whole (no per-item cut): twenty of 10 000 tokens are 200 000 tokens. The verbatim
        // tail is bounded by tokens, so the summary and the tail together fit.
        RunCapture capture(m_sim->baseUrl());
        auto h = harness(capture, 128000);
        for (int i = 0; i < 20; ++i) {
            add(*h, "user", QStringLiteral("Write part %1 of the report.").arg(i));
            add(*h, "assistant", textOfTokens(QStringLiteral("Part %1:").arg(i), 10000));
        }
        QCOMPARE(h->submit("s1", "Now the conclusion."), QString());
        QVERIFY(h->waitFor("run.completed", 1, 120000));
        verifyEveryRunFits(capture, 128000);
        QCOMPARE(h->count("compression.started"), 1);
        const QJsonObject done = h->last("compression.completed");
        QCOMPARE(done.value("llmCompressed").toBool(), true);
        QCOMPARE(done.value("budgetTokens").toInteger(), 64000);
        const QJsonObject run = capture.chatRuns().first();
        QCOMPARE(done.value("afterTokens").toInteger(), conversationTokens(run));
        QVERIFY(done.value("verbatimCount").toInt() < 20);
        QVERIFY(done.value("verbatimCount").toInt() >= 2);
        QVERIFY(joinedHistory(run).contains(QStringLiteral("Part 19:")));
        // The summary run(s) got what the tail left, in runs that fit the same budget.
        QVERIFY(capture.summaryRuns().size() >= 2);
    }

    void inputOverTheBudgetSendsNoHistoryAndSaysSo()
    {
        // Degraded, predictably: a new message alone over the conversation budget leaves no room for history.
        RunCapture capture(m_sim->baseUrl());
        auto h = harness(capture, 2000);
        for (int i = 0; i < 6; ++i) {
            add(*h, "user", QStringLiteral("Question %1 about the parser.").arg(i));
            add(*h, "assistant", textOfTokens(QStringLiteral("Answer %1:").arg(i), 300));
        }
        QCOMPARE(h->submit("s1", textOfTokens(QStringLiteral("Another paste:"), 1500)), QString());
        QVERIFY(h->waitFor("run.completed", 1, 60000));
        const QJsonObject done = h->last("compression.completed");
        QVERIFY2(done.value("notice").toString().contains(QStringLiteral("no history was sent")),
                 qPrintable(QJsonDocument(done).toJson()));
        QVERIFY(done.value("error").toString().contains(QStringLiteral("over the budget")));
        QCOMPARE(capture.summaryRuns().size(), 0); // a summary could not be sent anyway
        QCOMPARE(capture.chatRuns().first().value("conversation_history").toArray().size(), 0);
        QCOMPARE(done.value("resultMessages").toInt(), 0);
        QCOMPARE(done.value("afterTokens").toInteger(), done.value("inputTokens").toInteger());
    }

    void fitNeverExceedsTheHistoryBudget_data()
    {
        QTest::addColumn<qint64>("contextLength");
        QTest::addColumn<qint64>("inputTokens");
        QTest::addColumn<int>("summaryTokens");
        QTest::newRow("2 000, small input") << qint64(2000) << qint64(20) << 3000;
        QTest::newRow("2 000, input near the budget") << qint64(2000) << qint64(950) << 800;
        QTest::newRow("2 000, input over the budget") << qint64(2000) << qint64(1500) << 200;
        QTest::newRow("128 000") << qint64(128000) << qint64(50) << 20000;
        QTest::newRow("1 000 000") << qint64(1000000) << qint64(50) << 0;
    }

    void fitNeverExceedsTheHistoryBudget()
    {
        QFETCH(qint64, contextLength);
        QFETCH(qint64, inputTokens);
        QFETCH(int, summaryTokens);
        const auto budget = chat::HistoryPreparation::budgetFor(contextLength, inputTokens, {});
        QVERIFY(budget.history + inputTokens <= contextLength / 2 || budget.history == 0);
        QVERIFY(budget.summaryLimit + budget.tail <= budget.history);
        chat::ContextBuilder::ItemRange range;
        const bool hasSummary = summaryTokens > 0;
        if (hasSummary) {
            const QJsonObject summary =
                chat::ContextBuilder::summaryItem(textOfTokens("Summary", summaryTokens));
            range.items.append(summary);
            range.tokens.append(itemTokens(summary));
        }
        for (int i = 0; i < 30; ++i) {
            const QJsonObject item{
                {"role", i % 2 ? "assistant" : "user"},
                {"content", textOfTokens(QStringLiteral("Item %1").arg(i), 200 + 700 * (i % 5))}};
            range.items.append(item);
            range.tokens.append(itemTokens(item));
        }
        const auto fitted = chat::HistoryPreparation::fit(range, hasSummary, budget);
        qint64 measured = 0;
        for (const QJsonValue &item : fitted.history)
            measured += itemTokens(item.toObject());
        QCOMPARE(fitted.tokens, measured);
        QVERIFY2(measured <= budget.history,
                 qPrintable(QStringLiteral("%1 > %2").arg(measured).arg(budget.history)));
        QCOMPARE(int(fitted.history.size()) + fitted.omittedItems, int(range.items.size()));
        if (budget.history > 1000)
            QVERIFY(!fitted.history.isEmpty());
        QCOMPARE(fitted.notice.isEmpty(), fitted.omittedItems == 0 && fitted.cutItems == 0);
    }

    void cutKeepsHeadAndTailWithANote()
    {
        const QString text = textOfTokens(QStringLiteral("HEAD"), 5000, QStringLiteral(" TAIL"));
        for (const int limit : {40, 100, 999, 4000}) {
            const QString cut = chat::HistoryBuilder::cutToTokens(text, limit);
            QVERIFY2(TokenEstimator::estimate(cut) <= limit, qPrintable(QString::number(limit)));
            QVERIFY(cut.contains(QStringLiteral("characters cut to fit the context window")));
            QVERIFY(cut.startsWith(QStringLiteral("HEAD")));
            QVERIFY(cut.endsWith(QStringLiteral("TAIL")));
        }
        QCOMPARE(chat::HistoryBuilder::cutToTokens(text, 6000), text);
        QVERIFY(chat::HistoryBuilder::cutToTokens(text, 5).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestContextBudget)
#include "tst_context_budget.moc"
