// Crash safety (SPEC 3.7, issue 8): `caduceus --relay` is killed with SIGKILL at random moments of a
// streamed run while a browser-like client watches, then started again on the same database. Checks:
//  (a) at most ~250 ms of the text the client saw is missing from the database after the kill,
//  (b) the turn is then completed from the agent or marked interrupted — never left silent,
//  (c) the queued input is still there and runs, exactly once,
//  (d) the database passes PRAGMA integrity_check after the kill and at the end.
// CADUCEUS_CRASH_KILLS (default 10) sets the number of kills, CADUCEUS_CRASH_SEED the random moments,
// CADUCEUS_CRASH_REPORT a TSV file that receives one line per kill (scripts/reliability-report.sh).
#include "RelayProcess.h"
#include "RelayTestClient.h"
#include "SimProcess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using caduceus::test::RelayProcess;
using caduceus::test::RelayTestClient;
using caduceus::test::SimProcess;

namespace {

const QByteArray RelayToken = "crash-safety-token";
const QByteArray AgentKey = "crash-safety-key";
// About 3.6 s of streaming in 120 deltas: a kill lands anywhere from before the start to after the end.
const QString StreamedPrompt = QStringLiteral("kill me sim:bench sim:deltas=120 sim:chars=9 sim:delay=30");
const QString QueuedPrompt = QStringLiteral("the queued question");
constexpr int MaxLossMsAsserted = 750; // the design target is 250 ms; the rest is slack for a loaded CI box

struct Row
{
    qint64 id = 0;
    QString role;
    QString content;
    QString status;
    QString runId;
};

// A plain connection to the database file (no migrations, no recovery that could hide damage).
class DatabaseFile
{
public:
    explicit DatabaseFile(const QString &path) : m_name(QStringLiteral("crash-check-%1").arg(++s_serial))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        m_open = db.open();
    }
    ~DatabaseFile()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    bool isOpen() const { return m_open; }

    QString integrity()
    {
        QSqlQuery q(QSqlDatabase::database(m_name));
        if (!q.exec(QStringLiteral("PRAGMA integrity_check")))
            return QStringLiteral("cannot run integrity_check");
        QStringList lines;
        while (q.next())
            lines << q.value(0).toString();
        return lines.join(QLatin1Char('\n'));
    }

    QList<Row> messages(const QString &session)
    {
        QSqlQuery q(QSqlDatabase::database(m_name));
        q.prepare(QStringLiteral(
            "SELECT id, role, content, status, run_id FROM messages WHERE session_id = ? ORDER BY id"));
        q.addBindValue(session);
        q.exec();
        QList<Row> rows;
        while (q.next())
            rows << Row{q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
                        q.value(3).toString(), q.value(4).toString()};
        return rows;
    }

    QHash<QString, QString> runs(const QString &session)
    {
        QSqlQuery q(QSqlDatabase::database(m_name));
        q.prepare(QStringLiteral("SELECT run_id, status FROM runs WHERE session_id = ?"));
        q.addBindValue(session);
        q.exec();
        QHash<QString, QString> out;
        while (q.next())
            out.insert(q.value(0).toString(), q.value(1).toString());
        return out;
    }

    int queued(const QString &session)
    {
        QSqlQuery q(QSqlDatabase::database(m_name));
        q.prepare(QStringLiteral("SELECT count(*) FROM queue_items WHERE session_id = ?"));
        q.addBindValue(session);
        q.exec();
        return q.next() ? q.value(0).toInt() : -1;
    }

private:
    QString m_name;
    bool m_open = false;
    static inline int s_serial = 0;
};

// The session as stored, for failure messages.
QString describe(const QString &dbPath, const QString &session)
{
    DatabaseFile db(dbPath);
    QStringList lines;
    for (const Row &r : db.messages(session))
        lines << QStringLiteral("  #%1 %2 [%3] run=%4: %5")
                     .arg(r.id)
                     .arg(r.role, r.status, r.runId, r.content.left(60));
    const QHash<QString, QString> runs = db.runs(session);
    for (auto it = runs.cbegin(); it != runs.cend(); ++it)
        lines << QStringLiteral("  run %1: %2").arg(it.key(), it.value());
    lines << QStringLiteral("  queued items: %1").arg(db.queued(session));
    return lines.join(QLatin1Char('\n'));
}

QString text(const QList<Row> &rows, const QString &role, const QString &runId)
{
    QString out;
    for (const Row &r : rows) {
        if (r.role == role && r.runId == runId)
            out += r.content;
    }
    return out;
}

} // namespace

class TestCrashSafety : public QObject
{
    Q_OBJECT

    std::unique_ptr<SimProcess> m_sim;
    QTemporaryDir m_dir;
    QNetworkAccessManager m_nam;
    QStringList m_report;
    qint64 m_worstLossMs = 0;
    qint64 m_worstLossChars = 0;

    QJsonObject agentRunStatus(const QString &runId)
    {
        QNetworkRequest request(m_sim->url(QStringLiteral("/v1/runs/") + runId));
        request.setRawHeader("Authorization", "Bearer " + AgentKey);
        QNetworkReply *reply = m_nam.get(request);
        QSignalSpy done(reply, &QNetworkReply::finished);
        done.wait(5000);
        reply->deleteLater();
        return QJsonDocument::fromJson(reply->readAll()).object();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_sim = std::make_unique<SimProcess>(
            QStringList{"--key", QString::fromLatin1(AgentKey), "--delay-ms", "5"});
        QVERIFY2(m_sim->isReady(), qPrintable(m_sim->errorString()));
        m_report << QStringLiteral(
            "kill\tdelay_ms\tphase\tstreamed_chars\tpersisted_chars\tlost_chars\tlost_ms\t"
            "first_turn\tqueued_turn\tintegrity");
    }

    void killDuringStreamedRun_data()
    {
        QTest::addColumn<int>("delayMs");
        const int kills = qEnvironmentVariableIntValue("CADUCEUS_CRASH_KILLS") > 0
                              ? qEnvironmentVariableIntValue("CADUCEUS_CRASH_KILLS")
                              : 10;
        const quint32 seed = qEnvironmentVariableIsSet("CADUCEUS_CRASH_SEED")
                                 ? quint32(qEnvironmentVariableIntValue("CADUCEUS_CRASH_SEED"))
                                 : 20251125u;
        QRandomGenerator random(seed);
        // One kill in five lands in the first 150 ms, around the start of the run, where the input is
        // stored but the agent's answer not yet known; the others anywhere in the stream and just after it.
        for (int i = 1; i <= kills; ++i)
            QTest::addRow("kill %d", i) << (i % 5 == 0 ? random.bounded(0, 150) : random.bounded(150, 4200));
    }

    void killDuringStreamedRun()
    {
        QFETCH(int, delayMs);
        const QString tag = QString::fromLatin1(QTest::currentDataTag()).section(QLatin1Char(' '), 1);
        const QString dataDir = m_dir.filePath(QStringLiteral("kill-") + tag);
        QVERIFY(QDir().mkpath(dataDir));
        const QString dbPath = dataDir + QStringLiteral("/caduceus.db");
        const QString session = QStringLiteral("crash") + tag;

        // --- a run streams to a client; a second input waits in the queue; SIGKILL lands at `delayMs`.
        auto relay = std::make_unique<RelayProcess>();
        QVERIFY2(relay->start(dataDir, m_sim->baseUrl(), AgentKey, RelayToken),
                 "caduceus --relay did not start");
        RelayTestClient client;
        QSignalSpy connected(&client, &RelayTestClient::connected);
        client.open(relay->url, RelayToken);
        QVERIFY(connected.wait(10000));
        bool firstAcked = false;
        bool queuedAcked = false;
        client.emitEvent(QStringLiteral("run"),
                         {{QStringLiteral("session_id"), session}, {QStringLiteral("input"), StreamedPrompt}},
                         [&](const QJsonArray &) { firstAcked = true; });
        client.emitEvent(QStringLiteral("run"),
                         {{QStringLiteral("session_id"), session},
                          {QStringLiteral("input"), QueuedPrompt},
                          {QStringLiteral("queue_id"), QStringLiteral("q-") + tag}},
                         [&](const QJsonArray &) { queuedAcked = true; });
        QTest::qWait(delayMs);
        const qint64 killedAt = RelayTestClient::clock();
        relay->kill();
        QTest::qWait(50); // the last frames in flight reach the client or die with the socket
        client.close();

        QString runId;
        QString streamed;
        QList<QPair<qint64, qsizetype>> deltaEnds; // (received at, streamed length after it)
        bool finishedBeforeKill = false;
        for (const auto &e : std::as_const(client.events)) {
            if (e.name == QLatin1String("run.started") && runId.isEmpty())
                runId = e.payload.value(QLatin1String("run_id")).toString();
            if (e.name == QLatin1String("message.delta") &&
                e.payload.value(QLatin1String("run_id")).toString() == runId) {
                streamed += e.payload.value(QLatin1String("delta")).toString();
                deltaEnds.append({e.receivedMs, streamed.size()});
            }
            if (e.name == QLatin1String("run.completed") &&
                e.payload.value(QLatin1String("run_id")).toString() == runId)
                finishedBeforeKill = true;
        }

        // --- (d) and (a): the file as the kill left it.
        QString phase;
        qsizetype persistedChars = 0;
        qint64 lostMs = 0;
        {
            DatabaseFile db(dbPath);
            QVERIFY(db.isOpen());
            const QString integrity = db.integrity();
            QCOMPARE(integrity, QStringLiteral("ok"));
            const QList<Row> rows = db.messages(session);
            int firstUsers = 0;
            for (const Row &r : rows)
                firstUsers += r.role == QLatin1String("user") && r.content == StreamedPrompt;
            QVERIFY2(!firstAcked || firstUsers == 1, "an acknowledged input is missing or stored twice");
            if (!runId.isEmpty()) {
                const QString persisted = text(rows, QStringLiteral("assistant"), runId);
                persistedChars = persisted.size();
                if (persisted.size() >= streamed.size()) {
                    QVERIFY2(persisted.startsWith(streamed), "the stored text differs from what streamed");
                } else {
                    QVERIFY2(streamed.startsWith(persisted), "the stored text differs from what streamed");
                    // The loss in time: since the first delta whose text did not reach the file.
                    for (const auto &[at, length] : std::as_const(deltaEnds)) {
                        if (length > persisted.size()) {
                            lostMs =
                                qMax<qint64>(0, killedAt - at); // frames still in flight arrive just after
                            break;
                        }
                    }
                }
            }
            phase = runId.isEmpty()      ? QStringLiteral("before start")
                    : finishedBeforeKill ? QStringLiteral("after the end")
                                         : QStringLiteral("streaming");
        }
        const qsizetype lostChars = qMax<qsizetype>(0, streamed.size() - persistedChars);
        QVERIFY2(lostMs <= MaxLossMsAsserted,
                 qPrintable(QStringLiteral("%1 ms (%2 characters) of streamed text were lost")
                                .arg(lostMs)
                                .arg(lostChars)));

        // --- restart on the same database: the turn is finished or marked, the queue runs.
        relay = std::make_unique<RelayProcess>();
        QVERIFY2(relay->start(dataDir, m_sim->baseUrl(), AgentKey, RelayToken),
                 "caduceus --relay did not start again");
        QString firstOutcome = QStringLiteral("not sent");
        QString queuedOutcome = QStringLiteral("not sent");
        QElapsedTimer waited;
        waited.start();
        bool settled = false;
        while (!settled && waited.elapsed() < 30000) {
            QTest::qWait(200);
            DatabaseFile db(dbPath);
            const QList<Row> rows = db.messages(session);
            const QHash<QString, QString> runs = db.runs(session);
            bool running = db.queued(session) != 0;
            for (const QString &status : runs)
                running = running || status == QLatin1String("running") ||
                          status == QLatin1String("starting") || status == QLatin1String("aborting");
            for (const Row &r : rows)
                running = running || r.status == QLatin1String("streaming");
            if (running)
                continue;
            settled = true; // unless an input still waits for its answer (checked below)
            firstOutcome = queuedOutcome = QStringLiteral("not sent");
            // Each input once, each followed by what became of it.
            for (qsizetype i = 0; i < rows.size(); ++i) {
                if (rows[i].role != QLatin1String("user"))
                    continue;
                QString outcome = QStringLiteral("no answer");
                const QString turnRun = rows[i].runId;
                for (qsizetype j = i + 1; j < rows.size() && rows[j].role != QLatin1String("user"); ++j) {
                    if (rows[j].role == QLatin1String("error"))
                        outcome = QStringLiteral("marked failed");
                    else if (rows[j].role == QLatin1String("assistant") &&
                             rows[j].status == QLatin1String("interrupted"))
                        outcome = QStringLiteral("marked interrupted");
                    else if (rows[j].role == QLatin1String("assistant") &&
                             rows[j].status == QLatin1String("complete"))
                        outcome = QStringLiteral("completed");
                }
                if (!turnRun.isEmpty() && runs.value(turnRun) == QLatin1String("completed"))
                    outcome = QStringLiteral("completed");
                if (outcome == QLatin1String("no answer"))
                    settled = false; // e.g. between taking an input off the queue and the agent's answer
                if (rows[i].content == StreamedPrompt) {
                    QVERIFY2(firstOutcome == QLatin1String("not sent"), "the first input is stored twice");
                    firstOutcome = outcome;
                    if (!settled)
                        continue;
                    if (outcome == QLatin1String("completed")) {
                        const QString output =
                            agentRunStatus(turnRun).value(QLatin1String("output")).toString();
                        QCOMPARE(text(rows, QStringLiteral("assistant"), turnRun), output);
                    }
                } else if (rows[i].content == QueuedPrompt) {
                    QVERIFY2(queuedOutcome == QLatin1String("not sent"), "the queued input ran twice");
                    queuedOutcome = outcome;
                }
            }
        }
        relay->stop();
        QVERIFY2(settled,
                 qPrintable(QStringLiteral("the session did not settle within 30 s of the restart:\n%1")
                                .arg(describe(dbPath, session))));
        if (firstAcked)
            QVERIFY2(firstOutcome != QLatin1String("no answer") && firstOutcome != QLatin1String("not sent"),
                     qPrintable(
                         QStringLiteral("the interrupted turn was left without an answer or a mark (%1)\n%2")
                             .arg(firstOutcome, describe(dbPath, session))));
        if (queuedAcked)
            QVERIFY2(queuedOutcome == QLatin1String("completed"),
                     qPrintable(QStringLiteral("the queued input: %1\n%2")
                                    .arg(queuedOutcome, describe(dbPath, session))));
        {
            DatabaseFile db(dbPath);
            QCOMPARE(db.integrity(), QStringLiteral("ok"));
        }

        m_worstLossMs = qMax(m_worstLossMs, lostMs);
        m_worstLossChars = qMax<qint64>(m_worstLossChars, lostChars);
        m_report << QStringLiteral("%1\t%2\t%3\t%4\t%5\t%6\t%7\t%8\t%9\tok")
                        .arg(tag)
                        .arg(delayMs)
                        .arg(phase)
                        .arg(streamed.size())
                        .arg(persistedChars)
                        .arg(lostChars)
                        .arg(lostMs)
                        .arg(firstOutcome, queuedAcked ? queuedOutcome : QStringLiteral("not queued"));
    }

    void cleanupTestCase()
    {
        qInfo("kill -9 runs: %lld; worst loss: %lld ms (%lld characters)", qlonglong(m_report.size() - 1),
              qlonglong(m_worstLossMs), qlonglong(m_worstLossChars));
        const QString path = qEnvironmentVariable("CADUCEUS_CRASH_REPORT");
        if (path.isEmpty())
            return;
        QFile file(path);
        if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            file.write((m_report.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
    }
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crash_safety.moc"
