#include "RelayHost.h"

#include "AppRuntime.h"
#include "SecretStore.h"
#include "chat/SessionManager.h"
#include "relay/ChatRunNamespace.h"
#include "relay/RelayServer.h"
#include "store/Database.h"
#include "store/SessionStore.h"
#include "webui/AllowedFolders.h"
#include "webui/WebUiServer.h"

#include <QFileInfo>
#include <QRandomGenerator>

using namespace caduceus;

namespace {
const QString kRelayTokenKey = QStringLiteral("relay-token");
}

RelayHost::RelayHost(AppRuntime *runtime, QObject *parent) : QObject(parent), m_runtime(runtime)
{
}

RelayHost::~RelayHost()
{
    stop();
}

QByteArray RelayHost::generateToken()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(bytes.begin(), bytes.end());
    return bytes.toHex();
}

void RelayHost::start(const QHostAddress &bind, quint16 port, std::function<void(bool, const QString &)> done)
{
    if (m_server) {
        done(true, QString());
        return;
    }
    const QByteArray fromEnv = qgetenv("CADUCEUS_RELAY_TOKEN").trimmed();
    if (!fromEnv.isEmpty()) {
        m_token = fromEnv;
        listen(bind, port, done);
        return;
    }
    m_runtime->secrets()->read(kRelayTokenKey, [this, bind, port, done](const QString &value, const QString &error) {
        m_token = value.toUtf8().trimmed();
        if (m_token.isEmpty()) {
            m_token = generateToken();
            m_generated = true;
            if (error.isEmpty()) {
                m_runtime->secrets()->write(kRelayTokenKey, QString::fromLatin1(m_token));
            } else {
                // A token may well be stored but unreadable right now (locked keychain): keep it, and use a
                // token for this run only.
                qWarning("caduceus: could not read the relay token from the keychain (%s); using a new token "
                         "until Caduceus stops",
                         qPrintable(error));
            }
        }
        listen(bind, port, done);
    });
}

void RelayHost::listen(const QHostAddress &bind, quint16 port, std::function<void(bool, const QString &)> done)
{
    if (!bind.isLoopback() && m_token.size() < 16) {
        done(false, tr("Refusing to listen on %1, which other machines can reach, without a token of at least 16 "
                       "characters.")
                        .arg(bind.toString()));
        return;
    }
    if (m_webUi.uploadDir.isEmpty())
        m_webUi.uploadDir = QFileInfo(store::Database::defaultPath()).absolutePath() + QStringLiteral("/uploads");
    relay::RelayOptions options;
    // The web UI served elsewhere (a dev server) may open the socket; its own page here always may.
    options.engine.allowedOrigins = m_webUi.corsOrigins;
    auto *server = new relay::RelayServer(options, this);
    auto chatRun = std::make_unique<relay::ChatRunNamespace>(m_runtime->sessions(), m_token);
    // A browser may point the agent only at files the download side would serve too.
    chatRun->setAttachmentPolicy([this](const QString &sessionId, const QString &path) -> QString {
        QStringList folders{m_webUi.uploadDir};
        folders += m_webUi.allowedDirs;
        const auto session = m_runtime->sessions()->store()->session(sessionId);
        if (session && !session->workspace.isEmpty())
            folders << session->workspace;
        if (webui::AllowedFolders::check(path, folders).verdict == webui::AllowedFolders::Verdict::Allowed)
            return {};
        return tr("The attachment %1 is not a file in the upload folder, the session's workspace or an "
                  "--allow-dir folder.")
            .arg(path.left(300));
    });
    connect(chatRun.get(), &relay::ChatRunNamespace::clientConnected, this, [this]() {
        Q_EMIT clientCountChanged(++m_clients);
    });
    connect(chatRun.get(), &relay::ChatRunNamespace::clientDisconnected, this, [this]() {
        Q_EMIT clientCountChanged(m_clients = qMax(0, m_clients - 1));
    });
    server->registerNamespace(QStringLiteral("/chat-run"), std::move(chatRun));
    (new webui::WebUiServer(m_runtime->sessions(), m_token, m_webUi, server))->install(server);
    if (!server->listen(bind, port)) {
        const QString error = tr("Cannot listen on %1:%2: %3").arg(bind.toString()).arg(port).arg(server->errorString());
        delete server;
        done(false, error);
        return;
    }
    m_server = server;
    Q_EMIT runningChanged();
    done(true, QString());
}

void RelayHost::stop()
{
    if (!m_server)
        return;
    m_server->close();
    m_server->deleteLater();
    m_server = nullptr;
    m_clients = 0;
    Q_EMIT runningChanged();
}

quint16 RelayHost::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

QHostAddress RelayHost::address() const
{
    return m_server ? m_server->serverAddress() : QHostAddress();
}

QString RelayHost::url() const
{
    if (!m_server)
        return {};
    const QHostAddress a = address();
    const QString host = a.protocol() == QAbstractSocket::IPv6Protocol ? QStringLiteral("[%1]").arg(a.toString())
                                                                       : a.toString();
    return QStringLiteral("http://%1:%2").arg(host).arg(port());
}

void RelayHost::regenerateToken(std::function<void(const QString &)> done)
{
    m_token = generateToken();
    m_generated = true;
    m_runtime->secrets()->write(kRelayTokenKey, QString::fromLatin1(m_token), [this, done](const QString &error) {
        if (m_server) {
            const QHostAddress bind = address();
            const quint16 p = port();
            stop();
            start(bind, p, [done, error](bool, const QString &startError) { done(error.isEmpty() ? startError : error); });
            return;
        }
        done(error);
    });
}
