#include "relay/EngineServer.h"

#include "net/HttpRequest.h"
#include "net/HttpServer.h"
#include "relay/EngineSocket.h"
#include "relay/RandomId.h"
#include "relay/WebSocketTransport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>
#include <QWebSocketServer>

namespace caduceus::relay {

Q_LOGGING_CATEGORY(lcEngineServer, "caduceus.relay.engine")

namespace {

// Error codes of the reference server, so clients that inspect them understand ours.
enum EngineErrorCode
{
    TransportUnknown = 0,
    UnknownSid = 1,
    BadHandshakeMethod = 2,
    BadRequest = 3,
    Forbidden = 4,
    UnsupportedProtocolVersion = 5,
};

void sendEngineError(net::HttpResponder *responder, int status, int code, const QString &message)
{
    responder->sendJson(status,
                        QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}});
}

} // namespace

EngineServer::EngineServer(const QString &path, const EngineOptions &options, QObject *parent)
    : QObject(parent), m_path(path.endsWith(QLatin1Char('/')) ? path : path + QLatin1Char('/')),
      m_options(options)
{
    m_webSocketServer =
        new QWebSocketServer(QStringLiteral("caduceus"), QWebSocketServer::NonSecureMode, this);
    m_webSocketServer->setHandshakeTimeout(10'000);
    connect(m_webSocketServer, &QWebSocketServer::newConnection, this, &EngineServer::onNewWebSocket);
}

EngineServer::~EngineServer()
{
    for (EngineSocket *socket : std::as_const(m_sessions))
        socket->disconnect(this);
}

bool EngineServer::matches(const QString &requestPath) const
{
    return requestPath.startsWith(m_path) || requestPath == m_path.chopped(1);
}

EngineServer::QueryCheck EngineServer::checkQuery(const QUrlQuery &query,
                                                  const QByteArray &expectedTransport) const
{
    if (query.queryItemValue(QStringLiteral("EIO")) != QLatin1String("4"))
        return {400, UnsupportedProtocolVersion, QStringLiteral("Unsupported protocol version")};
    const QString transport = query.queryItemValue(QStringLiteral("transport"));
    if (transport != QLatin1String("polling") && transport != QLatin1String("websocket"))
        return {400, TransportUnknown, QStringLiteral("Transport unknown")};
    if (transport.toLatin1() != expectedTransport)
        return {400, BadRequest, QStringLiteral("Bad request")};
    return {};
}

QString EngineServer::normalizedOrigin(const QString &origin)
{
    const QUrl url(origin.trimmed());
    if (!url.isValid() || url.host().isEmpty() || !url.userInfo().isEmpty() ||
        (!url.path().isEmpty() && url.path() != QLatin1String("/")))
        return {};
    const QString scheme = url.scheme().toLower();
    const int defaultPort = scheme == QLatin1String("https")  ? 443
                            : scheme == QLatin1String("http") ? 80
                                                              : -1;
    QString host = url.host().toLower();
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    const int port = url.port(defaultPort);
    return port == defaultPort
               ? scheme + QStringLiteral("://") + host
               : scheme + QStringLiteral("://") + host + QLatin1Char(':') + QString::number(port);
}

QString EngineServer::checkOrigin(const net::HttpRequest &request) const
{
    const QByteArray origin = request.header("origin").trimmed();
    if (origin.isEmpty())
        return {};
    const QString normalized = normalizedOrigin(QString::fromUtf8(origin));
    if (!normalized.isEmpty()) {
        for (const QString &allowed : m_options.allowedOrigins) {
            if (normalizedOrigin(allowed) == normalized)
                return {};
        }
        // The page Caduceus serves itself: same origin, reached by an address no other site can point at.
        const QString host = QString::fromUtf8(request.header("host")).trimmed();
        const QUrl self(QStringLiteral("http://") + host);
        const bool literalHost =
            !QHostAddress(self.host()).isNull() || self.host().toLower() == QLatin1String("localhost");
        if (literalHost && !host.isEmpty() &&
            normalizedOrigin(QStringLiteral("http://") + host) == normalized)
            return {};
    }
    return QStringLiteral("Origin %1 is not allowed to use this relay")
        .arg(QString::fromUtf8(origin.left(200)));
}

void EngineServer::handleRequest(const net::HttpRequest &request, net::HttpResponder *responder)
{
    if (const QString refused = checkOrigin(request); !refused.isEmpty()) {
        qCInfo(lcEngineServer).noquote()
            << "refused a request from" << request.peerAddress.toString() << ":" << refused;
        sendEngineError(responder, 403, Forbidden, refused);
        return;
    }
    const QueryCheck check = checkQuery(request.query, "polling");
    if (check.status != 0) {
        sendEngineError(responder, check.status, check.code, check.message);
        return;
    }
    const QString sid = request.query.queryItemValue(QStringLiteral("sid"));
    if (sid.isEmpty()) {
        if (request.method != "GET") {
            sendEngineError(responder, 400, BadHandshakeMethod, QStringLiteral("Bad handshake method"));
            return;
        }
        if (!makeRoomForSession(request.peerAddress)) {
            sendEngineError(responder, 503, Forbidden, QStringLiteral("Too many sessions"));
            return;
        }
        EngineSocket *socket = createSession(request.query, request.peerAddress);
        responder->send(200, QByteArrayLiteral("text/plain; charset=UTF-8"), socket->openPacket(true));
        socket->startWithPolling();
        Q_EMIT connection(socket);
        return;
    }
    EngineSocket *socket = m_sessions.value(sid);
    if (socket) {
        // A session past its pong deadline is gone, even if its timer has not fired yet.
        socket->expireIfPongOverdue();
        socket = m_sessions.value(sid);
    }
    if (!socket) {
        sendEngineError(responder, 400, UnknownSid, QStringLiteral("Session ID unknown"));
        return;
    }
    if (request.method == "GET")
        socket->handlePollRequest(responder);
    else if (request.method == "POST")
        socket->handleDataRequest(request.body, responder);
    else
        sendEngineError(responder, 400, BadRequest, QStringLiteral("Bad request"));
}

bool EngineServer::handleUpgrade(const net::HttpRequest &request, QTcpSocket *socket)
{
    if (const QString refused = checkOrigin(request); !refused.isEmpty()) {
        qCInfo(lcEngineServer).noquote()
            << "refused a WebSocket from" << request.peerAddress.toString() << ":" << refused;
        // Answered here rather than by the HTTP server's generic 400, so the page's console says why.
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("code"), Forbidden},
                                                          {QStringLiteral("message"), refused}})
                                    .toJson(QJsonDocument::Compact);
        socket->setParent(this);
        socket->readAll();
        socket->write("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: " +
                      QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        socket->disconnectFromHost();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(2000, socket, [socket] { socket->abort(); });
        return true;
    }
    if (checkQuery(request.query, "websocket").status != 0)
        return false;
    const QString sid = request.query.queryItemValue(QStringLiteral("sid"));
    if (sid.isEmpty()) {
        if (!makeRoomForSession(request.peerAddress))
            return false;
    } else if (!m_sessions.contains(sid)) {
        return false; // unknown sid: HTTP 400
    }
    // A known sid that cannot upgrade (already upgraded, or another probe under way) still gets its
    // WebSocket handshake and is then closed (onNewWebSocket → beginUpgrade), as the reference server does:
    // the client sees a close, not an error, and the session's own transport is not disturbed.
    m_webSocketServer->handleConnection(socket);
    return true;
}

void EngineServer::onNewWebSocket()
{
    while (QWebSocket *webSocket = m_webSocketServer->nextPendingConnection()) {
        const QUrlQuery query(webSocket->requestUrl());
        const QString sid = query.queryItemValue(QStringLiteral("sid"));
        // From its first frame on, a WebSocket may send no more than its session may: an unadmitted one
        // (or a new one when admission is required) gets the small polling budget, not maxPayload.
        EngineSocket *existing = sid.isEmpty() ? nullptr : m_sessions.value(sid);
        const qint64 maxIncoming = existing ? existing->maxIncomingBytes()
                                            : (m_admissionRequired ? m_options.maxUnadmittedPayload
                                                                   : m_options.maxPayload);
        auto *transport = new WebSocketTransport(webSocket, maxIncoming);
        if (!sid.isEmpty()) {
            // The session may have ended while the WebSocket handshake was running.
            EngineSocket *session = existing;
            if (session)
                session->beginUpgrade(transport);
            else
                transport->closeAndDispose(QWebSocketProtocol::CloseCodePolicyViolated);
            continue;
        }
        EngineSocket *session = createSession(query, webSocket->peerAddress());
        session->startWithWebSocket(transport);
        Q_EMIT connection(session);
    }
}

EngineSocket *EngineServer::createSession(const QUrlQuery &query, const QHostAddress &peer)
{
    QString id = makeRandomId();
    while (m_sessions.contains(id))
        id = makeRandomId();
    auto *socket = new EngineSocket(id, query, peer, m_options, this);
    m_sessions.insert(id, socket);
    connect(socket, &EngineSocket::finished, this, [this, socket] {
        m_sessions.remove(socket->id());
        m_unadmitted.removeOne(socket);
        socket->deleteLater();
    });
    if (m_admissionRequired) {
        socket->setMaxIncomingBytes(m_options.maxUnadmittedPayload);
        m_unadmitted.append(socket);
        connect(socket, &EngineSocket::closed, this, [this, socket] { m_unadmitted.removeOne(socket); });
        QTimer::singleShot(m_options.unadmittedLifeMs, socket, [this, socket] {
            if (m_unadmitted.contains(socket))
                socket->close(QStringLiteral("not admitted in time"));
        });
    }
    return socket;
}

bool EngineServer::makeRoomForSession(const QHostAddress &peer)
{
    if (m_admissionRequired) {
        int fromPeer = 0;
        for (const EngineSocket *socket : std::as_const(m_unadmitted))
            fromPeer += socket->peerAddress() == peer ? 1 : 0;
        const bool peerFull = fromPeer >= m_options.maxUnadmittedSessionsPerAddress;
        if (peerFull || m_unadmitted.size() >= m_options.maxUnadmittedSessions) {
            for (EngineSocket *socket : std::as_const(m_unadmitted)) {
                if (!peerFull || socket->peerAddress() == peer) {
                    // Closing removes it from m_unadmitted (closed()), so stop iterating right away.
                    socket->close(QStringLiteral("replaced by a newer unadmitted session"));
                    break;
                }
            }
        }
    }
    return m_sessions.size() < m_options.maxSessions;
}

void EngineServer::requireAdmission()
{
    m_admissionRequired = true;
}

void EngineServer::admit(EngineSocket *socket)
{
    m_unadmitted.removeOne(socket);
    if (socket)
        socket->setMaxIncomingBytes(m_options.maxPayload);
}

net::HttpHeadVerdict EngineServer::headVerdict(const net::HttpRequest &head) const
{
    const EngineSocket *socket = m_sessions.value(head.query.queryItemValue(QStringLiteral("sid")));
    const bool trusted = socket && !m_unadmitted.contains(socket);
    return net::HttpHeadVerdict::proceed(trusted ? m_options.maxPayload + 1 : m_options.maxUnadmittedPayload);
}

void EngineServer::closeAll(const QString &reason)
{
    const QList<EngineSocket *> sockets = m_sessions.values();
    for (EngineSocket *socket : sockets)
        socket->close(reason);
}

} // namespace caduceus::relay
