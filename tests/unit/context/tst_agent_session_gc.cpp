// Deleting Caduceus's agent-side sessions (SPEC 6 GC): REST DELETE when the agent offers it, else the
// `hermes` CLI; failures retried with exponential backoff up to a cap, then given up; 50 per drain; only ids
// Caduceus created.
#include "SimProcess.h"
#include "chat/AgentSessionGc.h"
#include "chat/SessionManager.h"
#include "store/Database.h"
#include "store/SessionStore.h"

#include <QDateTime>
#include <QFile>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace caduceus;

namespace {

double now()
{
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

} // namespace

class TestAgentSessionGc : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_serial = 0;
    QNetworkAccessManager m_nam;
    std::unique_ptr<test::SimProcess> m_sim;
    std::unique_ptr<store::Database> m_db;
    std::unique_ptr<store::SessionStore> m_store;
    std::unique_ptr<chat::SessionManager> m_manager;
    QUrl m_closedPort;

    // A stand-in for the `hermes` command: logs its arguments, answers with `exitCode` (and `stderr`).
    QString fakeHermes(int exitCode, const QString &stderrText = {})
    {
        const QString path = m_dir.filePath(QStringLiteral("hermes-%1").arg(++m_serial));
        QFile script(path);
        if (!script.open(QIODevice::WriteOnly))
            return {};
        script.write(QStringLiteral("#!/bin/sh\necho \"$@\" >> '%1'\n%2exit %3\n")
                         .arg(logPath(), stderrText.isEmpty()
                                             ? QString()
                                             : QStringLiteral("echo '%1' >&2\n").arg(stderrText))
                         .arg(exitCode)
                         .toUtf8());
        script.close();
        script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        return path;
    }

    QString logPath() const { return m_dir.filePath(QStringLiteral("hermes-calls-%1.log").arg(m_serial)); }

    QStringList cliCalls() const
    {
        QFile log(logPath());
        if (!log.open(QIODevice::ReadOnly))
            return {};
        return QString::fromUtf8(log.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    }

    store::GcItem item(const QString &id)
    {
        for (const store::GcItem &i : m_store->dueAgentDeletes(1e12, 1000)) {
            if (i.agentSessionId == id)
                return i;
        }
        return {};
    }

    void makeAllDue()
    {
        QSqlQuery query(m_db->connection());
        QVERIFY(query.exec(QStringLiteral("UPDATE agent_session_deletes SET next_attempt_at = 0")));
    }

    chat::AgentSessionGc::Options options(const QString &hermes)
    {
        chat::AgentSessionGc::Options o;
        o.hermesCommand = hermes;
        o.baseBackoffSeconds = 30;
        o.maxBackoffSeconds = 200;
        o.maxAttempts = 4;
        return o;
    }

    bool drain(chat::AgentSessionGc &gc)
    {
        QSignalSpy drained(&gc, &chat::AgentSessionGc::drained);
        gc.drainNow();
        return drained.count() > 0 || drained.wait(10000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_sim = std::make_unique<test::SimProcess>(QStringList{"--key", "k"});
        QVERIFY2(m_sim->isReady(), qPrintable(m_sim->errorString()));
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        m_closedPort = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(probe.serverPort()));
    }

    void init()
    {
        m_db = std::make_unique<store::Database>(QStringLiteral("gc-%1").arg(++m_serial));
        QVERIFY(m_db->open(m_dir.filePath(QStringLiteral("gc-%1.db").arg(m_serial))).ok);
        m_store = std::make_unique<store::SessionStore>(*m_db);
        m_manager = std::make_unique<chat::SessionManager>(m_store.get(), &m_nam);
    }

    void cleanup()
    {
        m_manager.reset();
        m_store.reset();
        m_db.reset();
    }

    void restDeleteWhenTheAgentOffersIt()
    {
        hermes::AgentEndpoint endpoint;
        endpoint.baseUrl = m_sim->baseUrl();
        endpoint.apiKey = QStringLiteral("k");
        m_manager->setAgent(endpoint);
        // An id the agent no longer knows (404) counts as deleted: that is what was wanted.
        QVERIFY(m_store->enqueueAgentDelete(QStringLiteral("eph_gone_abc123"), QStringLiteral("default")));
        QVERIFY(
            m_store->enqueueAgentDelete(QStringLiteral("compress_gone_abc123"), QStringLiteral("default")));
        chat::AgentSessionGc gc(m_manager.get());
        gc.setOptions(options(fakeHermes(0)));
        QSignalSpy drained(&gc, &chat::AgentSessionGc::drained);
        gc.drainNow();
        QVERIFY(drained.wait(10000));
        QCOMPARE(drained.first().at(0).toInt(), 2);
        QCOMPARE(drained.first().at(1).toInt(), 0);
        QVERIFY(m_store->dueAgentDeletes(1e12).isEmpty());
        QVERIFY(cliCalls().isEmpty()); // the CLI was not needed
    }

    void cliWhenTheAgentIsDownWithItsProfile()
    {
        hermes::AgentEndpoint down;
        down.baseUrl = m_closedPort;
        down.profile = QStringLiteral("work");
        m_manager->setAgent(down);
        QVERIFY(m_store->enqueueAgentDelete(QStringLiteral("eph_a_111111"), QStringLiteral("work")));
        QVERIFY(m_store->enqueueAgentDelete(QStringLiteral("eph_b_222222"), QStringLiteral("default")));
        chat::AgentSessionGc gc(m_manager.get());
        gc.setOptions(options(fakeHermes(0)));
        QVERIFY(drain(gc));
        QStringList calls = cliCalls();
        calls.sort();
        QCOMPARE(calls, (QStringList{"--profile work sessions delete eph_a_111111 --yes",
                                     "sessions delete eph_b_222222 --yes"}));
        QVERIFY(m_store->dueAgentDeletes(1e12).isEmpty());
    }

    void failuresBackOffExponentiallyThenGiveUp()
    {
        QVERIFY(m_store->enqueueAgentDelete(QStringLiteral("eph_stuck_333333"), QStringLiteral("default")));
        chat::AgentSessionGc gc(m_manager.get());
        gc.setOptions(options(fakeHermes(1, QStringLiteral("database is locked"))));

        // Backoff 30 s, 60 s, 120 s, then capped at 200 s; the 4th failure gives up.
        const QList<double> expected{30, 60, 120};
        for (int attempt = 0; attempt < 3; ++attempt) {
            const double before = now();
            QVERIFY(drain(gc));
            const store::GcItem stuck = item(QStringLiteral("eph_stuck_333333"));
            QCOMPARE(stuck.attempts, attempt + 1);
            QCOMPARE(stuck.lastError, QStringLiteral("database is locked"));
            QVERIFY2(qAbs(stuck.nextAttemptAt - before - expected[attempt]) < 5,
                     qPrintable(QStringLiteral("next attempt in %1 s").arg(stuck.nextAttemptAt - before)));
            // Not due yet: a drain now leaves it alone.
            QVERIFY(m_store->dueAgentDeletes(now()).isEmpty());
            makeAllDue();
        }
        QVERIFY(drain(gc));
        QVERIFY(item(QStringLiteral("eph_stuck_333333")).agentSessionId.isEmpty());
        QCOMPARE(cliCalls().size(), 4);
    }

    void backoffIsCapped()
    {
        QVERIFY(m_store->enqueueAgentDelete(QStringLiteral("eph_cap_444444"), QStringLiteral("default")));
        chat::AgentSessionGc gc(m_manager.get());
        chat::AgentSessionGc::Options o = options(fakeHermes(1));
        o.maxAttempts = 100;
        gc.setOptions(o);
        for (int attempt = 0; attempt < 6; ++attempt) {
            makeAllDue();
            QVERIFY(drain(gc));
        }
        const store::GcItem capped = item(QStringLiteral("eph_cap_444444"));
        QCOMPARE(capped.attempts, 6);
        QVERIFY(capped.nextAttemptAt - now() <= 200.5);
        QVERIFY(capped.nextAttemptAt - now() > 190);
    }

    void missingCliIsAFailureThatSaysSo()
    {
        QVERIFY(m_store->enqueueAgentDelete(QStringLiteral("eph_nocli_555555"), QStringLiteral("default")));
        chat::AgentSessionGc gc(m_manager.get());
        gc.setOptions(options(QStringLiteral("hermes-command-that-does-not-exist")));
        QVERIFY(drain(gc));
        const store::GcItem left = item(QStringLiteral("eph_nocli_555555"));
        QCOMPARE(left.attempts, 1);
        QVERIFY2(left.lastError.contains("not installed"), qPrintable(left.lastError));
    }

    void onlyOwnSessionsAreEverDeleted()
    {
        QVERIFY(
            m_store->enqueueAgentDelete(QStringLiteral("my_precious_session"), QStringLiteral("default")));
        QVERIFY(m_store->enqueueAgentDelete(QStringLiteral("eph_../../etc"), QStringLiteral("default")));
        QVERIFY(m_store->enqueueAgentDelete(QStringLiteral("eph_ok_666666"), QStringLiteral("default")));
        chat::AgentSessionGc gc(m_manager.get());
        gc.setOptions(options(fakeHermes(0)));
        QVERIFY(drain(gc));
        QCOMPARE(cliCalls(), (QStringList{"sessions delete eph_ok_666666 --yes"}));
        QVERIFY(m_store->dueAgentDeletes(1e12).isEmpty());
        QVERIFY(!chat::AgentSessionGc::isOwnAgentSession(QStringLiteral("20250101_abcdef")));
        QVERIFY(chat::AgentSessionGc::isOwnAgentSession(QStringLiteral("compress_m3x_abc123")));
    }

    void fiftyPerDrainAndTheTimerDrainsTheRest()
    {
        hermes::AgentEndpoint endpoint;
        endpoint.baseUrl = m_sim->baseUrl();
        endpoint.apiKey = QStringLiteral("k");
        m_manager->setAgent(endpoint);
        for (int i = 0; i < 60; ++i)
            QVERIFY(m_store->enqueueAgentDelete(
                QStringLiteral("eph_batch_%1").arg(i, 6, 10, QLatin1Char('0')), QStringLiteral("default")));
        chat::AgentSessionGc gc(m_manager.get());
        chat::AgentSessionGc::Options o = options(fakeHermes(0));
        o.intervalMs = 300;
        gc.setOptions(o);
        QSignalSpy drained(&gc, &chat::AgentSessionGc::drained);
        gc.start();
        QVERIFY(drained.wait(10000));
        QCOMPARE(drained.first().at(0).toInt(), 50);
        QCOMPARE(m_store->dueAgentDeletes(1e12, 1000).size(), 10);
        QVERIFY(drained.wait(10000));
        QCOMPARE(drained.at(1).at(0).toInt(), 10);
        QVERIFY(m_store->dueAgentDeletes(1e12, 1000).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAgentSessionGc)
#include "tst_agent_session_gc.moc"
