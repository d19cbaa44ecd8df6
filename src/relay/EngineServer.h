#pragma once
// One Engine.IO v4 endpoint (e.g. /socket.io/): validates the EIO/transport/sid query, answers the
// long-polling requests, takes WebSocket upgrades into a QWebSocketServer, and hands every new session
// out through connection(). Requests reach it from an HttpServer (see RelayServer).

#include "relay/EngineOptions.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QString>
#include <QUrlQuery>

class QTcpSocket;
class QWebSocketServer;

namespace caduceus::net {
struct HttpRequest;
struct HttpHeadVerdict;
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

    // The body limit of a polling request from its head: an admitted session may send maxPayload (one byte
    // more reaches handleRequest, which answers 413 and ends the session), anyone else very little.
    net::HttpHeadVerdict headVerdict(const net::HttpRequest &head) const;

    // From now on new sessions count as unadmitted until admit() (EngineOptions::maxUnadmittedSessions).
    // Called by the layer that knows who may stay (SocketServer); raw endpoints admit every session.
    void requireAdmission();
    void admit(EngineSocket *socket);
    bool isAdmitted(const EngineSocket *socket) const { return !m_unadmitted.contains(socket); }
    int unadmittedCount() const { return int(m_unadmitted.size()); }

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
    // Whether a handshake from `peer` may create a session; may close the oldest unadmitted one for it.
    bool makeRoomForSession(const QHostAddress &peer);
    void onNewWebSocket();

    QString m_path;
    EngineOptions m_options;
    QWebSocketServer *m_webSocketServer = nullptr;
    QHash<QString, EngineSocket *> m_sessions;
    bool m_admissionRequired = false;
    // Unadmitted sessions, oldest first (a few hundred at most: scanned, not indexed).
    QList<EngineSocket *> m_unadmitted;
};

} // namespace caduceus::relay
