#pragma once
// One Engine.IO v4 endpoint (e.g. /socket.io/): validates the EIO/transport/sid query, answers the
// long-polling requests, takes WebSocket upgrades into a QWebSocketServer, and hands every new session
// out through connection(). Requests reach it from an HttpServer (see RelayServer).

#include "relay/EngineOptions.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QString>
#include <QUrlQuery>

class QTcpSocket;
class QWebSocketServer;

namespace caduceus::net {
struct HttpRequest;
class HttpResponder;
} // namespace caduceus::net

namespace caduceus::relay {

class EngineSocket;

class EngineServer : public QObject
{
    Q_OBJECT
public:
    // path: the URL prefix, e.g. "/socket.io/" (a trailing slash is added when missing).
    explicit EngineServer(const QString &path, const EngineOptions &options = {}, QObject *parent = nullptr);
    ~EngineServer() override;

    const QString &path() const { return m_path; }
    const EngineOptions &options() const { return m_options; }
    bool matches(const QString &requestPath) const;
    // Exact match on scheme://host[:port] (case-insensitive, default ports and a trailing '/' ignored).
    static QString normalizedOrigin(const QString &origin);

    void handleRequest(const net::HttpRequest &request, net::HttpResponder *responder);
    // For HttpServer::UpgradeHandler: true when the socket was taken for a WebSocket session or probe.
    bool handleUpgrade(const net::HttpRequest &request, QTcpSocket *socket);

    int sessionCount() const { return int(m_sessions.size()); }
    EngineSocket *session(const QString &id) const { return m_sessions.value(id); }
    // Closes every session (e.g. on shutdown).
    void closeAll(const QString &reason = QStringLiteral("server shutting down"));

Q_SIGNALS:
    // A new session; its owner (this server) deletes it some time after its closed() signal.
    void connection(caduceus::relay::EngineSocket *socket);

private:
    struct QueryCheck
    {
        int status = 0; // 0 when valid
        int code = 0;
        QString message;
    };
    QueryCheck checkQuery(const QUrlQuery &query, const QByteArray &expectedTransport) const;
    // EngineOptions::allowedOrigins; the refusal reason, or empty when the request may go on.
    QString checkOrigin(const net::HttpRequest &request) const;
    EngineSocket *createSession(const QUrlQuery &query, const QHostAddress &peer);
    void onNewWebSocket();

    QString m_path;
    EngineOptions m_options;
    QWebSocketServer *m_webSocketServer = nullptr;
    QHash<QString, EngineSocket *> m_sessions;
};

} // namespace caduceus::relay
