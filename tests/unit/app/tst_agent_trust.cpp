// TLS trust from the window (issue 16): an https agent whose certificate is not trusted is refused; the
// window gets the host, the reason and the fingerprint; "Trust this certificate" stores it for that agent URL
// and connects; Settings lists it and can remove it, after which it is refused again.
#include "AppRuntime.h"
#include "ChatBackend.h"
#include "SimProcess.h"
#include "TlsProxy.h"
#include "hermes/TlsTrust.h"

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
