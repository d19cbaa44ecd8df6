// Secrets (SPEC 8, issue 8): the agent key lives in the keychain and in memory, and nowhere else. Every
// place Caduceus writes to is searched for it after runs that pass through every code path that handles
// the key: discovery from a profile's .env, the CLI, the relay, errors, approvals, tool calls, exports,
// full debug logging and a crash.
#include "RelayProcess.h"
#include "RelayTestClient.h"
#include "SimProcess.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using caduceus::test::RelayProcess;
using caduceus::test::RelayTestClient;
using caduceus::test::SimProcess;

namespace {

QByteArray randomSecret(const char *prefix)
{
    QByteArray bytes(16, Qt::Uninitialized);
    QRandomGenerator::global()->generate(bytes.begin(), bytes.end());
    return QByteArray(prefix) + bytes.toHex();
}

// HOME and the XDG folders of the programs under test: settings, caches and anything else they keep there
// is searched too.
QString g_home;

QProcessEnvironment verboseLogging()
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("HOME"), g_home);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), g_home + QStringLiteral("/.config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), g_home + QStringLiteral("/.local/share"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), g_home + QStringLiteral("/.cache"));
    env.insert(QStringLiteral("XDG_STATE_HOME"), g_home + QStringLiteral("/.local/state"));
    // Every category at every level, Qt's network internals included.
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("*.debug=true\nqt.*.debug=true"));
    return env;
}

// Where a secret was found: "<file>" or "<what>", for the failure message.
QStringList filesContaining(const QString &folder, const QByteArray &secret)
{
    QStringList hits;
    QDirIterator it(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(secret))
            hits << file.fileName();
    }
    return hits;
}

} // namespace

class TestSecrets : public QObject
{
    Q_OBJECT

    const QByteArray m_agentKey = randomSecret("sk-agent-");
    const QByteArray m_relayToken = randomSecret("relay-");
    std::unique_ptr<SimProcess> m_sim;
    QTemporaryDir m_dir;
    QNetworkAccessManager m_nam;

    QByteArray get(const QUrl &url, const QByteArray &bearer = {})
    {
        QNetworkRequest request(url);
        if (!bearer.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + bearer);
        QNetworkReply *reply = m_nam.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        finished.wait(10000);
        reply->deleteLater();
        return reply->readAll();
    }

    // One `caduceus chat` turn; returns everything it printed.
    QByteArray chat(const QStringList &arguments, const QProcessEnvironment &env)
    {
        QProcess process;
        QProcessEnvironment all = QProcessEnvironment::systemEnvironment();
        all.insert(env);
        all.insert(verboseLogging());
        all.insert(QStringLiteral("CADUCEUS_NO_KEYCHAIN"), QStringLiteral("1"));
        all.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        process.setProcessEnvironment(all);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QStringLiteral(CADUCEUS_PATH), QStringList{QStringLiteral("chat")} + arguments);
        if (!process.waitForFinished(60000))
            process.kill();
        return process.readAll();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        g_home = m_dir.filePath(QStringLiteral("home"));
        QVERIFY(QDir().mkpath(g_home));
        m_sim = std::make_unique<SimProcess>(
            QStringList{"--key", QString::fromLatin1(m_agentKey), "--delay-ms", "2"});
        QVERIFY2(m_sim->isReady(), qPrintable(m_sim->errorString()));
    }

    void notInTheOutputOfTheCli()
    {
        // The key as a user has it: in the profile's .env, next to lines the reader complains about.
        const QString home = m_dir.filePath(QStringLiteral("hermes-home"));
        QDir().mkpath(home);
        QFile env(home + QStringLiteral("/.env"));
        QVERIFY(env.open(QIODevice::WriteOnly));
        env.write("this line is not a setting\nAPI_SERVER_KEY=" + m_agentKey + "\nAPI_SERVER_PORT=" +
                  QByteArray::number(m_sim->port()) + "\nBROKEN=\"" + m_agentKey + "\n");
        env.close();
        QFile config(home + QStringLiteral("/config.yaml"));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("model: {default: [" + m_agentKey + "\n");
        config.close();
        const QString data = m_dir.filePath(QStringLiteral("cli-data"));

        QByteArray printed = chat({QStringLiteral("use tools sim:tools"), QStringLiteral("--hermes-home"),
                                   home, QStringLiteral("--data-dir"), data},
                                  {});
        QVERIFY2(printed.contains("ls -la") || printed.contains("terminal"), printed.right(2000).constData());
        // The same key from the environment, with a failing run and an approval.
        QProcessEnvironment withKey;
        withKey.insert(QStringLiteral("CADUCEUS_AGENT_KEY"), QString::fromLatin1(m_agentKey));
        printed += chat({QStringLiteral("fail please sim:fail"), QStringLiteral("--agent"),
                         m_sim->baseUrl().toString(), QStringLiteral("--data-dir"), data},
                        withKey);
        printed +=
            chat({QStringLiteral("approve sim:approval"), QStringLiteral("--approve"), QStringLiteral("once"),
                  QStringLiteral("--agent"), m_sim->baseUrl().toString(), QStringLiteral("--data-dir"), data},
                 withKey);
        QVERIFY2(!printed.contains(m_agentKey), "the agent key appears in what caduceus printed");
        QVERIFY2(filesContaining(data, m_agentKey).isEmpty(),
                 qPrintable(filesContaining(data, m_agentKey).join(", ")));
        QVERIFY2(filesContaining(g_home, m_agentKey).isEmpty(),
                 qPrintable(filesContaining(g_home, m_agentKey).join(", ")));
    }

    void notInTheRelaysDatabaseExportsLogsOrCrash()
    {
        const QString data = m_dir.filePath(QStringLiteral("relay-data"));
        QDir().mkpath(data);
        RelayProcess relay;
        QVERIFY(relay.start(data, m_sim->baseUrl(), m_agentKey, m_relayToken, {}, verboseLogging()));
        RelayTestClient client;
        QSignalSpy connected(&client, &RelayTestClient::connected);
        client.open(relay.url, m_relayToken);
        QVERIFY(connected.wait(10000));
        const auto runAndWait = [&](const QString &session, const QString &input, const QString &end) {
            const qsizetype before = client.events.size();
            client.emitEvent("run", {{"session_id", session}, {"input", input}});
            QElapsedTimer clock;
            clock.start();
            while (clock.elapsed() < 20000) {
                for (qsizetype i = before; i < client.events.size(); ++i) {
                    if (client.events[i].name == end &&
                        client.events[i].payload.value("session_id").toString() == session)
                        return true;
                    if (client.events[i].name == QLatin1String("approval.request"))
                        client.emitEvent("approval.respond", {{"session_id", session}, {"choice", "once"}});
                }
                QTest::qWait(10);
            }
            return false;
        };
        QVERIFY(runAndWait("secret-tools", "tools sim:tools", "run.completed"));
        QVERIFY(runAndWait("secret-approval", "approve sim:approval", "run.completed"));
        QVERIFY(runAndWait("secret-fail", "fail sim:fail", "run.failed"));
        client.sendRaw(QStringLiteral("42/chat-run,[\"run\",{\"session_id\":")); // a malformed packet, logged

        // What the web UI can read: session details, exports in every form, models, profiles, config.
        QByteArray answers;
        for (const QString &session : {QStringLiteral("secret-tools"), QStringLiteral("secret-approval"),
                                       QStringLiteral("secret-fail")}) {
            answers += get(relay.url.resolved(QUrl(QStringLiteral("/api/hermes/sessions/") + session)),
                           m_relayToken);
            for (const char *mode : {"full", "compressed"}) {
                for (const char *ext : {"json", "txt"}) {
                    answers += get(relay.url.resolved(
                        QUrl(QStringLiteral("/api/hermes/sessions/%1/export?mode=%2&ext=%3&token=%4")
                                 .arg(session, QLatin1String(mode), QLatin1String(ext),
                                      QString::fromLatin1(m_relayToken)))));
                }
            }
        }
        for (const char *path : {"/api/hermes/sessions", "/api/hermes/available-models",
                                 "/api/hermes/profiles", "/api/hermes/config", "/health"})
            answers += get(relay.url.resolved(QUrl(QLatin1String(path))), m_relayToken);
        QVERIFY2(answers.contains("secret-tools"), "the exports were not reached");
        QVERIFY2(!answers.contains(m_agentKey), "the agent key appears in a REST answer or an export");
        QVERIFY2(!answers.contains(m_relayToken), "the relay token appears in a REST answer or an export");

        relay.signal(SIGABRT); // a crash: whatever it prints goes to the log file below
        const QByteArray printed = relay.output();
        QVERIFY2(!printed.contains(m_agentKey), "the agent key appears in what the relay printed");
        QVERIFY2(filesContaining(data, m_agentKey).isEmpty(),
                 qPrintable(filesContaining(data, m_agentKey).join(", ")));
        QVERIFY2(filesContaining(g_home, m_agentKey).isEmpty(),
                 qPrintable(filesContaining(g_home, m_agentKey).join(", ")));
        // The relay prints its own token once at start so the user can sign in; it is stored nowhere.
        QVERIFY2(filesContaining(data, m_relayToken).isEmpty(),
                 qPrintable(filesContaining(data, m_relayToken).join(", ")));
        QVERIFY2(filesContaining(g_home, m_relayToken).isEmpty(),
                 qPrintable(filesContaining(g_home, m_relayToken).join(", ")));
        QFile log(data + QStringLiteral("/relay-stderr.log"));
        QVERIFY(log.open(QIODevice::ReadOnly));
        QVERIFY2(log.size() > 1000, "verbose logging did not reach the log: the search would prove nothing");
    }
};

QTEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"
