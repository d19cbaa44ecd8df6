// The history kept per session (ContextBuilder): one index space over the whole transcript, a snapshot's
// boundary found by stored id, what the agent is sent with a summary, the usage figures, and the
// compression decision (HistoryPreparation::shouldCompress).
#include "chat/ContextBuilder.h"
#include "chat/HistoryPreparation.h"
#include "chat/TokenEstimator.h"
#include "store/Database.h"
#include "store/SessionStore.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

using namespace caduceus;
using chat::ContextBuilder;
using store::MessageRecord;

class TestContextBuilder : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<store::Database> m_db;
    std::unique_ptr<store::SessionStore> m_store;
    int m_serial = 0;

    MessageRecord add(const QString &role, const QString &content, const QString &toolCallId = {})
    {
        MessageRecord m;
        m.sessionId = QStringLiteral("s1");
        m.role = role;
        m.content = content;
        m.toolCallId = toolCallId;
        m.toolName = toolCallId.isEmpty() ? QString() : QStringLiteral("terminal");
        m_store->appendMessage(m);
        return m;
    }

    // 10 rounds of: user, assistant, tool result (with id), a notice the agent never sees. Items per round:
    // 3; rows per round: 4. Returns the ids of the history rows in item order.
    QList<qint64> seedRounds(int rounds)
    {
        QList<qint64> itemIds;
        for (int i = 0; i < rounds; ++i) {
            itemIds << add(QStringLiteral("user"),
                           QStringLiteral("Question %1 about the build folder").arg(i))
                           .id;
            itemIds << add(QStringLiteral("assistant"),
                           QStringLiteral("Answer %1: run the clean target.").arg(i))
                           .id;
            itemIds << add(QStringLiteral("tool"), QStringLiteral("output %1").arg(i),
                           QStringLiteral("call_%1").arg(i))
                           .id;
            add(QStringLiteral("notice"), QStringLiteral("Allowed once"));
        }
        return itemIds;
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_db = std::make_unique<store::Database>(QStringLiteral("ctx-%1").arg(++m_serial));
        const auto opened = m_db->open(m_dir.filePath(QStringLiteral("c%1.db").arg(m_serial)));
        QVERIFY2(opened.ok, qPrintable(opened.error));
        m_store = std::make_unique<store::SessionStore>(*m_db);
        store::SessionRecord s;
        s.id = QStringLiteral("s1");
        QVERIFY(m_store->createSession(s));
    }

    void cleanup()
    {
        m_store.reset();
        m_db.reset();
    }

    void itemIndexSpaceSkipsRowsTheAgentNeverSees()
    {
        const QList<qint64> ids = seedRounds(10);
        ContextBuilder context(m_store.get(), QStringLiteral("s1"));
        const QJsonArray history = context.history();
        QCOMPARE(history.size(), 30);
        QCOMPARE(context.cachedRows(), 40);
        QCOMPARE(history.at(2).toObject().value("content").toString(),
                 QStringLiteral("[Tool result: terminal] output 0"));
        // Items before a given row: the turn of round 5 sees 15 items.
        QCOMPARE(context.history(ids.at(15)).size(), 15);
        QCOMPARE(context.window(ids.at(15)).totalItems, 15);
        const auto range = context.items(3, 6);
        QCOMPARE(range.items.size(), 3);
        QCOMPARE(range.lastMessageId, ids.at(5));
        QCOMPARE(range.tokens.size(), 3);
        QVERIFY(range.tokens.at(0) > 0);
        QVERIFY(context.items(28, 99).items.size() == 2);
        QVERIFY(context.items(-5, 0).items.isEmpty());
    }

    void snapshotBoundaryIsFoundByStoredId()
    {
        const QList<qint64> ids = seedRounds(10);
        store::CompressionSnapshot snap;
        snap.sessionId = QStringLiteral("s1");
        snap.summary = QStringLiteral("## Active task\nClean the build folder.");
        snap.lastMessageIndex = 20;
        snap.lastMessageId = ids.at(20);
        snap.messageCount = 30;
        QVERIFY(m_store->saveSnapshot(snap));

        ContextBuilder context(m_store.get(), QStringLiteral("s1"));
        const QJsonArray sent = context.contextHistory();
        QCOMPARE(sent.size(), 1 + 9);
        const QString first = sent.at(0).toObject().value("content").toString();
        QCOMPARE(sent.at(0).toObject().value("role").toString(), QStringLiteral("user"));
        QVERIFY(first.startsWith(ContextBuilder::summaryNotice()));
        QVERIFY(first.endsWith(snap.summary));
        QCOMPARE(sent.at(1).toObject().value("content").toString(),
                 QStringLiteral("Question 7 about the build folder"));
        const auto w = context.window();
        QVERIFY(w.hasSnapshot);
        QCOMPARE(w.totalItems, 30);
        QCOMPARE(w.summarisedItems, 21);
        QCOMPARE(w.itemsSinceSnapshot, 9);

        // An index that disagrees with the id (an older numbering): the id wins.
        store::CompressionSnapshot stale = snap;
        stale.lastMessageIndex = 5;
        context.adoptSnapshot(stale);
        QCOMPARE(context.window().summarisedItems, 21);
        // A snapshot of an older version without id: the index is used.
        stale.lastMessageId = 0;
        context.adoptSnapshot(stale);
        QCOMPARE(context.window().summarisedItems, 6);
        QCOMPARE(context.contextHistory().size(), 1 + 24);
    }

    void usageCountsSummaryAndRowsAfterIt()
    {
        const QList<qint64> ids = seedRounds(10);
        ContextBuilder context(m_store.get(), QStringLiteral("s1"));
        const ContextBuilder::Usage before = context.usage();
        qint64 input = 0, output = 0;
        for (const MessageRecord &m : m_store->messages(QStringLiteral("s1"))) {
            if (m.role == "user")
                input += chat::TokenEstimator::estimateMessage(m);
            else if (m.role == "assistant" || m.role == "tool")
                output += chat::TokenEstimator::estimateMessage(m);
        }
        QCOMPARE(before.inputTokens, input);
        QCOMPARE(before.outputTokens, output);

        store::CompressionSnapshot snap;
        snap.sessionId = QStringLiteral("s1");
        snap.summary = QStringLiteral("Everything so far: the build folder was cleaned twice.");
        snap.lastMessageIndex = 26;
        snap.lastMessageId = ids.at(26);
        QVERIFY(m_store->saveSnapshot(snap));
        context.adoptSnapshot(snap);
        qint64 inputAfter = ContextBuilder::summaryTokens(snap.summary), outputAfter = 0;
        for (const MessageRecord &m : m_store->messagesAfter(QStringLiteral("s1"), ids.at(26))) {
            if (m.role == "user")
                inputAfter += chat::TokenEstimator::estimateMessage(m);
            else if (m.role == "assistant" || m.role == "tool")
                outputAfter += chat::TokenEstimator::estimateMessage(m);
        }
        const ContextBuilder::Usage after = context.usage();
        QCOMPARE(after.inputTokens, inputAfter);
        QCOMPARE(after.outputTokens, outputAfter);
        QVERIFY(after.total() < before.total());

        // A new builder (a restart) reads the same snapshot from the store and agrees.
        ContextBuilder reloaded(m_store.get(), QStringLiteral("s1"));
        QCOMPARE(reloaded.usage().inputTokens, inputAfter);
        QCOMPARE(reloaded.usage().outputTokens, outputAfter);
    }

    void compressedSessionIsReadFromItsBoundary()
    {
        const QList<qint64> ids = seedRounds(10); // 40 rows, 30 items
        store::CompressionSnapshot snap;
        snap.sessionId = QStringLiteral("s1");
        snap.summary = QStringLiteral("Rounds 0 to 6 cleaned the build folder.");
        snap.lastMessageIndex = 20;
        snap.lastMessageId = ids.at(20);
        QVERIFY(m_store->saveSnapshot(snap));
        ContextBuilder full(m_store.get(), QStringLiteral("s1"));
        full.history(); // reads everything
        const ContextBuilder::Usage expected = full.usage();
        const QJsonArray expectedSent = full.contextHistory();

        // Opening the session: only the rows after the summary are read.
        ContextBuilder context(m_store.get(), QStringLiteral("s1"));
        QCOMPARE(context.usage().inputTokens, expected.inputTokens);
        QCOMPARE(context.usage().outputTokens, expected.outputTokens);
        QCOMPARE(context.cachedRows(), 40 - 27); // item 20 is round 6's tool result, the 27th row
        const auto w = context.window();
        QCOMPARE(w.totalItems, 30);
        QCOMPARE(w.summarisedItems, 21);
        QCOMPARE(context.contextHistory(), expectedSent);
        const MessageRecord next = add(QStringLiteral("user"), QStringLiteral("Round 10"));
        QCOMPARE(context.window(next.id).totalItems, 30);
        QCOMPARE(context.items(21, 23).items.at(0).toObject().value("content").toString(),
                 QStringLiteral("Question 7 about the build folder"));
        QVERIFY(context.cachedRows() < 20);
        // Asking for what lies before the boundary reads it, once, in the same index space.
        QCOMPARE(context.items(0, 1).items.at(0).toObject().value("content").toString(),
                 QStringLiteral("Question 0 about the build folder"));
        QCOMPARE(context.cachedRows(), 41);
        QCOMPARE(context.window(next.id).totalItems, 30);
        QCOMPARE(context.window(next.id).summarisedItems, 21);
        QCOMPARE(context.history().size(), 31);
        QCOMPARE(context.usage().total(), expected.total() + chat::TokenEstimator::estimateMessage(next));
        // A sync inside the skipped rows starts over from the store.
        ContextBuilder again(m_store.get(), QStringLiteral("s1"));
        QCOMPARE(again.window().totalItems, 31);
        again.invalidateFrom(ids.at(3));
        QCOMPARE(again.window().totalItems, 31);
        QCOMPARE(again.history().size(), 31);
    }

    void incrementalReadAfterNewRowsAndInvalidation()
    {
        seedRounds(2);
        ContextBuilder context(m_store.get(), QStringLiteral("s1"));
        QCOMPARE(context.history().size(), 6);
        MessageRecord streaming;
        streaming.sessionId = QStringLiteral("s1");
        streaming.role = QStringLiteral("assistant");
        streaming.content = QStringLiteral("half an ans");
        streaming.status = QString::fromLatin1(store::MessageStatus::Streaming);
        m_store->appendMessage(streaming);
        // Not final yet: not part of the history, read again next time.
        QCOMPARE(context.history().size(), 6);
        streaming.content = QStringLiteral("half an answer, now whole");
        streaming.status = QString::fromLatin1(store::MessageStatus::Complete);
        QVERIFY(m_store->updateMessage(streaming));
        QCOMPARE(context.history().size(), 7);
        QCOMPARE(context.history().last().toObject().value("content").toString(),
                 QStringLiteral("half an answer, now whole"));
        // A sync replaced it: after invalidation the new row is read, the old one is gone.
        streaming.content = QStringLiteral("synced answer");
        QVERIFY(m_store->updateMessage(streaming));
        QCOMPARE(context.history().last().toObject().value("content").toString(),
                 QStringLiteral("half an answer, now whole"));
        context.invalidateFrom(streaming.id);
        QCOMPARE(context.history().size(), 7);
        QCOMPARE(context.history().last().toObject().value("content").toString(),
                 QStringLiteral("synced answer"));
    }

    void decisionToCompress_data()
    {
        QTest::addColumn<int>("total");
        QTest::addColumn<int>("sinceSnapshot");
        QTest::addColumn<qint64>("tokens");
        QTest::addColumn<bool>("expected");
        QTest::newRow("small and short") << 30 << 30 << qint64(5000) << false;
        QTest::newRow("over half the context") << 30 << 30 << qint64(100'001) << true;
        QTest::newRow("exactly half") << 30 << 30 << qint64(100'000) << false;
        QTest::newRow("over 200 since the snapshot") << 500 << 201 << qint64(1000) << true;
        QTest::newRow("200 since the snapshot") << 500 << 200 << qint64(1000) << false;
        QTest::newRow("four items only") << 4 << 4 << qint64(900'000) << false;
        QTest::newRow("nothing beyond the verbatim tail") << 40 << 20 << qint64(900'000) << false;
        QTest::newRow("one beyond the verbatim tail") << 40 << 21 << qint64(900'000) << true;
    }

    void decisionToCompress()
    {
        QFETCH(int, total);
        QFETCH(int, sinceSnapshot);
        QFETCH(qint64, tokens);
        QFETCH(bool, expected);
        ContextBuilder::Window w;
        w.totalItems = total;
        w.itemsSinceSnapshot = sinceSnapshot;
        w.summarisedItems = total - sinceSnapshot;
        w.hasSnapshot = total != sinceSnapshot;
        w.contextTokens = tokens;
        w.verbatimItems = qMin(sinceSnapshot, 20); // the count bound; the token bound is HistoryPreparation's
        QCOMPARE(chat::HistoryPreparation::shouldCompress(w, 200'000, chat::CompressionOptions{}), expected);
        chat::CompressionOptions off;
        off.enabled = false;
        QVERIFY(!chat::HistoryPreparation::shouldCompress(w, 200'000, off));
    }

    void largeSessionIsReadOnceThenIncrementally()
    {
        // 15 000 rows: the first read is the whole cost; a new run afterwards costs only what is new.
        for (int i = 0; i < 7500; ++i) {
            add(QStringLiteral("user"),
                QStringLiteral("Message %1: could you look at the parser once more?").arg(i));
            add(QStringLiteral("assistant"),
                QStringLiteral("Reply %1: the parser handles split frames now.").arg(i));
        }
        ContextBuilder context(m_store.get(), QStringLiteral("s1"));
        QCOMPARE(context.history().size(), 15000);
        const MessageRecord next = add(QStringLiteral("user"), QStringLiteral("And now?"));
        QElapsedTimer timer;
        timer.start();
        const QJsonArray history = context.contextHistory(next.id);
        const auto window = context.window(next.id);
        const qint64 elapsed = timer.elapsed();
        QCOMPARE(history.size(), 15000);
        QCOMPARE(window.totalItems, 15000);
        QCOMPARE(context.cachedRows(), 15001);
        // Generous for a loaded debug build; the benchmark reports the real figure.
        QVERIFY2(elapsed < 500, qPrintable(QStringLiteral("took %1 ms").arg(elapsed)));
    }
};

QTEST_GUILESS_MAIN(TestContextBuilder)
#include "tst_context_builder.moc"
