// Importing the agent's own sessions: listed over REST (hermes-sim) or from the profile's state.db, opened
// read-only, imported once into a local session that reads like any other.
#include "AgentStateFixture.h"
#include "SimProcess.h"
#include "chat/AgentImporter.h"
#include "chat/SessionManager.h"
#include "hermes/HermesClient.h"
#include "store/Database.h"
#include "store/SessionStore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace caduceus;
using chat::AgentImporter;
using store::MessageRecord;

namespace {

QStringList idsOf(const QList<AgentImporter::AgentSession> &sessions)
{
    QStringList ids;
    for (const auto &s : sessions)
        ids << s.id;
    return ids;
}

QStringList rolesOf(const QList<MessageRecord> &rows)
{
    QStringList roles;
    for (const auto &m : rows)
        roles << m.role;
    return roles;
}

} // namespace

class TestAgentImporter : public QObject
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

    template <typename T, typename Call> T await(Call call)
    {
        T result;
        bool answered = false;
        call([&](const T &r) {
            result = r;
            answered = true;
        });
        if (!QTest::qWaitFor([&]() { return answered; }, 15000))
            qWarning("no answer within 15 s");
        return result;
    }

    // A run on hermes-sim under an agent session id of our choosing, as the agent's CLI would leave one.
    bool agentSessionOnSim(const QString &agentSessionId, const QString &input)
    {
        hermes::AgentEndpoint endpoint;
        endpoint.baseUrl = m_sim->baseUrl();
        endpoint.apiKey = QStringLiteral("k");
        hermes::HermesClient client(endpoint, &m_nam);
        hermes::HermesClient::StartRun run;
        run.input = input;
        run.agentSessionId = agentSessionId;
        QString runId;
        bool answered = false;
        client.startRun(run, this, [&](const hermes::ApiResult &r) {
            runId = r.json.value("run_id").toString();
            answered = true;
        });
        if (!QTest::qWaitFor([&]() { return answered; }, 10000) || runId.isEmpty())
            return false;
        return QTest::qWaitFor(
            [&]() {
                bool done = false, replied = false;
                client.runStatus(runId, this, [&](const hermes::ApiResult &r) {
                    done = r.json.value("status").toString() == QLatin1String("completed");
                    replied = true;
                });
                return QTest::qWaitFor([&]() { return replied; }, 5000) && done;
            },
            20000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_sim = std::make_unique<test::SimProcess>(QStringList{"--key", "k", "--delay-ms", "1"});
        QVERIFY2(m_sim->isReady(), qPrintable(m_sim->errorString()));
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        m_closedPort = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(probe.serverPort()));
    }

    void init()
    {
        m_db = std::make_unique<store::Database>(QStringLiteral("import-%1").arg(++m_serial));
        QVERIFY(m_db->open(m_dir.filePath(QStringLiteral("i%1.db").arg(m_serial))).ok);
        m_store = std::make_unique<store::SessionStore>(*m_db);
        m_manager = std::make_unique<chat::SessionManager>(m_store.get(), &m_nam);
    }

    void cleanup()
    {
        m_manager.reset();
        m_store.reset();
        m_db.reset();
    }

    void overRestFromTheAgent()
    {
        QVERIFY(
            agentSessionOnSim(QStringLiteral("cli_notes_1"), QStringLiteral("Plan the release sim:tools")));
        QVERIFY(agentSessionOnSim(QStringLiteral("eph_caduceus_own"), QStringLiteral("hello")));
        hermes::AgentEndpoint endpoint;
        endpoint.baseUrl = m_sim->baseUrl();
        endpoint.apiKey = QStringLiteral("k");
        m_manager->setAgent(endpoint);
        AgentImporter importer(m_manager.get());

        const auto listing = await<AgentImporter::Listing>(
            [&](auto done) { importer.listSessions(QStringLiteral("default"), 50, this, done); });
        QVERIFY2(listing.error.isEmpty(), qPrintable(listing.error));
        QCOMPARE(listing.via, QStringLiteral("rest"));
        QVERIFY(idsOf(listing.sessions).contains(QStringLiteral("cli_notes_1")));
        QVERIFY(!idsOf(listing.sessions).contains(QStringLiteral("eph_caduceus_own")));

        const auto transcript = await<AgentImporter::Transcript>([&](auto done) {
            importer.openReadOnly(QStringLiteral("default"), QStringLiteral("cli_notes_1"), this, done);
        });
        QVERIFY2(transcript.error.isEmpty(), qPrintable(transcript.error));
        QCOMPARE(transcript.via, QStringLiteral("rest"));
        QVERIFY(transcript.messages.size() >= 4);
        QCOMPARE(transcript.messages.first().role, QStringLiteral("user"));
        QCOMPARE(transcript.messages.first().id, 1);
        int tools = 0;
        for (const MessageRecord &m : transcript.messages) {
            if (m.role == QLatin1String("tool")) {
                ++tools;
                QVERIFY(!m.toolName.isEmpty());
                QVERIFY(!m.toolCallId.isEmpty());
            }
        }
        QCOMPARE(tools, 2);
        QCOMPARE(AgentImporter::toJson(transcript).size(), transcript.messages.size());
        // Read-only: nothing was stored.
        QVERIFY(m_store->listSessions().isEmpty());

        QSignalSpy listChanged(m_manager.get(), &chat::SessionManager::sessionsChanged);
        const auto imported = await<AgentImporter::Imported>([&](auto done) {
            importer.importSession(QStringLiteral("default"), QStringLiteral("cli_notes_1"), this, done);
        });
        QVERIFY2(imported.error.isEmpty(), qPrintable(imported.error));
        QCOMPARE(imported.sessionId, QStringLiteral("imp_cli_notes_1"));
        QCOMPARE(imported.messageCount, transcript.messages.size());
        QVERIFY(!imported.alreadyImported);
        QVERIFY(listChanged.count() > 0);
        const auto session = m_store->session(imported.sessionId);
        QVERIFY(session);
        QCOMPARE(session->source, QStringLiteral("import"));
        QCOMPARE(session->title, QStringLiteral("Plan the release sim:tools"));
        const QList<MessageRecord> rows = m_store->messages(imported.sessionId);
        QCOMPARE(rolesOf(rows), rolesOf(transcript.messages));
        QCOMPARE(rows.last().content, transcript.messages.last().content);

        // A second import changes nothing.
        const auto again = await<AgentImporter::Imported>([&](auto done) {
            importer.importSession(QStringLiteral("default"), QStringLiteral("cli_notes_1"), this, done);
        });
        QVERIFY(again.alreadyImported);
        QCOMPARE(again.sessionId, imported.sessionId);
        QCOMPARE(m_store->messageCount(imported.sessionId), rows.size());
    }

    void fromStateDbWhenTheAgentIsDown()
    {
        QFile script(QStringLiteral(CADUCEUS_TEST_DATA_DIR "/agent-state-import.sql"));
        QVERIFY(script.open(QIODevice::ReadOnly));
        const QString path = m_dir.filePath(QStringLiteral("import-state-%1.db").arg(m_serial));
        QVERIFY(test::writeAgentStateDb(path, QString::fromUtf8(script.readAll()), QStringLiteral("WAL")));
        hermes::AgentEndpoint endpoint;
        endpoint.baseUrl = m_closedPort;
        endpoint.stateDbPath = path;
        m_manager->setAgent(endpoint);
        AgentImporter importer(m_manager.get());

        const auto listing = await<AgentImporter::Listing>(
            [&](auto done) { importer.listSessions(QStringLiteral("default"), 50, this, done); });
        QVERIFY2(listing.error.isEmpty(), qPrintable(listing.error));
        QCOMPARE(listing.via, QStringLiteral("state.db"));
        QCOMPARE(idsOf(listing.sessions), (QStringList{"20250301_cli_aaa", "20250228_cli_zzz"}));
        QCOMPARE(listing.sessions.first().title, QStringLiteral("Deploy notes"));
        QCOMPARE(listing.sessions.first().parentSessionId, QStringLiteral("20250228_cli_zzz"));
        QCOMPARE(listing.sessions.first().source, QStringLiteral("cli"));

        // The continued session reads with its compressed parent first; rewound rows are left out.
        const auto transcript = await<AgentImporter::Transcript>([&](auto done) {
            importer.openReadOnly(QStringLiteral("default"), QStringLiteral("20250301_cli_aaa"), this, done);
        });
        QVERIFY2(transcript.error.isEmpty(), qPrintable(transcript.error));
        QCOMPARE(transcript.via, QStringLiteral("state.db"));
        QCOMPARE(rolesOf(transcript.messages), (QStringList{"user", "assistant", "tool", "assistant"}));
        QCOMPARE(transcript.messages[0].content, QStringLiteral("How do we deploy?"));
        QCOMPARE(transcript.messages[1].reasoning, QStringLiteral("Check deploy.sh"));
        QCOMPARE(transcript.messages[2].toolName, QStringLiteral("read_file"));
        QCOMPARE(transcript.messages[3].content, QStringLiteral("It copies dist/ to the server with rsync."));

        const auto imported = await<AgentImporter::Imported>([&](auto done) {
            importer.importSession(QStringLiteral("default"), QStringLiteral("20250301_cli_aaa"), this, done);
        });
        QVERIFY2(imported.error.isEmpty(), qPrintable(imported.error));
        QCOMPARE(m_store->messages(imported.sessionId).size(), 4);
        QCOMPARE(m_store->session(imported.sessionId)->title, QStringLiteral("How do we deploy?"));
    }

    // The state.db the real agent v0.19.0 wrote (tests/data/hermes-agent-0.19.0/state-db.sql): an imported
    // command that was denied reads as denied, not as a success.
    void fromTheRecordedAgentStateDb()
    {
        QFile script(QStringLiteral(CADUCEUS_FIXTURES_DIR "/hermes-agent-0.19.0/state-db.sql"));
        QVERIFY(script.open(QIODevice::ReadOnly));
        const QString path = m_dir.filePath(QStringLiteral("recorded-state-%1.db").arg(m_serial));
        // The recorded runs were Caduceus's own (eph_…, never offered for import): two of them renamed the
        // way the agent's CLI names its sessions.
        QString sql = QString::fromUtf8(script.readAll());
        for (const auto &[from, to] : {std::pair{"eph_mxdvx4vd_88nq9g", "20261207_230541_denied"},
                                       std::pair{"eph_mxdvx0kh_unjwnh", "20261207_230536_tool"}}) {
            sql += QStringLiteral("\nUPDATE messages SET session_id = '%2' WHERE session_id = '%1';\n"
                                  "UPDATE sessions SET id = '%2' WHERE id = '%1';\n")
                       .arg(QString::fromLatin1(from), QString::fromLatin1(to));
        }
        QVERIFY(test::writeAgentStateDb(path, sql, QStringLiteral("WAL")));
        hermes::AgentEndpoint endpoint;
        endpoint.baseUrl = m_closedPort;
        endpoint.stateDbPath = path;
        m_manager->setAgent(endpoint);
        AgentImporter importer(m_manager.get());

        const auto listing = await<AgentImporter::Listing>(
            [&](auto done) { importer.listSessions(QStringLiteral("default"), 50, this, done); });
        QVERIFY2(listing.error.isEmpty(), qPrintable(listing.error));
        QCOMPARE(idsOf(listing.sessions), (QStringList{"20261207_230541_denied", "20261207_230536_tool"}));

        for (const auto &[agentSession, status] :
             {std::pair{"20261207_230541_denied", "denied"}, std::pair{"20261207_230536_tool", "done"}}) {
            const auto imported = await<AgentImporter::Imported>([&](auto done) {
                importer.importSession(QStringLiteral("default"), QString::fromLatin1(agentSession), this,
                                       done);
            });
            QVERIFY2(imported.error.isEmpty(), qPrintable(imported.error));
            const QList<MessageRecord> rows = m_store->messages(imported.sessionId);
            QCOMPARE(rolesOf(rows), (QStringList{"user", "assistant", "tool", "assistant"}));
            QCOMPARE(rows[2].toolName, QStringLiteral("terminal"));
            QCOMPARE(rows[2].extra.value("tool_status").toString(), QString::fromLatin1(status));
            QVERIFY(rows[2]
                        .extra.value("tool_arguments")
                        .toString()
                        .startsWith(QStringLiteral("{\"command\": ")));
        }
    }

    void errorsAreSentences()
    {
        AgentImporter importer(m_manager.get());
        const auto listing = await<AgentImporter::Listing>(
            [&](auto done) { importer.listSessions(QStringLiteral("nobody"), 50, this, done); });
        QVERIFY2(listing.error.contains(QStringLiteral("profile nobody")), qPrintable(listing.error));
        const auto transcript = await<AgentImporter::Transcript>(
            [&](auto done) { importer.openReadOnly(QStringLiteral("nobody"), QString(), this, done); });
        QVERIFY(!transcript.error.isEmpty());
        const auto imported = await<AgentImporter::Imported>([&](auto done) {
            importer.importSession(QStringLiteral("nobody"), QStringLiteral("x_1"), this, done);
        });
        QVERIFY(!imported.error.isEmpty());
        QVERIFY(!m_store->session(imported.sessionId));
        QCOMPARE(AgentImporter::localSessionId(QStringLiteral("a/b c")), QStringLiteral("imp_a_b_c"));
    }
};

QTEST_GUILESS_MAIN(TestAgentImporter)
#include "tst_agent_importer.moc"
