#pragma once
// Test helper: a TLS front (like a reverse proxy before a remote gateway) that decrypts each connection
// and pipes it to a plain-HTTP port on 127.0.0.1 (usually hermes-sim), plus certificates made at test
// time with the openssl command line tool:
//
//     caduceus::test::TestCertificates certs;            // a CA, a server certificate it signed, a
//     self-signed one QVERIFY2(certs.isValid(), qPrintable(certs.errorString())); caduceus::test::TlsProxy
//     proxy(certs.selfSigned(), sim.port()); QUrl url = proxy.url();                             //
//     https://127.0.0.1:<port>
//
// Both certificates name 127.0.0.1 and localhost, so the only reason to refuse them is who signed them.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QUrl>

namespace caduceus::test {

struct TlsIdentity
{
    QSslCertificate certificate;
    QSslKey key;
};

class TestCertificates
{
public:
    TestCertificates()
    {
        if (!m_dir.isValid()) {
            m_error = QStringLiteral("cannot create a temporary directory");
            return;
        }
        const QString san = QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost");
        QFile ext(path("server.ext"));
        if (!ext.open(QIODevice::WriteOnly) || ext.write(san.toLatin1() + '\n') < 0) {
            fail(QStringLiteral("cannot write server.ext"));
            return;
        }
        ext.close();
        const QStringList ec{QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                             QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes")};
        if (!openssl(
                QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + ec +
                QStringList{QStringLiteral("-keyout"), path("ca.key"), QStringLiteral("-out"), path("ca.crt"),
                            QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                            QStringLiteral("/CN=Caduceus Test CA"), QStringLiteral("-addext"),
                            QStringLiteral("basicConstraints=critical,CA:TRUE"), QStringLiteral("-addext"),
                            QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")}) ||
            !openssl(QStringList{QStringLiteral("req")} + ec +
                     QStringList{QStringLiteral("-keyout"), path("server.key"), QStringLiteral("-out"),
                                 path("server.csr"), QStringLiteral("-subj"),
                                 QStringLiteral("/CN=127.0.0.1")}) ||
            !openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                      path("server.csr"), QStringLiteral("-CA"), path("ca.crt"), QStringLiteral("-CAkey"),
                      path("ca.key"), QStringLiteral("-CAcreateserial"), QStringLiteral("-out"),
                      path("server.crt"), QStringLiteral("-days"), QStringLiteral("2"),
                      QStringLiteral("-extfile"), path("server.ext")}) ||
            !openssl(QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + ec +
                     QStringList{QStringLiteral("-keyout"), path("self.key"), QStringLiteral("-out"),
                                 path("self.crt"), QStringLiteral("-days"), QStringLiteral("2"),
                                 QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                                 QStringLiteral("-addext"), san}))
            return;
        m_ca = load(QStringLiteral("ca.crt"));
        m_signed = {load(QStringLiteral("server.crt")), loadKey(QStringLiteral("server.key"))};
        m_self = {load(QStringLiteral("self.crt")), loadKey(QStringLiteral("self.key"))};
        if (m_ca.isNull() || m_signed.certificate.isNull() || m_signed.key.isNull() ||
            m_self.certificate.isNull() || m_self.key.isNull())
            fail(QStringLiteral("openssl wrote certificates Qt cannot read"));
    }

    bool isValid() const { return m_error.isEmpty(); }
    QString errorString() const { return m_error; }
    const QSslCertificate &ca() const { return m_ca; }
    const TlsIdentity &signedByCa() const { return m_signed; }
    const TlsIdentity &selfSigned() const { return m_self; }

private:
    QString path(const char *name) const { return m_dir.filePath(QLatin1String(name)); }
    void fail(const QString &error)
    {
        if (m_error.isEmpty())
            m_error = error;
    }
    bool openssl(const QStringList &arguments)
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QStringLiteral("openssl"), arguments);
        if (!process.waitForStarted(5000)) {
            fail(QStringLiteral("cannot run openssl (scripts/deps.sh installs it): %1")
                     .arg(process.errorString()));
            return false;
        }
        process.waitForFinished(30'000);
        if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
            fail(QStringLiteral("openssl %1 failed: %2")
                     .arg(arguments.join(QLatin1Char(' ')), QString::fromLocal8Bit(process.readAll())));
            return false;
        }
        return true;
    }
    QSslCertificate load(const QString &name) const
    {
        const QList<QSslCertificate> list = QSslCertificate::fromPath(m_dir.filePath(name), QSsl::Pem);
        return list.isEmpty() ? QSslCertificate() : list.first();
    }
    QSslKey loadKey(const QString &name) const
    {
        QFile file(m_dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            return {};
        return QSslKey(file.readAll(), QSsl::Ec, QSsl::Pem);
    }

    QTemporaryDir m_dir;
    QString m_error;
    QSslCertificate m_ca;
    TlsIdentity m_signed;
    TlsIdentity m_self;
};

class TlsProxy : public QObject
{
public:
    TlsProxy(const TlsIdentity &identity, quint16 targetPort) : m_targetPort(targetPort)
    {
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setLocalCertificate(identity.certificate);
        configuration.setPrivateKey(identity.key);
        configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
        m_server.setSslConfiguration(configuration);
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *next = m_server.nextPendingConnection())
                pipe(static_cast<QSslSocket *>(next));
        });
        // A client that refuses the certificate aborts the handshake: count it, the tests check it.
        connect(&m_server, &QSslServer::errorOccurred, this,
                [this](QSslSocket *, QAbstractSocket::SocketError) { ++handshakeFailures; });
    }

    bool isListening() const { return m_server.isListening(); }
    QUrl url(const QString &host = QStringLiteral("127.0.0.1")) const
    {
        return QUrl(QStringLiteral("https://%1:%2").arg(host).arg(m_server.serverPort()));
    }

    int connectionsPiped = 0;
    int handshakeFailures = 0;

private:
    void pipe(QSslSocket *front)
    {
        front->setParent(this);
        auto *back = new QTcpSocket(front);
        ++connectionsPiped;
        connect(front, &QSslSocket::readyRead, back, [front, back] { back->write(front->readAll()); });
        connect(back, &QTcpSocket::readyRead, front, [front, back] { front->write(back->readAll()); });
        connect(back, &QTcpSocket::disconnected, front, [front] { front->disconnectFromHost(); });
        connect(front, &QSslSocket::disconnected, front, [front, back] {
            back->disconnectFromHost();
            front->deleteLater();
        });
        back->connectToHost(QHostAddress::LocalHost, m_targetPort);
        // Bytes the client sent before the back end connected are written once it is.
        connect(back, &QTcpSocket::connected, front, [front, back] { back->write(front->readAll()); });
    }

    QSslServer m_server;
    quint16 m_targetPort;
};

} // namespace caduceus::test
