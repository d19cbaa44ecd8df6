// Search across sessions (SessionSearch): hits name messages by the id resumed.messages uses, snippets mark
// the matches, queries run off the calling thread and answer on it, short words and CJK text are found.
#include "chat/SessionManager.h"
#include "chat/SessionSearch.h"
#include "store/Database.h"
#include "store/SessionStore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace caduceus;
using chat::SessionSearch;
using store::MessageRecord;

class TestSessionSearch : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_serial = 0;
    QNetworkAccessManager m_nam;
    std::unique_ptr<store::Database> m_db;
    std::unique_ptr<store::SessionStore> m_store;
    std::unique_ptr<chat::SessionManager> m_manager;
    QHash<QString, qint64> m_ids;

    void add(const QString &session, const QString &role, const QString &content, double at)
    {
        if (!m_store->session(session)) {
            store::SessionRecord s;
            s.id = session;
            s.title = QStringLiteral("Title of %1").arg(session);
            QVERIFY(m_store->createSession(s));
        }
        MessageRecord m;
        m.sessionId = session;
        m.role = role;
        m.content = content;
        m.timestamp = at;
        QVERIFY(m_store->appendMessage(m) > 0);
        m_ids.insert(content, m.id);
    }

    SessionSearch::Outcome searchAndWait(SessionSearch &search, const QString &text, int limit = 20,
                                         bool onePerSession = false)
    {
        SessionSearch::Outcome result;
        bool answered = false;
        search.search(
            text, limit, this,
            [&](const SessionSearch::Outcome &o) {
                result = o;
                answered = true;
            },
            onePerSession);
        if (!QTest::qWaitFor([&]() { return answered; }, 10000))
            result.error = QStringLiteral("no answer");
        return result;
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_db = std::make_unique<store::Database>(QStringLiteral("search-%1").arg(++m_serial));
        QVERIFY(m_db->open(m_dir.filePath(QStringLiteral("s%1.db").arg(m_serial))).ok);
        m_store = std::make_unique<store::SessionStore>(*m_db);
        m_manager = std::make_unique<chat::SessionManager>(m_store.get(), &m_nam);
        m_ids.clear();
        add(QStringLiteral("s1"), QStringLiteral("user"),
            QStringLiteral("Remember the walrus in the <b>garden</b>"), 100);
        add(QStringLiteral("s1"), QStringLiteral("assistant"), QStringLiteral("The walrus is noted."), 101);
        add(QStringLiteral("s2"), QStringLiteral("user"), QStringLiteral("Another walrus story, much later"),
            200);
        add(QStringLiteral("s2"), QStringLiteral("assistant"), QStringLiteral("构建目录已经清理完成。"), 201);
        add(QStringLiteral("s3"), QStringLiteral("user"), QStringLiteral("Set up CI on Go 1.22"), 300);
    }

    void cleanup()
    {
        m_manager.reset();
        m_store.reset();
        m_db.reset();
    }

    void hitsNameMessagesNewestFirst()
    {
        SessionSearch search(m_manager.get());
        const auto o = searchAndWait(search, QStringLiteral("walrus"));
        QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
        QCOMPARE(o.query, QStringLiteral("walrus"));
        QCOMPARE(o.hits.size(), 3);
        QCOMPARE(o.hits[0].sessionId, QStringLiteral("s2"));
        QCOMPARE(o.hits[0].messageId, m_ids.value(QStringLiteral("Another walrus story, much later")));
        QCOMPARE(o.hits[0].sessionTitle, QStringLiteral("Title of s2"));
        QCOMPARE(o.hits[0].role, QStringLiteral("user"));
        QCOMPARE(o.hits[0].timestamp, 200.0);
        QVERIFY2(o.hits[0].snippet.contains(QStringLiteral("[[walrus]]")), qPrintable(o.hits[0].snippet));
        QCOMPARE(o.hits[2].messageId,
                 m_ids.value(QStringLiteral("Remember the walrus in the <b>garden</b>")));
        // Every word must occur.
        QCOMPARE(searchAndWait(search, QStringLiteral("walrus garden")).hits.size(), 1);
        QCOMPARE(searchAndWait(search, QStringLiteral("walrus elephant")).hits.size(), 0);
        // One hit per session, and the limit counts sessions then.
        const auto grouped = searchAndWait(search, QStringLiteral("walrus"), 20, true);
        QCOMPARE(grouped.hits.size(), 2);
        QCOMPARE(searchAndWait(search, QStringLiteral("walrus"), 1, true).hits.size(), 1);
        QCOMPARE(searchAndWait(search, QStringLiteral("walrus"), 2).hits.size(), 2);
    }

    void snippetHtmlEscapesTextAndMarksMatches()
    {
        QCOMPARE(SessionSearch::snippetHtml(QStringLiteral("the [[walrus]] in <b>x</b> & [[sea")),
                 QStringLiteral("the <mark>walrus</mark> in &lt;b&gt;x&lt;/b&gt; &amp; [[sea"));
        SessionSearch search(m_manager.get());
        const auto o = searchAndWait(search, QStringLiteral("garden"));
        QCOMPARE(o.hits.size(), 1);
        const QJsonObject json = SessionSearch::toJson(o.hits).at(0).toObject();
        QCOMPARE(json.value("message_id").toInteger(), o.hits[0].messageId);
        QVERIFY2(
            json.value("snippet_html").toString().contains(QStringLiteral("&lt;b&gt;<mark>garden</mark>")),
            qPrintable(json.value("snippet_html").toString()));
    }

    void shortWordsCjkAndSyntaxAreSafe()
    {
        SessionSearch search(m_manager.get());
        // Two characters: too short for the trigram index, found by LIKE.
        const auto go = searchAndWait(search, QStringLiteral("Go"));
        QCOMPARE(go.hits.size(), 1);
        QCOMPARE(go.hits[0].sessionId, QStringLiteral("s3"));
        QVERIFY(go.hits[0].snippet.contains(QStringLiteral("[[Go]]")));
        // Chinese has no spaces between words.
        QCOMPARE(searchAndWait(search, QStringLiteral("清理完成")).hits.size(), 1);
        // FTS syntax in the user's text is just text.
        const auto odd = searchAndWait(search, QStringLiteral("walrus\" OR NEAR(* -"));
        QVERIFY2(odd.error.isEmpty(), qPrintable(odd.error));
        QCOMPARE(odd.hits.size(), 0);
        QVERIFY(searchAndWait(search, QStringLiteral("   ")).hits.isEmpty());
    }

    void answersOnTheCallersThreadAndOnlyToLiveContexts()
    {
        SessionSearch search(m_manager.get());
        QThread *answeredOn = nullptr;
        qint64 answeredSerial = 0;
        const qint64 first =
            search.search(QStringLiteral("walrus"), 5, this, [&](const SessionSearch::Outcome &o) {
                answeredOn = QThread::currentThread();
                answeredSerial = o.serial;
            });
        QVERIFY(QTest::qWaitFor([&]() { return answeredOn != nullptr; }, 10000));
        QCOMPARE(answeredOn, QThread::currentThread());
        QCOMPARE(answeredSerial, first);

        auto *context = new QObject;
        bool called = false;
        const qint64 second = search.search(QStringLiteral("walrus"), 5, context,
                                            [&](const SessionSearch::Outcome &) { called = true; });
        QVERIFY(second > first);
        delete context;
        QTest::qWait(300);
        QVERIFY(!called);

        // Destroying the search while a query runs is safe.
        auto *shortLived = new SessionSearch(m_manager.get());
        shortLived->search(QStringLiteral("walrus"), 5, this, [&](const SessionSearch::Outcome &) {});
        delete shortLived;
    }

    void newRowsAreFoundAtOnce()
    {
        SessionSearch search(m_manager.get());
        QCOMPARE(searchAndWait(search, QStringLiteral("pelican")).hits.size(), 0);
        add(QStringLiteral("s1"), QStringLiteral("user"), QStringLiteral("A pelican arrived"), 400);
        const auto o = searchAndWait(search, QStringLiteral("pelican"));
        QCOMPARE(o.hits.size(), 1);
        QCOMPARE(o.hits[0].messageId, m_ids.value(QStringLiteral("A pelican arrived")));
    }

    void inMemoryDatabaseStillSearches()
    {
        store::Database memory(QStringLiteral("search-memory"));
        QVERIFY(memory.open(QStringLiteral(":memory:")).ok);
        store::SessionStore st(memory);
        chat::SessionManager manager(&st, &m_nam);
        store::SessionRecord s;
        s.id = QStringLiteral("m1");
        QVERIFY(st.createSession(s));
        MessageRecord m;
        m.sessionId = QStringLiteral("m1");
        m.role = QStringLiteral("user");
        m.content = QStringLiteral("walrus in memory");
        QVERIFY(st.appendMessage(m) > 0);
        SessionSearch search(&manager);
        const auto o = searchAndWait(search, QStringLiteral("walrus"));
        QCOMPARE(o.hits.size(), 1);
        QCOMPARE(o.hits[0].messageId, m.id);
    }
};

QTEST_GUILESS_MAIN(TestSessionSearch)
#include "tst_session_search.moc"
