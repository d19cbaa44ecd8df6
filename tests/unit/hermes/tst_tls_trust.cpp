// TLS to the agent (issue 16): a remote gateway behind a reverse proxy is reached over https. Both the REST
// client (QNetworkAccessManager) and the event stream (its own QSslSocket) must follow the same trust rules:
// a certificate from a trusted CA works; an untrusted one is refused with the host, the reason and its
// fingerprint; a certificate trusted explicitly by fingerprint works, and only that certificate.
#include "SimProcess.h"
#include "TlsProxy.h"
#include "hermes/EventStreamConnection.h"
#include "hermes/HermesClient.h"
#include "hermes/TlsTrust.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace caduceus;
using caduceus::test::SimProcess;
using caduceus::test::TestCertificates;
using caduceus::test::TlsProxy;

class TlsTrustTest : public QObject
{
    Q_OBJECT

private:
    struct Outcome
    {
        hermes::ApiResult health;
        QByteArray streamBody;
        QString streamError;
        QString streamUntrusted;
    };

    // /health through the REST client, then a run's event stream through EventStreamConnection.
    Outcome talk(const QUrl &url, const QStringList &trusted)
    {
        Outcome out;
        QNetworkAccessManager nam; // a fresh one: no connection or TLS session is reused between cases
        hermes::AgentEndpoint endpoint;
        endpoint.baseUrl = url;
        endpoint.apiKey = QStringLiteral("k");
        endpoint.trustedCertificates = trusted;
        hermes::HermesClient client(endpoint, &nam);
        bool answered = false;
        client.health(this, [&](const hermes::ApiResult &r) {
            out.health = r;
            answered = true;
        });
        if (!QTest::qWaitFor([&] { return answered; }, 15'000))
            out.health.message = QStringLiteral("no answer");

        QString runId;
        if (out.health.ok()) {
            bool started = false;
            hermes::HermesClient::StartRun run;
            run.input = QStringLiteral("hello over TLS");
            client.startRun(run, this, [&](const hermes::ApiResult &r) {
                runId = r.json.value(QLatin1String("run_id")).toString();
                started = true;
            });
            if (!QTest::qWaitFor([&] { return started; }, 15'000))
                out.health.message = QStringLiteral("the run did not start");
        } else {
            runId = QStringLiteral("run_none"); // the stream must be refused the same way before any HTTP
        }
        hermes::EventStreamConnection *stream = client.openEventStream(runId, this);
        connect(stream, &hermes::EventStreamConnection::dataReceived, this,
                [&](const QByteArray &bytes) { out.streamBody += bytes; });
        QSignalSpy finished(stream, &hermes::EventStreamConnection::finished);
        if (!finished.wait(20'000))
            out.streamError = QStringLiteral("the stream did not finish");
        else
            out.streamError = stream->errorString();
        out.streamUntrusted = stream->untrustedCertificate();
        delete stream;
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!QSslSocket::supportsSsl())
            QFAIL("Qt has no TLS backend (OpenSSL)");
        m_defaultTls = QSslConfiguration::defaultConfiguration();
    }

    void cleanup() { QSslConfiguration::setDefaultConfiguration(m_defaultTls); }

    void fingerprintForms()
    {
        const QString shown = QStringLiteral("AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
                                             "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89");
        QCOMPARE(hermes::TlsTrust::normalizeFingerprint(shown.toLower().remove(QLatin1Char(':'))), shown);
        QCOMPARE(hermes::TlsTrust::normalizeFingerprint(shown), shown);
        QVERIFY(hermes::TlsTrust::normalizeFingerprint(QStringLiteral("AB:CD")).isEmpty());
        QVERIFY(hermes::TlsTrust::normalizeFingerprint(shown.left(94) + QStringLiteral("ZZ")).isEmpty());
    }

    void untrustedCertificateIsRefusedWithHostReasonAndFingerprint()
    {
        TestCertificates certs;
        QVERIFY2(certs.isValid(), qPrintable(certs.errorString()));
        SimProcess sim({QStringLiteral("--key"), QStringLiteral("k"), QStringLiteral("--delay-ms"),
                        QStringLiteral("1")});
        QVERIFY2(sim.isReady(), qPrintable(sim.errorString()));
        TlsProxy proxy(certs.selfSigned(), sim.port());
        QVERIFY(proxy.isListening());
        const QString fingerprint = hermes::TlsTrust::fingerprint(certs.selfSigned().certificate);

        const Outcome out = talk(proxy.url(), {});
        QVERIFY(!out.health.ok());
        QVERIFY2(out.health.message.contains(QLatin1String("127.0.0.1")), qPrintable(out.health.message));
        QVERIFY2(out.health.message.contains(QLatin1String("not trusted")), qPrintable(out.health.message));
        QVERIFY2(out.health.message.contains(QLatin1String("self signed"), Qt::CaseInsensitive) ||
                     out.health.message.contains(QLatin1String("self-signed"), Qt::CaseInsensitive),
                 qPrintable(out.health.message));
        QVERIFY2(out.health.message.contains(fingerprint), qPrintable(out.health.message));
        QCOMPARE(out.health.untrustedCertificate, fingerprint);
        QCOMPARE(out.health.untrustedHost, QStringLiteral("127.0.0.1"));

        QVERIFY(out.streamBody.isEmpty());
        QVERIFY2(out.streamError.contains(QLatin1String("127.0.0.1")) &&
                     out.streamError.contains(QLatin1String("not trusted")) &&
                     out.streamError.contains(fingerprint),
                 qPrintable(out.streamError));
        QCOMPARE(out.streamUntrusted, fingerprint);
    }

    void trustedFingerprintWorksForRestAndStream()
    {
        TestCertificates certs;
        QVERIFY2(certs.isValid(), qPrintable(certs.errorString()));
        SimProcess sim({QStringLiteral("--key"), QStringLiteral("k"), QStringLiteral("--delay-ms"),
                        QStringLiteral("1")});
        QVERIFY2(sim.isReady(), qPrintable(sim.errorString()));
        TlsProxy proxy(certs.selfSigned(), sim.port());
        // Stored in the shown form, given here in lower case without colons: both are the same fingerprint.
        const QString fingerprint =
            hermes::TlsTrust::fingerprint(certs.selfSigned().certificate).toLower().remove(QLatin1Char(':'));

        const Outcome out = talk(proxy.url(), {fingerprint});
        QVERIFY2(out.health.ok(), qPrintable(out.health.message));
        QVERIFY2(out.streamError.isEmpty(), qPrintable(out.streamError));
        QVERIFY2(out.streamBody.contains("run.completed"), out.streamBody.constData());
        QVERIFY(out.streamUntrusted.isEmpty());
    }

    void trustedLeafOfAnUnknownCaWorks()
    {
        // A company CA this machine does not know: trusting the server's own certificate is enough.
        TestCertificates certs;
        QVERIFY2(certs.isValid(), qPrintable(certs.errorString()));
        SimProcess sim({QStringLiteral("--key"), QStringLiteral("k"), QStringLiteral("--delay-ms"),
                        QStringLiteral("1")});
        QVERIFY2(sim.isReady(), qPrintable(sim.errorString()));
        TlsProxy proxy(certs.signedByCa(), sim.port());
        const Outcome out =
            talk(proxy.url(), {hermes::TlsTrust::fingerprint(certs.signedByCa().certificate)});
        QVERIFY2(out.health.ok(), qPrintable(out.health.message));
        QVERIFY2(out.streamError.isEmpty(), qPrintable(out.streamError));
        QVERIFY2(out.streamBody.contains("run.completed"), out.streamBody.constData());
    }

    void anotherFingerprintDoesNotTrustThisCertificate()
    {
        TestCertificates certs;
        QVERIFY2(certs.isValid(), qPrintable(certs.errorString()));
        SimProcess sim({QStringLiteral("--key"), QStringLiteral("k")});
        QVERIFY2(sim.isReady(), qPrintable(sim.errorString()));
        TlsProxy proxy(certs.selfSigned(), sim.port());
        // The CA-signed certificate's fingerprint was trusted, the proxy shows the self-signed one.
        const Outcome out =
            talk(proxy.url(), {hermes::TlsTrust::fingerprint(certs.signedByCa().certificate)});
        QVERIFY(!out.health.ok());
        QCOMPARE(out.health.untrustedCertificate,
                 hermes::TlsTrust::fingerprint(certs.selfSigned().certificate));
        QVERIFY(!out.streamError.isEmpty());
        QVERIFY(out.streamBody.isEmpty());
    }

    void certificateFromTrustedCaWorks()
    {
        TestCertificates certs;
        QVERIFY2(certs.isValid(), qPrintable(certs.errorString()));
        SimProcess sim({QStringLiteral("--key"), QStringLiteral("k"), QStringLiteral("--delay-ms"),
                        QStringLiteral("1")});
        QVERIFY2(sim.isReady(), qPrintable(sim.errorString()));
        TlsProxy proxy(certs.signedByCa(), sim.port());

        // Before the CA is trusted its certificate is refused like any other unknown one.
        const Outcome before = talk(proxy.url(), {});
        QVERIFY(!before.health.ok());
        QVERIFY2(before.health.message.contains(QLatin1String("not trusted")),
                 qPrintable(before.health.message));

        // The system's trust store, as a company CA installed on the machine would be.
        QSslConfiguration withCa = QSslConfiguration::defaultConfiguration();
        withCa.addCaCertificate(certs.ca());
        QSslConfiguration::setDefaultConfiguration(withCa);
        const Outcome out = talk(proxy.url(), {});
        QVERIFY2(out.health.ok(), qPrintable(out.health.message));
        QVERIFY2(out.streamError.isEmpty(), qPrintable(out.streamError));
        QVERIFY2(out.streamBody.contains("run.completed"), out.streamBody.constData());
    }

private:
    QSslConfiguration m_defaultTls;
};

QTEST_GUILESS_MAIN(TlsTrustTest)
#include "tst_tls_trust.moc"
