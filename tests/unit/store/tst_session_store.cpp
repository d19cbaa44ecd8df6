// Every read and write of SessionStore against a real SQLite file.
#include "store/Database.h"
#include "store/SessionStore.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace caduceus::store;

namespace {

SessionRecord newSession(const QString &id, double lastActive = 0)
{
    SessionRecord s;
    s.id = id;
    s.title = QStringLiteral("Title of ") + id;
    s.createdAt = lastActive > 0 ? lastActive : 1000;
    s.lastActive = lastActive;
    return s;
}

MessageRecord newMessage(const QString &sessionId, const QString &role, const QString &content,
                         double timestamp = 0)
{
    MessageRecord m;
    m.sessionId = sessionId;
    m.role = role;
    m.content = content;
    m.timestamp = timestamp;
    return m;
}

QueueItem newQueueItem(const QString &sessionId, const QString &queueId, const QJsonValue &input)
{
    QueueItem item;
    item.sessionId = sessionId;
    item.queueId = queueId;
    item.input = input;
    item.model = QStringLiteral("hermes-agent");
    item.profile = QStringLiteral("work");
    item.instructions = QStringLiteral("Be brief.");
    return item;
}

RunRecord newRun(const QString &runId, const QString &sessionId, const QString &status, double startedAt)
{
    RunRecord r;
    r.runId = runId;
    r.sessionId = sessionId;
    r.agentSessionId = QStringLiteral("eph_") + runId;
    r.profile = QStringLiteral("default");
    r.model = QStringLiteral("hermes-agent");
    r.status = status;
    r.startedAt = startedAt;
    return r;
}

QList<qint64> idsOf(const QList<MessageRecord> &rows)
{
    QList<qint64> ids;
    for (const MessageRecord &m : rows)
        ids << m.id;
    return ids;
}

QStringList contentsOf(const QList<MessageRecord> &rows)
{
    QStringList contents;
    for (const MessageRecord &m : rows)
        contents << m.content;
    return contents;
}

QStringList queueIdsOf(const QList<QueueItem> &items)
{
    QStringList ids;
    for (const QueueItem &item : items)
        ids << item.queueId;
    return ids;
}

} // namespace

class TestSessionStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void createAndReadSession();
    void createSessionIsIdempotent();
    void sessionSettersChangeOneField();
    void settersOnMissingSessionFail();
    void listSessionsNewestFirstWithPreview();
    void listSessionsPaging();
    void deleteSessionCascades();

    void appendMessageSetsIdAndBumpsSession();
    void appendMessageToMissingSessionFails();
    void messageRoundTripsEveryField();
    void updateMessageAndText();
    void messagesWithStatusFindsInterruptedTurns();
    void pagingTenThousandMessages();
    void replaceRunMessagesSwapsOnlyThatRun();
    void replaceRunMessagesIsAtomic();
    void replaceRunMessagesRejectsUserRows();

    void runsUpsertAndQueries();

    void queueIsFifoAndEditable();
    void queueRejectsDuplicatesAndUnknownSessions();
    void queuePersistsAcrossReopen();
    void queuedInputBecomesMessageAtomically();

    void snapshotsLatestWins();

    void agentDeletesAreScheduledAndRetried();

    void searchFindsWordsNewestFirst();
    void searchQuotesUserSyntax_data();
    void searchQuotesUserSyntax();
    void searchCjk();
    void searchContentBlocksByTheirText();
    void searchFollowsUpdatesAndDeletes();
    void searchWithoutUsableFtsFallsBackToText();

private:
    QTemporaryDir *m_dir = nullptr;
    Database *m_db = nullptr;
    SessionStore *m_store = nullptr;
    QString m_path;
};

void TestSessionStore::init()
{
    m_dir = new QTemporaryDir;
    m_path = m_dir->filePath(QStringLiteral("caduceus.db"));
    m_db = new Database;
    const Database::OpenResult result = m_db->open(m_path);
    QVERIFY2(result.ok, qPrintable(result.error));
    m_store = new SessionStore(*m_db);
}

void TestSessionStore::cleanup()
{
    delete m_store;
    delete m_db;
    delete m_dir;
    m_store = nullptr;
    m_db = nullptr;
    m_dir = nullptr;
}

// ------------------------------------------------------------------------------------------------ sessions

void TestSessionStore::createAndReadSession()
{
    SessionRecord s = newSession(QStringLiteral("s1"), 1500);
    s.profile = QStringLiteral("work");
    s.model = QStringLiteral("hermes-agent");
    s.workspace = QStringLiteral("/home/u/project");
    s.source = QStringLiteral("desktop");
    s.pinned = true;
    s.inputTokens = 10;
    s.outputTokens = 20;
    QVERIFY(m_store->createSession(s));
    const std::optional<SessionRecord> read = m_store->session(QStringLiteral("s1"));
    QVERIFY(read);
    QCOMPARE(read->profile, QStringLiteral("work"));
    QCOMPARE(read->title, QStringLiteral("Title of s1"));
    QCOMPARE(read->model, QStringLiteral("hermes-agent"));
    QCOMPARE(read->workspace, QStringLiteral("/home/u/project"));
    QCOMPARE(read->source, QStringLiteral("desktop"));
    QCOMPARE(read->pinned, true);
    QCOMPARE(read->createdAt, 1500.0);
    QCOMPARE(read->lastActive, 1500.0);
    QCOMPARE(read->messageCount, 0);
    QCOMPARE(read->inputTokens, 10);
    QCOMPARE(read->outputTokens, 20);
    QVERIFY(!m_store->session(QStringLiteral("nope")));

    SessionRecord empty;
    QVERIFY(!m_store->createSession(empty));
    QVERIFY(m_store->lastError().contains(QStringLiteral("no id")));
}

void TestSessionStore::createSessionIsIdempotent()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"))));
    SessionRecord again = newSession(QStringLiteral("s1"));
    again.title = QStringLiteral("Another title");
    QVERIFY(m_store->createSession(again));
    QCOMPARE(m_store->session(QStringLiteral("s1"))->title, QStringLiteral("Title of s1"));
    QCOMPARE(m_store->listSessions().size(), 1);
}

void TestSessionStore::sessionSettersChangeOneField()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"), 100)));
    QVERIFY(m_store->renameSession(QStringLiteral("s1"), QStringLiteral("Renamed")));
    QVERIFY(m_store->setPinned(QStringLiteral("s1"), true));
    QVERIFY(m_store->setWorkspace(QStringLiteral("s1"), QStringLiteral("/srv/app")));
    QVERIFY(m_store->setModel(QStringLiteral("s1"), QStringLiteral("other-model")));
    QVERIFY(m_store->touchSession(QStringLiteral("s1"), 4242.5));
    QVERIFY(m_store->addSessionTokens(QStringLiteral("s1"), 100, 7));
    QVERIFY(m_store->addSessionTokens(QStringLiteral("s1"), 50, 3));
    const SessionRecord s = *m_store->session(QStringLiteral("s1"));
    QCOMPARE(s.title, QStringLiteral("Renamed"));
    QVERIFY(s.pinned);
    QCOMPARE(s.workspace, QStringLiteral("/srv/app"));
    QCOMPARE(s.model, QStringLiteral("other-model"));
    QCOMPARE(s.lastActive, 4242.5);
    QCOMPARE(s.inputTokens, 150);
    QCOMPARE(s.outputTokens, 10);
    QVERIFY(m_store->setPinned(QStringLiteral("s1"), false));
    QVERIFY(!m_store->session(QStringLiteral("s1"))->pinned);
}

void TestSessionStore::settersOnMissingSessionFail()
{
    const QString missing = QStringLiteral("ghost");
    QVERIFY(!m_store->renameSession(missing, QStringLiteral("x")));
    QVERIFY2(m_store->lastError().contains(QStringLiteral("ghost")), qPrintable(m_store->lastError()));
    QVERIFY(m_store->lastError().contains(QStringLiteral("no such session")));
    QVERIFY(!m_store->setPinned(missing, true));
    QVERIFY(!m_store->setWorkspace(missing, QStringLiteral("/")));
    QVERIFY(!m_store->setModel(missing, QStringLiteral("m")));
    QVERIFY(!m_store->touchSession(missing, 1));
    QVERIFY(!m_store->addSessionTokens(missing, 1, 1));
    QVERIFY(!m_store->deleteSession(missing));
}

void TestSessionStore::listSessionsNewestFirstWithPreview()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("old"), 100)));
    QVERIFY(m_store->createSession(newSession(QStringLiteral("mid"), 200)));
    QVERIFY(m_store->createSession(newSession(QStringLiteral("new"), 300)));

    // A block-array message: the preview is its text, cut to 100 characters on one line.
    const QString longText =
        QStringLiteral("Line one of a long request\nthat goes on ") + QString(150, QLatin1Char('x'));
    const QJsonArray blocks{
        QJsonObject{{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), longText}},
        QJsonObject{{QStringLiteral("type"), QStringLiteral("image")},
                    {QStringLiteral("name"), QStringLiteral("a.png")},
                    {QStringLiteral("path"), QStringLiteral("/tmp/a.png")}}};
    MessageRecord first =
        newMessage(QStringLiteral("old"), QStringLiteral("user"),
                   QString::fromUtf8(QJsonDocument(blocks).toJson(QJsonDocument::Compact)), 400);
    QVERIFY(m_store->appendMessage(first) > 0);
    MessageRecord second =
        newMessage(QStringLiteral("old"), QStringLiteral("user"), QStringLiteral("second"), 401);
    QVERIFY(m_store->appendMessage(second) > 0);
    MessageRecord answer =
        newMessage(QStringLiteral("mid"), QStringLiteral("assistant"), QStringLiteral("hi"), 150);
    QVERIFY(m_store->appendMessage(answer) > 0);
    MessageRecord question =
        newMessage(QStringLiteral("mid"), QStringLiteral("user"), QStringLiteral("Plain question"), 160);
    QVERIFY(m_store->appendMessage(question) > 0);

    const QList<SessionRecord> sessions = m_store->listSessions();
    QCOMPARE(sessions.size(), 3);
    // "old" got the newest message, so it is now the most recently active.
    QCOMPARE(sessions.at(0).id, QStringLiteral("old"));
    QCOMPARE(sessions.at(1).id, QStringLiteral("new"));
    QCOMPARE(sessions.at(2).id, QStringLiteral("mid"));
    QCOMPARE(sessions.at(0).preview.size(), 100);
    QVERIFY(sessions.at(0).preview.startsWith(QStringLiteral("Line one of a long request that goes on xxx")));
    QVERIFY(!sessions.at(0).preview.contains(QLatin1Char('{')));
    QCOMPARE(sessions.at(0).messageCount, 2);
    QCOMPARE(sessions.at(1).preview, QString());
    QCOMPARE(sessions.at(2).preview, QStringLiteral("Plain question"));
    QCOMPARE(m_store->session(QStringLiteral("mid"))->preview, QStringLiteral("Plain question"));
}

void TestSessionStore::listSessionsPaging()
{
    for (int i = 0; i < 10; ++i)
        QVERIFY(m_store->createSession(newSession(QStringLiteral("s%1").arg(i), 100 + i)));
    const QList<SessionRecord> page1 = m_store->listSessions(4, 0);
    const QList<SessionRecord> page3 = m_store->listSessions(4, 8);
    QCOMPARE(page1.size(), 4);
    QCOMPARE(page1.first().id, QStringLiteral("s9"));
    QCOMPARE(page1.last().id, QStringLiteral("s6"));
    QCOMPARE(page3.size(), 2);
    QCOMPARE(page3.last().id, QStringLiteral("s0"));
    QCOMPARE(m_store->listSessions(-1).size(), 10);
}

void TestSessionStore::deleteSessionCascades()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("doomed"))));
    QVERIFY(m_store->createSession(newSession(QStringLiteral("kept"))));
    MessageRecord m =
        newMessage(QStringLiteral("doomed"), QStringLiteral("user"), QStringLiteral("remember the walrus"));
    QVERIFY(m_store->appendMessage(m) > 0);
    MessageRecord k =
        newMessage(QStringLiteral("kept"), QStringLiteral("user"), QStringLiteral("remember the walrus too"));
    QVERIFY(m_store->appendMessage(k) > 0);
    QVERIFY(m_store->upsertRun(
        newRun(QStringLiteral("r1"), QStringLiteral("doomed"), QStringLiteral("running"), 1)));
    QVERIFY(m_store->enqueue(
        newQueueItem(QStringLiteral("doomed"), QStringLiteral("q1"), QStringLiteral("later"))));
    CompressionSnapshot snap;
    snap.sessionId = QStringLiteral("doomed");
    snap.summary = QStringLiteral("summary");
    QVERIFY(m_store->saveSnapshot(snap));
    QCOMPARE(m_store->search(QStringLiteral("walrus")).size(), 2);

    QVERIFY(m_store->deleteSession(QStringLiteral("doomed")));
    QVERIFY(!m_store->session(QStringLiteral("doomed")));
    QVERIFY(m_store->messages(QStringLiteral("doomed")).isEmpty());
    QVERIFY(!m_store->message(m.id));
    QVERIFY(!m_store->run(QStringLiteral("r1")));
    QVERIFY(m_store->queue(QStringLiteral("doomed")).isEmpty());
    QVERIFY(!m_store->latestSnapshot(QStringLiteral("doomed")));
    const QList<SearchHit> hits = m_store->search(QStringLiteral("walrus"));
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits.first().sessionId, QStringLiteral("kept"));
    QCOMPARE(m_store->messages(QStringLiteral("kept")).size(), 1);
}

// ------------------------------------------------------------------------------------------------ messages

void TestSessionStore::appendMessageSetsIdAndBumpsSession()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"), 100)));
    MessageRecord a = newMessage(QStringLiteral("s1"), QStringLiteral("user"), QStringLiteral("one"), 500);
    MessageRecord b =
        newMessage(QStringLiteral("s1"), QStringLiteral("assistant"), QStringLiteral("two"), 400);
    const qint64 idA = m_store->appendMessage(a);
    QVERIFY(idA > 0);
    QCOMPARE(a.id, idA);
    QVERIFY(m_store->appendMessage(b) > idA);
    const SessionRecord s = *m_store->session(QStringLiteral("s1"));
    QCOMPARE(s.messageCount, 2);
    QCOMPARE(m_store->messageCount(QStringLiteral("s1")), 2);
    QCOMPARE(s.lastActive, 500.0); // never moves backwards

    MessageRecord untimed = newMessage(QStringLiteral("s1"), QStringLiteral("user"), QStringLiteral("now"));
    QVERIFY(m_store->appendMessage(untimed) > 0);
    QVERIFY(untimed.timestamp > 1.7e9);
}

void TestSessionStore::appendMessageToMissingSessionFails()
{
    MessageRecord m = newMessage(QStringLiteral("ghost"), QStringLiteral("user"), QStringLiteral("hello"));
    QCOMPARE(m_store->appendMessage(m), 0);
    QCOMPARE(m.id, 0);
    QVERIFY2(m_store->lastError().contains(QStringLiteral("ghost")), qPrintable(m_store->lastError()));
    QVERIFY(m_store->messages(QStringLiteral("ghost")).isEmpty());

    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"))));
    MessageRecord noRole = newMessage(QStringLiteral("s1"), QString(), QStringLiteral("x"));
    QCOMPARE(m_store->appendMessage(noRole), 0);
    QVERIFY(m_store->lastError().contains(QStringLiteral("role")));
}

void TestSessionStore::messageRoundTripsEveryField()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"))));
    MessageRecord m = newMessage(QStringLiteral("s1"), QStringLiteral("assistant"),
                                 QStringLiteral("Answer ✓ 答案"), 123.25);
    m.reasoning = QStringLiteral("thinking…");
    m.toolCalls = QJsonArray{
        QJsonObject{{QStringLiteral("id"), QStringLiteral("call_1")},
                    {QStringLiteral("type"), QStringLiteral("function")},
                    {QStringLiteral("function"),
                     QJsonObject{{QStringLiteral("name"), QStringLiteral("terminal")},
                                 {QStringLiteral("arguments"), QStringLiteral("{\"command\":\"ls\"}")}}}}};
    m.toolCallId = QStringLiteral("call_0");
    m.toolName = QStringLiteral("terminal");
    m.status = QString::fromLatin1(MessageStatus::Streaming);
    m.runId = QStringLiteral("run_abc");
    m.extra = QJsonObject{{QStringLiteral("duration"), 1.5}, {QStringLiteral("error"), false}};
    QVERIFY(m_store->appendMessage(m) > 0);

    const MessageRecord read = *m_store->message(m.id);
    QCOMPARE(read.id, m.id);
    QCOMPARE(read.sessionId, m.sessionId);
    QCOMPARE(read.role, m.role);
    QCOMPARE(read.content, m.content);
    QCOMPARE(read.reasoning, m.reasoning);
    QCOMPARE(read.toolCalls, m.toolCalls);
    QCOMPARE(read.toolCallId, m.toolCallId);
    QCOMPARE(read.toolName, m.toolName);
    QCOMPARE(read.timestamp, m.timestamp);
    QCOMPARE(read.status, m.status);
    QCOMPARE(read.runId, m.runId);
    QCOMPARE(read.extra, m.extra);
    QVERIFY(!m_store->message(m.id + 1000));
}

void TestSessionStore::updateMessageAndText()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"))));
    MessageRecord m =
        newMessage(QStringLiteral("s1"), QStringLiteral("assistant"), QStringLiteral("par"), 10);
    m.status = QString::fromLatin1(MessageStatus::Streaming);
    QVERIFY(m_store->appendMessage(m) > 0);

    QVERIFY(m_store->updateMessageText(m.id, QStringLiteral("partial answer"), QStringLiteral("hmm"),
                                       QString::fromLatin1(MessageStatus::Streaming)));
    MessageRecord read = *m_store->message(m.id);
    QCOMPARE(read.content, QStringLiteral("partial answer"));
    QCOMPARE(read.reasoning, QStringLiteral("hmm"));
    QCOMPARE(read.status, QStringLiteral("streaming"));

    read.content = QStringLiteral("final answer");
    read.status = QString::fromLatin1(MessageStatus::Complete);
    read.extra = QJsonObject{{QStringLiteral("reasoning_duration"), 2}};
    read.toolCalls = QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("c")}}};
    QVERIFY(m_store->updateMessage(read));
    const MessageRecord again = *m_store->message(m.id);
    QCOMPARE(again.content, QStringLiteral("final answer"));
    QCOMPARE(again.status, QStringLiteral("complete"));
    QCOMPARE(again.extra.value(QStringLiteral("reasoning_duration")).toInt(), 2);
    QCOMPARE(again.toolCalls.size(), 1);
    QCOMPARE(m_store->messageCount(QStringLiteral("s1")), 1);

    QVERIFY(!m_store->updateMessageText(99999, QStringLiteral("x"), QString(), QStringLiteral("complete")));
    QVERIFY(m_store->lastError().contains(QStringLiteral("no such message")));
    MessageRecord missing = read;
    missing.id = 99999;
    QVERIFY(!m_store->updateMessage(missing));
}

void TestSessionStore::messagesWithStatusFindsInterruptedTurns()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("a"))));
    QVERIFY(m_store->createSession(newSession(QStringLiteral("b"))));
    MessageRecord done = newMessage(QStringLiteral("a"), QStringLiteral("assistant"), QStringLiteral("done"));
    MessageRecord open1 =
        newMessage(QStringLiteral("a"), QStringLiteral("assistant"), QStringLiteral("half"));
    open1.status = QString::fromLatin1(MessageStatus::Streaming);
    MessageRecord open2 =
        newMessage(QStringLiteral("b"), QStringLiteral("assistant"), QStringLiteral("other half"));
    open2.status = QString::fromLatin1(MessageStatus::Streaming);
    QVERIFY(m_store->appendMessage(done) > 0);
    QVERIFY(m_store->appendMessage(open1) > 0);
    QVERIFY(m_store->appendMessage(open2) > 0);
    const QList<MessageRecord> streaming = m_store->messagesWithStatus(QStringLiteral("streaming"));
    QCOMPARE(idsOf(streaming), (QList<qint64>{open1.id, open2.id}));
    QCOMPARE(m_store->messagesWithStatus(QStringLiteral("interrupted")).size(), 0);
}

void TestSessionStore::pagingTenThousandMessages()
{
    constexpr int total = 10000;
    QVERIFY(m_store->createSession(newSession(QStringLiteral("big"))));
    QVERIFY(m_store->createSession(newSession(QStringLiteral("other"))));
    QElapsedTimer appendTimer;
    appendTimer.start();
    for (int i = 0; i < total; ++i) {
        MessageRecord m = newMessage(
            QStringLiteral("big"), i % 2 ? QStringLiteral("assistant") : QStringLiteral("user"),
            QStringLiteral("Message %1: the quick brown fox jumps over the lazy dog").arg(i), 1000 + i);
        QVERIFY(m_store->appendMessage(m) > 0);
        if (i % 1000 == 0) { // interleave another session so ids of "big" are not contiguous
            MessageRecord o =
                newMessage(QStringLiteral("other"), QStringLiteral("user"), QStringLiteral("noise"));
            QVERIFY(m_store->appendMessage(o) > 0);
        }
    }
    const double appendMs = double(appendTimer.nsecsElapsed()) / 1e6 / (total + 10);

    // Streaming updates: the per-token write path.
    MessageRecord streaming =
        newMessage(QStringLiteral("big"), QStringLiteral("assistant"), QString(), 99999);
    streaming.status = QString::fromLatin1(MessageStatus::Streaming);
    QVERIFY(m_store->appendMessage(streaming) > 0);
    QString text;
    QElapsedTimer updateTimer;
    updateTimer.start();
    constexpr int updates = 500;
    for (int i = 0; i < updates; ++i) {
        text += QStringLiteral("token%1 ").arg(i);
        QVERIFY(m_store->updateMessageText(streaming.id, text, QString(), QStringLiteral("streaming")));
    }
    const double updateMs = double(updateTimer.nsecsElapsed()) / 1e6 / updates;

    QCOMPARE(m_store->messageCount(QStringLiteral("big")), total + 1);

    // Newest page first, then walk back: every message exactly once, ascending inside each page.
    QElapsedTimer pageTimer;
    pageTimer.start();
    QList<MessageRecord> newest = m_store->messages(QStringLiteral("big"), 0, 50);
    const double firstPageMs = double(pageTimer.nsecsElapsed()) / 1e6;
    QCOMPARE(newest.size(), 50);
    QCOMPARE(newest.last().id, streaming.id);
    QVERIFY(newest.first().id < newest.last().id);

    QList<qint64> seen = idsOf(newest);
    qint64 before = newest.first().id;
    int pages = 1;
    while (true) {
        const QList<MessageRecord> page = m_store->messages(QStringLiteral("big"), before, 500);
        if (page.isEmpty())
            break;
        QVERIFY(page.last().id < before);
        for (int i = 1; i < page.size(); ++i)
            QVERIFY(page.at(i - 1).id < page.at(i).id);
        for (const MessageRecord &m : page)
            QCOMPARE(m.sessionId, QStringLiteral("big"));
        seen = idsOf(page) + seen;
        before = page.first().id;
        ++pages;
    }
    QCOMPARE(seen.size(), total + 1);
    QCOMPARE(QSet<qint64>(seen.begin(), seen.end()).size(), total + 1);
    QCOMPARE(m_store->message(seen.first())->content,
             QStringLiteral("Message 0: the quick brown fox jumps over the lazy dog"));

    // The page query walks the (session_id, id) index backwards; it never scans the table.
    QSqlQuery plan(m_db->connection());
    QVERIFY(plan.exec(
        QStringLiteral("EXPLAIN QUERY PLAN SELECT id FROM messages WHERE session_id = 'big' AND id < 500 "
                       "ORDER BY id DESC LIMIT 50")));
    QStringList steps;
    while (plan.next())
        steps << plan.value(3).toString();
    QVERIFY2(
        steps.join(QLatin1Char(' ')).contains(QStringLiteral("USING COVERING INDEX messages_by_session")) ||
            steps.join(QLatin1Char(' ')).contains(QStringLiteral("USING INDEX messages_by_session")),
        qPrintable(steps.join(QStringLiteral(" | "))));
    QVERIFY(!steps.join(QLatin1Char(' ')).contains(QStringLiteral("TEMP B-TREE")));

    qInfo("append %.3f ms/message, streaming update %.3f ms, first page of 50 in %.2f ms, %d pages", appendMs,
          updateMs, firstPageMs, pages);
    // Generous bounds (the machine is shared); real figures belong to the benchmarks.
    QVERIFY2(appendMs < 5.0, qPrintable(QString::number(appendMs)));
    QVERIFY2(updateMs < 5.0, qPrintable(QString::number(updateMs)));
    QVERIFY2(firstPageMs < 100.0, qPrintable(QString::number(firstPageMs)));
}

void TestSessionStore::replaceRunMessagesSwapsOnlyThatRun()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"), 10)));
    auto add = [&](const QString &role, const QString &content, const QString &runId, double ts) {
        MessageRecord m = newMessage(QStringLiteral("s1"), role, content, ts);
        m.runId = runId;
        return m_store->appendMessage(m);
    };
    const qint64 user1 =
        add(QStringLiteral("user"), QStringLiteral("first question"), QStringLiteral("r1"), 11);
    add(QStringLiteral("assistant"), QStringLiteral("streamed answer"), QStringLiteral("r1"), 12);
    add(QStringLiteral("tool"), QStringLiteral("streamed tool"), QStringLiteral("r1"), 13);
    const qint64 user2 =
        add(QStringLiteral("user"), QStringLiteral("second question"), QStringLiteral("r2"), 14);
    const qint64 answer2 =
        add(QStringLiteral("assistant"), QStringLiteral("second answer"), QStringLiteral("r2"), 15);
    QCOMPARE(m_store->messageCount(QStringLiteral("s1")), 5);

    QList<MessageRecord> synced;
    MessageRecord call =
        newMessage(QString(), QStringLiteral("assistant"), QStringLiteral("Let me look."), 12);
    call.toolCalls = QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("call_1")}}};
    MessageRecord result = newMessage(QString(), QStringLiteral("tool"), QStringLiteral("README.md"), 12.5);
    result.toolCallId = QStringLiteral("call_1");
    MessageRecord final =
        newMessage(QString(), QStringLiteral("assistant"), QStringLiteral("The folder has a README."), 13);
    synced << call << result << final;
    QVERIFY2(m_store->replaceRunMessages(QStringLiteral("s1"), QStringLiteral("r1"), synced),
             qPrintable(m_store->lastError()));
    for (const MessageRecord &m : synced) {
        QVERIFY(m.id > answer2); // new ids, never reused
        QCOMPARE(m.runId, QStringLiteral("r1"));
        QCOMPARE(m.sessionId, QStringLiteral("s1"));
    }
    const QList<MessageRecord> rows = m_store->messages(QStringLiteral("s1"));
    QCOMPARE(contentsOf(rows),
             (QStringList{QStringLiteral("first question"), QStringLiteral("second question"),
                          QStringLiteral("second answer"), QStringLiteral("Let me look."),
                          QStringLiteral("README.md"), QStringLiteral("The folder has a README.")}));
    QCOMPARE(rows.at(0).id, user1);
    QCOMPARE(rows.at(1).id, user2);
    QCOMPARE(rows.at(3).toolCalls.size(), 1);
    QCOMPARE(rows.at(4).toolCallId, QStringLiteral("call_1"));
    QCOMPARE(m_store->session(QStringLiteral("s1"))->messageCount, 6);
    QCOMPARE(m_store->search(QStringLiteral("streamed")).size(), 0);
    QCOMPARE(m_store->search(QStringLiteral("README")).size(), 2);

    // Syncing again replaces the synced rows, not adds to them.
    QList<MessageRecord> again{final};
    QVERIFY(m_store->replaceRunMessages(QStringLiteral("s1"), QStringLiteral("r1"), again));
    QCOMPARE(m_store->messageCount(QStringLiteral("s1")), 4);
    QCOMPARE(m_store->session(QStringLiteral("s1"))->messageCount, 4);
}

void TestSessionStore::replaceRunMessagesIsAtomic()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"))));
    MessageRecord user = newMessage(QStringLiteral("s1"), QStringLiteral("user"), QStringLiteral("question"));
    user.runId = QStringLiteral("r1");
    MessageRecord streamed =
        newMessage(QStringLiteral("s1"), QStringLiteral("assistant"), QStringLiteral("streamed text"));
    streamed.runId = QStringLiteral("r1");
    QVERIFY(m_store->appendMessage(user) > 0);
    QVERIFY(m_store->appendMessage(streamed) > 0);
    const QList<MessageRecord> before = m_store->messages(QStringLiteral("s1"));

    // The database refuses the second row half-way through the swap.
    QSqlQuery trap(m_db->connection());
    QVERIFY(trap.exec(
        QStringLiteral("CREATE TEMP TRIGGER refuse_marker BEFORE INSERT ON main.messages "
                       "WHEN new.content = 'explode' BEGIN SELECT RAISE(ABORT, 'refused by test'); END")));
    QList<MessageRecord> rows{newMessage(QString(), QStringLiteral("assistant"), QStringLiteral("fine row")),
                              newMessage(QString(), QStringLiteral("assistant"), QStringLiteral("explode"))};
    QVERIFY(!m_store->replaceRunMessages(QStringLiteral("s1"), QStringLiteral("r1"), rows));
    QVERIFY2(m_store->lastError().contains(QStringLiteral("refused by test")),
             qPrintable(m_store->lastError()));
    QCOMPARE(rows.at(0).id, 0); // nothing written back
    const QList<MessageRecord> after = m_store->messages(QStringLiteral("s1"));
    QCOMPARE(idsOf(after), idsOf(before));
    QCOMPARE(contentsOf(after), contentsOf(before));
    QCOMPARE(m_store->session(QStringLiteral("s1"))->messageCount, 2);
    QCOMPARE(m_store->search(QStringLiteral("streamed")).size(), 1);
    QCOMPARE(m_store->search(QStringLiteral("fine row")).size(), 0);

    // The store is usable afterwards (no transaction left open).
    QVERIFY(trap.exec(QStringLiteral("DROP TRIGGER temp.refuse_marker")));
    QVERIFY(m_store->replaceRunMessages(QStringLiteral("s1"), QStringLiteral("r1"), rows));
    QCOMPARE(
        contentsOf(m_store->messages(QStringLiteral("s1"))),
        (QStringList{QStringLiteral("question"), QStringLiteral("fine row"), QStringLiteral("explode")}));
}

void TestSessionStore::replaceRunMessagesRejectsUserRows()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"))));
    QList<MessageRecord> rows{newMessage(QString(), QStringLiteral("user"), QStringLiteral("dup"))};
    QVERIFY(!m_store->replaceRunMessages(QStringLiteral("s1"), QStringLiteral("r1"), rows));
    QVERIFY(m_store->lastError().contains(QStringLiteral("user message")));
    QList<MessageRecord> none;
    QVERIFY(!m_store->replaceRunMessages(QStringLiteral("s1"), QString(), none));
    QList<MessageRecord> one{newMessage(QString(), QStringLiteral("assistant"), QStringLiteral("x"))};
    QVERIFY(!m_store->replaceRunMessages(QStringLiteral("ghost"), QStringLiteral("r1"), one));
    QCOMPARE(m_store->messages(QStringLiteral("ghost")).size(), 0);
}

// ---------------------------------------------------------------------------------------------------- runs

void TestSessionStore::runsUpsertAndQueries()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"))));
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s2"))));
    QVERIFY(m_store->upsertRun(
        newRun(QStringLiteral("r1"), QStringLiteral("s1"), QStringLiteral("running"), 10)));
    QVERIFY(m_store->upsertRun(
        newRun(QStringLiteral("r2"), QStringLiteral("s1"), QStringLiteral("starting"), 20)));
    QVERIFY(m_store->upsertRun(
        newRun(QStringLiteral("r3"), QStringLiteral("s2"), QStringLiteral("completed"), 5)));

    RunRecord finished = *m_store->run(QStringLiteral("r1"));
    QCOMPARE(finished.agentSessionId, QStringLiteral("eph_r1"));
    finished.status = QStringLiteral("failed");
    finished.endedAt = 30;
    finished.inputTokens = 1200;
    finished.outputTokens = 34;
    finished.totalTokens = 1234;
    finished.error = QStringLiteral("agent unreachable");
    QVERIFY(m_store->upsertRun(finished));
    const RunRecord read = *m_store->run(QStringLiteral("r1"));
    QCOMPARE(read.status, QStringLiteral("failed"));
    QCOMPARE(read.endedAt, 30.0);
    QCOMPARE(read.totalTokens, 1234);
    QCOMPARE(read.error, QStringLiteral("agent unreachable"));
    QCOMPARE(read.profile, QStringLiteral("default"));
    QVERIFY(!m_store->run(QStringLiteral("nope")));

    auto runIds = [](const QList<RunRecord> &runs) {
        QStringList ids;
        for (const RunRecord &r : runs)
            ids << r.runId;
        return ids;
    };
    QCOMPARE(runIds(m_store->runsWithStatus({QStringLiteral("starting"), QStringLiteral("running")})),
             QStringList{QStringLiteral("r2")});
    QCOMPARE(runIds(m_store->runsWithStatus({QStringLiteral("failed"), QStringLiteral("completed")})),
             (QStringList{QStringLiteral("r3"), QStringLiteral("r1")}));
    QVERIFY(m_store->runsWithStatus({}).isEmpty());
    QCOMPARE(runIds(m_store->runsForSession(QStringLiteral("s1"))),
             (QStringList{QStringLiteral("r1"), QStringLiteral("r2")}));

    QVERIFY(!m_store->upsertRun(
        newRun(QStringLiteral("r9"), QStringLiteral("ghost"), QStringLiteral("running"), 1)));
    QVERIFY(!m_store->upsertRun(newRun(QString(), QStringLiteral("s1"), QStringLiteral("running"), 1)));
}

// --------------------------------------------------------------------------------------------------- queue

void TestSessionStore::queuedInputBecomesMessageAtomically()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"))));
    QVERIFY(m_store->enqueue(newQueueItem(QStringLiteral("s1"), QStringLiteral("q1"), QStringLiteral("next"))));
    QVERIFY(m_store->enqueue(newQueueItem(QStringLiteral("s1"), QStringLiteral("q2"), QStringLiteral("later"))));

    // A failing insert (no role) leaves the input queued: nothing is lost.
    MessageRecord broken = newMessage(QStringLiteral("s1"), QString(), QStringLiteral("next"));
    QCOMPARE(m_store->appendMessage(broken, QStringLiteral("q1")), 0);
    QCOMPARE(queueIdsOf(m_store->queue(QStringLiteral("s1"))), (QStringList{QStringLiteral("q1"), QStringLiteral("q2")}));

    MessageRecord user = newMessage(QStringLiteral("s1"), QStringLiteral("user"), QStringLiteral("next"));
    QVERIFY(m_store->appendMessage(user, QStringLiteral("q1")) > 0);
    QCOMPARE(queueIdsOf(m_store->queue(QStringLiteral("s1"))), (QStringList{QStringLiteral("q2")}));
    QCOMPARE(m_store->messages(QStringLiteral("s1")).size(), 1);
}

void TestSessionStore::queueIsFifoAndEditable()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"))));
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s2"))));
    const QJsonArray blocks{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                        {QStringLiteral("text"), QStringLiteral("see file")}},
                            QJsonObject{{QStringLiteral("type"), QStringLiteral("file")},
                                        {QStringLiteral("path"), QStringLiteral("/tmp/f.txt")}}};
    QVERIFY(m_store->enqueue(
        newQueueItem(QStringLiteral("s2"), QStringLiteral("z"), QStringLiteral("other session"))));
    QVERIFY(
        m_store->enqueue(newQueueItem(QStringLiteral("s1"), QStringLiteral("c"), QStringLiteral("first"))));
    QVERIFY(m_store->enqueue(newQueueItem(QStringLiteral("s1"), QStringLiteral("a"), blocks)));
    QVERIFY(
        m_store->enqueue(newQueueItem(QStringLiteral("s1"), QStringLiteral("b"), QStringLiteral("third"))));

    QList<QueueItem> items = m_store->queue(QStringLiteral("s1"));
    QCOMPARE(queueIdsOf(items), (QStringList{QStringLiteral("c"), QStringLiteral("a"), QStringLiteral("b")}));
    QCOMPARE(items.at(0).input, QJsonValue(QStringLiteral("first")));
    QCOMPARE(items.at(1).input.toArray(), blocks);
    QCOMPARE(items.at(0).model, QStringLiteral("hermes-agent"));
    QCOMPARE(items.at(0).profile, QStringLiteral("work"));
    QCOMPARE(items.at(0).instructions, QStringLiteral("Be brief."));
    QVERIFY(items.at(0).createdAt > 0);
    QCOMPARE(m_store->sessionsWithQueue(), (QStringList{QStringLiteral("s2"), QStringLiteral("s1")}));

    // Editing keeps the place in line.
    QVERIFY(m_store->updateQueued(QStringLiteral("c"), QJsonValue(QStringLiteral("first, edited"))));
    items = m_store->queue(QStringLiteral("s1"));
    QCOMPARE(queueIdsOf(items), (QStringList{QStringLiteral("c"), QStringLiteral("a"), QStringLiteral("b")}));
    QCOMPARE(items.at(0).input.toString(), QStringLiteral("first, edited"));

    // Cancelling from the middle.
    QVERIFY(m_store->removeQueued(QStringLiteral("s1"), QStringLiteral("a")));
    QCOMPARE(queueIdsOf(m_store->queue(QStringLiteral("s1"))),
             (QStringList{QStringLiteral("c"), QStringLiteral("b")}));
    QVERIFY(!m_store->removeQueued(QStringLiteral("s1"), QStringLiteral("a")));
    QVERIFY(m_store->lastError().contains(QStringLiteral("not queued")));
    QVERIFY(!m_store->removeQueued(QStringLiteral("s1"), QStringLiteral("z"))); // belongs to s2
    QVERIFY(!m_store->updateQueued(QStringLiteral("a"), QJsonValue(QStringLiteral("too late"))));

    // A new item goes to the end even after removals.
    QVERIFY(m_store->enqueue(
        newQueueItem(QStringLiteral("s1"), QStringLiteral("a"), QStringLiteral("back again"))));
    QCOMPARE(queueIdsOf(m_store->queue(QStringLiteral("s1"))),
             (QStringList{QStringLiteral("c"), QStringLiteral("b"), QStringLiteral("a")}));
    QVERIFY(m_store->removeQueued(QStringLiteral("s2"), QStringLiteral("z")));
    QCOMPARE(m_store->sessionsWithQueue(), QStringList{QStringLiteral("s1")});
}

void TestSessionStore::queueRejectsDuplicatesAndUnknownSessions()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"))));
    QVERIFY(m_store->enqueue(newQueueItem(QStringLiteral("s1"), QStringLiteral("q"), QStringLiteral("one"))));
    QVERIFY(
        !m_store->enqueue(newQueueItem(QStringLiteral("s1"), QStringLiteral("q"), QStringLiteral("two"))));
    QVERIFY2(m_store->lastError().contains(QStringLiteral("already queued")),
             qPrintable(m_store->lastError()));
    QCOMPARE(m_store->queue(QStringLiteral("s1")).size(), 1);
    QCOMPARE(m_store->queue(QStringLiteral("s1")).first().input.toString(), QStringLiteral("one"));
    QVERIFY(
        !m_store->enqueue(newQueueItem(QStringLiteral("ghost"), QStringLiteral("q"), QStringLiteral("x"))));
    QVERIFY(!m_store->enqueue(newQueueItem(QStringLiteral("s1"), QString(), QStringLiteral("x"))));
}

void TestSessionStore::queuePersistsAcrossReopen()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"))));
    QVERIFY(
        m_store->enqueue(newQueueItem(QStringLiteral("s1"), QStringLiteral("q1"), QStringLiteral("one"))));
    QVERIFY(
        m_store->enqueue(newQueueItem(QStringLiteral("s1"), QStringLiteral("q2"), QStringLiteral("two"))));
    QVERIFY(m_store->removeQueued(QStringLiteral("s1"), QStringLiteral("q1")));
    delete m_store;
    m_store = nullptr;
    m_db->close();

    QVERIFY(m_db->open(m_path).ok);
    m_store = new SessionStore(*m_db);
    QCOMPARE(m_store->sessionsWithQueue(), QStringList{QStringLiteral("s1")});
    QVERIFY(
        m_store->enqueue(newQueueItem(QStringLiteral("s1"), QStringLiteral("q3"), QStringLiteral("three"))));
    const QList<QueueItem> items = m_store->queue(QStringLiteral("s1"));
    QCOMPARE(queueIdsOf(items), (QStringList{QStringLiteral("q2"), QStringLiteral("q3")}));
    QCOMPARE(items.first().input.toString(), QStringLiteral("two"));
}

// ----------------------------------------------------------------------------------------------- snapshots

void TestSessionStore::snapshotsLatestWins()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"))));
    QVERIFY(!m_store->latestSnapshot(QStringLiteral("s1")));
    CompressionSnapshot first;
    first.sessionId = QStringLiteral("s1");
    first.summary = QStringLiteral("first summary");
    first.lastMessageIndex = 40;
    first.messageCount = 61;
    QVERIFY(m_store->saveSnapshot(first));
    QVERIFY(first.id > 0);
    QVERIFY(first.createdAt > 0);
    CompressionSnapshot second = first;
    second.summary = QStringLiteral("second summary");
    second.lastMessageIndex = 240;
    second.messageCount = 262;
    second.createdAt = 5; // older clock, still the latest saved
    QVERIFY(m_store->saveSnapshot(second));
    QVERIFY(second.id > first.id);
    const CompressionSnapshot latest = *m_store->latestSnapshot(QStringLiteral("s1"));
    QCOMPARE(latest.id, second.id);
    QCOMPARE(latest.summary, QStringLiteral("second summary"));
    QCOMPARE(latest.lastMessageIndex, 240);
    QCOMPARE(latest.messageCount, 262);
    QCOMPARE(latest.createdAt, 5.0);
    CompressionSnapshot orphan = first;
    orphan.sessionId = QStringLiteral("ghost");
    QVERIFY(!m_store->saveSnapshot(orphan));
}

// ------------------------------------------------------------------------------------------ agent deletes

void TestSessionStore::agentDeletesAreScheduledAndRetried()
{
    const double now = 1'800'000'000;
    QVERIFY(m_store->enqueueAgentDelete(QStringLiteral("eph_a"), QStringLiteral("work")));
    QVERIFY(m_store->enqueueAgentDelete(QStringLiteral("eph_a"), QStringLiteral("work"))); // idempotent
    QVERIFY(m_store->enqueueAgentDelete(QStringLiteral("eph_b"), QString()));
    QVERIFY(!m_store->enqueueAgentDelete(QString(), QStringLiteral("work")));

    QList<GcItem> due = m_store->dueAgentDeletes(now);
    QCOMPARE(due.size(), 2);
    QCOMPARE(due.at(0).agentSessionId, QStringLiteral("eph_a"));
    QCOMPARE(due.at(0).profile, QStringLiteral("work"));
    QCOMPARE(due.at(0).attempts, 0);
    QCOMPARE(due.at(1).profile, QStringLiteral("default"));

    // A failure postpones the item; it comes back once its time has come.
    QVERIFY(
        m_store->markAgentDeleteFailed(QStringLiteral("eph_a"), QStringLiteral("agent offline"), now + 60));
    due = m_store->dueAgentDeletes(now);
    QCOMPARE(due.size(), 1);
    QCOMPARE(due.first().agentSessionId, QStringLiteral("eph_b"));
    due = m_store->dueAgentDeletes(now + 61);
    QCOMPARE(due.size(), 2);
    QCOMPARE(due.last().agentSessionId, QStringLiteral("eph_a"));
    QCOMPARE(due.last().attempts, 1);
    QCOMPARE(due.last().lastError, QStringLiteral("agent offline"));
    QCOMPARE(due.last().nextAttemptAt, now + 60);
    QVERIFY(
        m_store->markAgentDeleteFailed(QStringLiteral("eph_a"), QStringLiteral("still offline"), now + 300));
    QCOMPARE(m_store->dueAgentDeletes(now + 400).last().attempts, 2);

    QVERIFY(m_store->markAgentDeleteDone(QStringLiteral("eph_b")));
    QVERIFY(!m_store->markAgentDeleteDone(QStringLiteral("eph_b")));
    QVERIFY(!m_store->markAgentDeleteFailed(QStringLiteral("eph_b"), QStringLiteral("x"), now));
    QCOMPARE(m_store->dueAgentDeletes(now + 400).size(), 1);

    // Batches of at most `limit`.
    for (int i = 0; i < 60; ++i)
        QVERIFY(m_store->enqueueAgentDelete(QStringLiteral("eph_bulk_%1").arg(i), QStringLiteral("default")));
    QCOMPARE(m_store->dueAgentDeletes(now + 400).size(), 50);
    QCOMPARE(m_store->dueAgentDeletes(now + 400, 10).size(), 10);
    QCOMPARE(m_store->dueAgentDeletes(now + 400, -1).size(), 61);
}

// -------------------------------------------------------------------------------------------------- search

void TestSessionStore::searchFindsWordsNewestFirst()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("a"))));
    QVERIFY(m_store->createSession(newSession(QStringLiteral("b"))));
    MessageRecord older = newMessage(QStringLiteral("a"), QStringLiteral("user"),
                                     QStringLiteral("How do I configure the nginx reverse proxy?"), 100);
    MessageRecord newer = newMessage(QStringLiteral("b"), QStringLiteral("assistant"),
                                     QStringLiteral("Your nginx config needs a proxy_pass line."), 200);
    MessageRecord unrelated =
        newMessage(QStringLiteral("b"), QStringLiteral("user"), QStringLiteral("thanks"), 300);
    QVERIFY(m_store->appendMessage(older) > 0);
    QVERIFY(m_store->appendMessage(newer) > 0);
    QVERIFY(m_store->appendMessage(unrelated) > 0);

    const QList<SearchHit> hits = m_store->search(QStringLiteral("nginx"));
    QCOMPARE(hits.size(), 2);
    QCOMPARE(hits.at(0).messageId, newer.id);
    QCOMPARE(hits.at(0).sessionId, QStringLiteral("b"));
    QCOMPARE(hits.at(0).role, QStringLiteral("assistant"));
    QCOMPARE(hits.at(0).timestamp, 200.0);
    QVERIFY2(hits.at(0).snippet.contains(QStringLiteral("[[nginx]]")), qPrintable(hits.at(0).snippet));
    QCOMPARE(hits.at(1).messageId, older.id);

    // Several words must all occur; case does not matter.
    QCOMPARE(m_store->search(QStringLiteral("NGINX reverse")).size(), 1);
    QCOMPARE(m_store->search(QStringLiteral("nginx"), 1).size(), 1);
    QVERIFY(m_store->search(QStringLiteral("   ")).isEmpty());
    QVERIFY(m_store->search(QStringLiteral("apache")).isEmpty());
}

void TestSessionStore::searchQuotesUserSyntax_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("expectedHits");
    QTest::newRow("quote and OR") << QStringLiteral("foo\"bar OR") << 1;
    QTest::newRow("lone quote") << QStringLiteral("\"") << 1;
    QTest::newRow("operators") << QStringLiteral("NEAR( AND NOT") << 0;
    QTest::newRow("column filter") << QStringLiteral("body:foo") << 0;
    QTest::newRow("star and caret") << QStringLiteral("^foo* -x") << 0;
    QTest::newRow("parentheses") << QStringLiteral("(((") << 0;
    QTest::newRow("like wildcards") << QStringLiteral("%_") << 0;
    QTest::newRow("backslash") << QStringLiteral("C:\\temp") << 1;
}

void TestSessionStore::searchQuotesUserSyntax()
{
    QFETCH(QString, query);
    QFETCH(int, expectedHits);
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"))));
    MessageRecord tricky = newMessage(QStringLiteral("s1"), QStringLiteral("user"),
                                      QStringLiteral("the string foo\"bar OR baz sits in C:\\temp\\x"), 10);
    MessageRecord plain =
        newMessage(QStringLiteral("s1"), QStringLiteral("assistant"), QStringLiteral("nothing odd here"), 11);
    QVERIFY(m_store->appendMessage(tricky) > 0);
    QVERIFY(m_store->appendMessage(plain) > 0);

    const QString errorBefore = m_store->lastError();
    const QList<SearchHit> hits = m_store->search(query);
    QCOMPARE(m_store->lastError(), errorBefore); // no syntax error reached the user
    QCOMPARE(hits.size(), expectedHits);
    if (expectedHits > 0)
        QCOMPARE(hits.first().messageId, tricky.id);
}

void TestSessionStore::searchCjk()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"))));
    MessageRecord zh =
        newMessage(QStringLiteral("s1"), QStringLiteral("assistant"),
                   QStringLiteral("Done: the build folder is gone. 清理完成。构建目录已删除"), 10);
    MessageRecord ja = newMessage(QStringLiteral("s1"), QStringLiteral("user"),
                                  QStringLiteral("ビルドフォルダを削除してください"), 11);
    QVERIFY(m_store->appendMessage(zh) > 0);
    QVERIFY(m_store->appendMessage(ja) > 0);

    QList<SearchHit> hits = m_store->search(QStringLiteral("清理完成"));
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits.first().messageId, zh.id);
    QVERIFY2(hits.first().snippet.contains(QStringLiteral("[[清理完成]]")), qPrintable(hits.first().snippet));

    // A word inside a run of CJK text with no spaces around it.
    hits = m_store->search(QStringLiteral("构建目录"));
    QCOMPARE(hits.size(), 1);
    // Two characters: shorter than a trigram, still found.
    hits = m_store->search(QStringLiteral("清理"));
    QCOMPARE(hits.size(), 1);
    QVERIFY2(hits.first().snippet.contains(QStringLiteral("[[清理]]")), qPrintable(hits.first().snippet));
    hits = m_store->search(QStringLiteral("フォルダ"));
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits.first().messageId, ja.id);
    QCOMPARE(m_store->search(QStringLiteral("删除")).size(), 1);
    QCOMPARE(m_store->search(QStringLiteral("完成 build")).size(), 1);
}

void TestSessionStore::searchContentBlocksByTheirText()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"))));
    const QJsonArray blocks{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                        {QStringLiteral("text"), QStringLiteral("What is in this diagram?")}},
                            QJsonObject{{QStringLiteral("type"), QStringLiteral("image")},
                                        {QStringLiteral("name"), QStringLiteral("arch.png")},
                                        {QStringLiteral("path"), QStringLiteral("/tmp/arch.png")}}};
    MessageRecord m = newMessage(QStringLiteral("s1"), QStringLiteral("user"),
                                 QString::fromUtf8(QJsonDocument(blocks).toJson(QJsonDocument::Compact)), 10);
    QVERIFY(m_store->appendMessage(m) > 0);
    const QList<SearchHit> hits = m_store->search(QStringLiteral("diagram"));
    QCOMPARE(hits.size(), 1);
    QVERIFY2(!hits.first().snippet.contains(QStringLiteral("\"type\"")), qPrintable(hits.first().snippet));
    QCOMPARE(m_store->search(QStringLiteral("type")).size(), 0);
    QCOMPARE(m_store->search(QStringLiteral("media_type")).size(), 0);
    // The stored content is untouched JSON.
    QCOMPARE(m_store->message(m.id)->content, m.content);
}

void TestSessionStore::searchFollowsUpdatesAndDeletes()
{
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"))));
    MessageRecord m = newMessage(QStringLiteral("s1"), QStringLiteral("assistant"),
                                 QStringLiteral("draft about zebras"), 10);
    m.status = QString::fromLatin1(MessageStatus::Streaming);
    QVERIFY(m_store->appendMessage(m) > 0);
    // A streaming answer is not indexed on every flush, only once it is final.
    QCOMPARE(m_store->search(QStringLiteral("zebras")).size(), 0);
    QVERIFY(m_store->updateMessageText(m.id, QStringLiteral("final text about giraffes"), QString(),
                                       QString::fromLatin1(MessageStatus::Complete)));
    QCOMPARE(m_store->search(QStringLiteral("zebras")).size(), 0);
    QCOMPARE(m_store->search(QStringLiteral("giraffes")).size(), 1);

    MessageRecord edited = *m_store->message(m.id);
    edited.content = QStringLiteral("now about penguins and giraffes");
    QVERIFY(m_store->updateMessage(edited));
    QCOMPARE(m_store->search(QStringLiteral("penguins")).size(), 1);
    QCOMPARE(m_store->search(QStringLiteral("giraffes")).size(), 1);
    // Interrupted turns are searchable too.
    edited.status = QString::fromLatin1(MessageStatus::Interrupted);
    QVERIFY(m_store->updateMessage(edited));
    QCOMPARE(m_store->search(QStringLiteral("penguins")).size(), 1);

    QList<MessageRecord> none;
    MessageRecord runRow = newMessage(QStringLiteral("s1"), QStringLiteral("tool"),
                                      QStringLiteral("tool output with walruses"), 11);
    runRow.runId = QStringLiteral("r1");
    QVERIFY(m_store->appendMessage(runRow) > 0);
    QCOMPARE(m_store->search(QStringLiteral("walruses")).size(), 1);
    QVERIFY(m_store->replaceRunMessages(QStringLiteral("s1"), QStringLiteral("r1"), none));
    QCOMPARE(m_store->search(QStringLiteral("walruses")).size(), 0);

    // The index agrees with the table after all of this.
    QSqlQuery check(m_db->connection());
    if (m_db->hasFts5())
        QVERIFY2(check.exec(QStringLiteral(
                     "INSERT INTO messages_search(messages_search, rank) VALUES ('integrity-check', 1)")),
                 qPrintable(check.lastError().text()));
}

void TestSessionStore::searchWithoutUsableFtsFallsBackToText()
{
    if (!m_db->hasFts5())
        QSKIP("this SQLite has no FTS5: every other search test already ran on the fallback");
    QVERIFY(m_store->createSession(newSession(QStringLiteral("s1"))));
    MessageRecord before = newMessage(QStringLiteral("s1"), QStringLiteral("user"),
                                      QStringLiteral("indexed before the move"), 1);
    QVERIFY(m_store->appendMessage(before) > 0);
    delete m_store;
    m_store = nullptr;
    m_db->close();

    // The file moves to an SQLite that cannot load its index (here: the index names a tokenizer nobody has).
    {
        QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw-edit"));
        raw.setDatabaseName(m_path);
        QVERIFY(raw.open());
        QSqlQuery edit(raw);
        QVERIFY(edit.exec(QStringLiteral("PRAGMA writable_schema = ON")));
        QVERIFY(edit.exec(QStringLiteral("UPDATE sqlite_master SET sql = replace(replace(sql, 'trigram', "
                                         "'no_such_tokenizer'), 'unicode61', 'no_such_tokenizer') "
                                         "WHERE name = 'messages_search'")));
        QCOMPARE(edit.numRowsAffected(), 1);
        edit.finish();
        raw.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw-edit"));

    const Database::OpenResult result = m_db->open(m_path);
    QVERIFY2(result.ok, qPrintable(result.error));
    QVERIFY(!m_db->hasFts5());
    QVERIFY2(result.warning.contains(QStringLiteral("FTS5")), qPrintable(result.warning));
    m_store = new SessionStore(*m_db);

    // Writes do not go through the broken index, and search still finds old and new text.
    MessageRecord after = newMessage(QStringLiteral("s1"), QStringLiteral("assistant"),
                                     QStringLiteral("written after the move"), 2);
    QVERIFY2(m_store->appendMessage(after) > 0, qPrintable(m_store->lastError()));
    QVERIFY(m_store->updateMessageText(after.id, QStringLiteral("written after the move, edited"), QString(),
                                       QStringLiteral("complete")));
    QList<SearchHit> hits = m_store->search(QStringLiteral("move"));
    QCOMPARE(hits.size(), 2);
    QCOMPARE(hits.first().messageId, after.id);
    QVERIFY2(hits.first().snippet.contains(QStringLiteral("[[move]]")), qPrintable(hits.first().snippet));
    QCOMPARE(m_store->search(QStringLiteral("indexed \"before")).size(), 0);
    QCOMPARE(m_store->search(QStringLiteral("INDEXED before")).size(), 1);
}

QTEST_GUILESS_MAIN(TestSessionStore)
#include "tst_session_store.moc"
