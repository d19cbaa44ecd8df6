// TLS trust from the window (issue 16): an https agent whose certificate is not trusted is refused; the
// window gets the host, the reason and the fingerprint; "Trust this certificate" stores it for that agent URL
// and connects; Settings lists it and can remove it, after which it is refused again.
#include "AgentTrust.h"
#include "AppRuntime.h"
#include "ChatBackend.h"
#include "SimProcess.h"
#include "TlsProxy.h"
#include "chat/SessionManager.h"
#include "hermes/TlsTrust.h"
#include "store/SessionStore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using caduceus::test::SimProcess;
using caduceus::test::TestCertificates;
using caduceus::test::TlsProxy;

class TestAgentTrust : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home;

    static bool waitSettled(ChatBackend &backend)
    {
        return QTest::qWaitFor([&] { return backend.agentStatus() != QLatin1String("connecting"); }, 20'000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("CaduceusTrustTest"));
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_home.isValid());
        qputenv("HERMES_HOME", m_home.filePath(QStringLiteral("no-hermes")).toUtf8());
        QSettings().clear();
    }
    void init() { QSettings().clear(); }
    void cleanupTestCase() { QSettings().clear(); }

    void untrustedCertificateCanBeTrustedFromTheWindowAndRemoved()
    {
        TestCertificates certs;
        QVERIFY2(certs.isValid(), qPrintable(certs.errorString()));
        SimProcess sim({QStringLiteral("--key"), QStringLiteral("k")});
        QVERIFY2(sim.isReady(), qPrintable(sim.errorString()));
        TlsProxy proxy(certs.selfSigned(), sim.port());
        const QString url = proxy.url().toString();
        const QString fingerprint = caduceus::hermes::TlsTrust::fingerprint(certs.selfSigned().certificate);

        AppRuntime runtime;
        QString error, notice;
        QVERIFY2(runtime.openStore(m_home.filePath(QStringLiteral("t.db")), &error, &notice),
                 qPrintable(error));
        ChatBackend backend(&runtime);
        QVERIFY(backend.trustedCertificates().isEmpty());

        backend.connectAgent(url, QStringLiteral("k"));
        QVERIFY(waitSettled(backend));
        QCOMPARE(backend.agentStatus(), QStringLiteral("unreachable"));
        QVariantMap refused = backend.untrustedCertificate();
        QCOMPARE(refused.value("fingerprint").toString(), fingerprint);
        QCOMPARE(refused.value("host").toString(), QStringLiteral("127.0.0.1"));
        QVERIFY2(refused.value("message").toString().contains(QLatin1String("not trusted")) &&
                     refused.value("message").toString().contains(fingerprint),
                 qPrintable(refused.value("message").toString()));

        // "Trust this certificate": stored for this agent URL, and connected.
        backend.trustCertificate(refused.value("url").toString(), fingerprint);
        QVERIFY(waitSettled(backend));
        QCOMPARE(backend.agentStatus(), QStringLiteral("connected"));
        QVERIFY(backend.untrustedCertificate().isEmpty());
        const QVariantList trusted = backend.trustedCertificates();
        QCOMPARE(trusted.size(), 1);
        const QString origin = trusted.first().toMap().value("origin").toString();
        QCOMPARE(origin, QStringLiteral("https://127.0.0.1:%1").arg(proxy.url().port()));
        QCOMPARE(trusted.first().toMap().value("fingerprint").toString(), fingerprint);

        // A connect that does not go through the window (the CLI, a start with --agent) reads the same trust.
        {
            bool answered = false, ok = false;
            AppRuntime::AgentOptions options;
            options.url = proxy.url();
            runtime.connectAgent(options, [&](bool success, const QString &) {
                ok = success;
                answered = true;
            });
            QVERIFY(QTest::qWaitFor([&] { return answered; }, 20'000));
            QVERIFY(ok);
        }

        // Removed in Settings: refused again.
        backend.removeTrustedCertificate(origin, fingerprint);
        QVERIFY(backend.trustedCertificates().isEmpty());
        backend.connectAgent(url, QString());
        QVERIFY(waitSettled(backend));
        QCOMPARE(backend.agentStatus(), QStringLiteral("unreachable"));
        QCOMPARE(backend.untrustedCertificate().value("fingerprint").toString(), fingerprint);
    }

    void remoteHttpsAgentGetsTheContentsOfAttachments()
    {
        // The common remote case end to end: an https gateway (its certificate trusted in Settings) and a
        // message with a picture and a text file, sent from the window's backend.
        TestCertificates certs;
        QVERIFY2(certs.isValid(), qPrintable(certs.errorString()));
        SimProcess sim({QStringLiteral("--key"), QStringLiteral("k"), QStringLiteral("--delay-ms"),
                        QStringLiteral("1")});
        QVERIFY2(sim.isReady(), qPrintable(sim.errorString()));
        TlsProxy proxy(certs.selfSigned(), sim.port());
        QVERIFY(AgentTrust().trust(proxy.url(),
                                   caduceus::hermes::TlsTrust::fingerprint(certs.selfSigned().certificate)));

        AppRuntime runtime;
        QString error, notice;
        QVERIFY(runtime.openStore(m_home.filePath(QStringLiteral("a.db")), &error, &notice));
        ChatBackend backend(&runtime);
        backend.connectAgent(proxy.url().toString(), QStringLiteral("k"));
        QVERIFY(waitSettled(backend));
        QCOMPARE(backend.agentStatus(), QStringLiteral("connected"));

        QTemporaryDir files;
        const QByteArray png = QByteArray::fromBase64(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC");
        const auto write = [&files](const QString &name, const QByteArray &bytes) {
            QFile file(files.filePath(name));
            file.open(QIODevice::WriteOnly);
            file.write(bytes);
            return file.fileName();
        };
        const QString image = write(QStringLiteral("dot.png"), png);
        const QString text = write(QStringLiteral("todo.txt"), "1. ship it\n");
        const QString binary = write(QStringLiteral("app.bin"), QByteArray("\x7f"
                                                                           "ELF\0\0\0",
                                                                           7));

        // The gateway listens on 127.0.0.1 here: "the agent is on another computer", as for an SSH tunnel.
        QVERIFY(runtime.sessions()->agent(backend.currentProfile()).readsLocalFiles());
        backend.setSetting(QStringLiteral("agent/inlineAttachments"), true);
        QVERIFY(!runtime.sessions()->agent(backend.currentProfile()).readsLocalFiles());

        // A binary file cannot reach a remote agent: refused at once, nothing queued.
        const QString refused = backend.send(QStringLiteral("run this"), {binary}, false);
        QVERIFY2(refused.contains(QLatin1String("app.bin is not a text file")), qPrintable(refused));

        QCOMPARE(backend.send(QStringLiteral("plan?"), {image, text}, false), QString());
        const QString session = backend.currentSessionId();
        QString turn;
        QVERIFY(QTest::qWaitFor(
            [&] {
                const auto runs = runtime.store()->runsForSession(session);
                if (runs.isEmpty() || runs.last().agentSessionId.isEmpty())
                    return false;
                QNetworkRequest request(sim.url("/api/sessions/" + runs.last().agentSessionId + "/messages"));
                request.setRawHeader("Authorization", "Bearer k");
                std::unique_ptr<QNetworkReply> reply(runtime.network()->get(request));
                QSignalSpy finished(reply.get(), &QNetworkReply::finished);
                if (!reply->isFinished() && !finished.wait(5000))
                    return false;
                const QJsonArray messages =
                    QJsonDocument::fromJson(reply->readAll()).object().value("messages").toArray();
                turn =
                    messages.isEmpty() ? QString() : messages.first().toObject().value("content").toString();
                return !turn.isEmpty();
            },
            20'000));
        QCOMPARE(turn, QStringLiteral(
                           "plan?\n[Image: image/png, %1 bytes]\n--- todo.txt ---\n1. ship it\n--- end of "
                           "todo.txt ---")
                           .arg(png.size()));
        // The message in the window says how each attachment went.
        const QModelIndex first = backend.chat()->index(0, 0);
        const QVariantList attachments =
            backend.chat()->data(first, backend.chat()->roleNames().key("attachments")).toList();
        QCOMPARE(attachments.size(), 2);
        QCOMPARE(attachments.at(0).toMap().value("delivery").toString(), QStringLiteral("image"));
        QCOMPARE(attachments.at(1).toMap().value("delivery").toString(), QStringLiteral("text"));
    }

    void aFingerprintIsOnlyStoredForHttps()
    {
        AppRuntime runtime;
        QString error, notice;
        QVERIFY(runtime.openStore(m_home.filePath(QStringLiteral("u.db")), &error, &notice));
        ChatBackend backend(&runtime);
        QSignalSpy errors(&backend, &ChatBackend::errorMessage);
        backend.trustCertificate(QStringLiteral("http://127.0.0.1:8642"), QString(64, QLatin1Char('a')));
        backend.trustCertificate(QStringLiteral("https://agent.example"),
                                 QStringLiteral("not a fingerprint"));
        QCOMPARE(errors.size(), 2);
        QVERIFY(backend.trustedCertificates().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAgentTrust)
#include "tst_agent_trust.moc"
