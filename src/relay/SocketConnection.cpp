#include "relay/SocketConnection.h"

#include "relay/EngineServer.h"
#include "relay/EngineSocket.h"
#include "relay/Socket.h"
#include "relay/SocketServer.h"

#include <QLoggingCategory>

#include <memory>

namespace caduceus::relay {

Q_LOGGING_CATEGORY(lcSocket, "caduceus.relay.socket")

SocketConnection::SocketConnection(EngineSocket *engine, SocketServer *server)
    : QObject(server), m_engine(engine), m_server(server)
{
    connect(engine, &EngineSocket::textReceived, this, &SocketConnection::onText);
    connect(engine, &EngineSocket::binaryReceived, this, &SocketConnection::onBinary);
    connect(engine, &EngineSocket::closed, this, &SocketConnection::onEngineClosed);
    m_connectTimer.setSingleShot(true);
    // Not a coarse timer (which may fire 5 % early): a client has the whole connectTimeout to join.
    m_connectTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_connectTimer, &QTimer::timeout, this, &SocketConnection::onConnectTimeout);
    m_connectTimer.start(server->options().connectTimeoutMs);
}

SocketConnection::~SocketConnection() = default;

void SocketConnection::sendPacket(const SocketPacket &packet, const QList<QByteArray> &binaries)
{
    sendEncoded(packet.encode(), binaries);
}

void SocketConnection::sendEncoded(const QByteArray &text, const QList<QByteArray> &binaries)
{
    if (m_closed || !m_engine)
        return;
    m_engine->sendText(text);
    for (const QByteArray &binary : binaries)
        m_engine->sendBinary(binary);
}

void SocketConnection::close(const QString &reason)
{
    if (m_engine && m_engine->isOpen())
        m_engine->close(reason);
    else
        onEngineClosed(reason);
}

void SocketConnection::onText(const QByteArray &utf8)
{
    if (m_closed)
        return;
    if (m_pendingBinary) {
        fail(QStringLiteral("text packet while binary attachments were expected"));
        return;
    }
    auto packet = SocketPacket::decode(utf8, m_server->options().packetLimits);
    if (!packet) {
        fail(packet.error());
        return;
    }
    if (packet.value().isBinary() && packet.value().attachments > 0) {
        // Nothing is held for a namespace this client has not joined (it has not shown the token).
        if (!m_sockets.contains(packet.value().nsp)) {
            fail(QStringLiteral("binary packet for namespace %1, which this client has not joined")
                     .arg(packet.value().nsp));
            return;
        }
        m_pendingBinary = std::move(packet.value());
        m_receivedAttachments.clear();
        m_receivedAttachmentBytes = 0;
        return;
    }
    dispatch(packet.value(), {});
}

void SocketConnection::onBinary(const QByteArray &bytes)
{
    if (m_closed)
        return;
    if (!m_pendingBinary) {
        fail(QStringLiteral("binary message without a binary packet"));
        return;
    }
    m_receivedAttachmentBytes += bytes.size();
    if (m_receivedAttachmentBytes > m_server->options().maxPendingAttachmentBytes) {
        fail(QStringLiteral("binary attachments over %1 bytes")
                 .arg(m_server->options().maxPendingAttachmentBytes));
        return;
    }
    m_receivedAttachments.append(bytes);
    if (m_receivedAttachments.size() < m_pendingBinary->attachments)
        return;
    const SocketPacket packet = std::move(*m_pendingBinary);
    m_pendingBinary.reset();
    dispatch(packet, std::exchange(m_receivedAttachments, {}));
}

void SocketConnection::dispatch(const SocketPacket &packet, const QList<QByteArray> &binaries)
{
    if (packet.type == SocketPacketType::Connect) {
        handleConnect(packet);
        return;
    }
    if (packet.type == SocketPacketType::ConnectError) {
        fail(QStringLiteral("clients do not send CONNECT_ERROR"));
        return;
    }
    Socket *socket = m_sockets.value(packet.nsp);
    if (!socket) {
        fail(QStringLiteral("packet for namespace %1, which this client has not joined").arg(packet.nsp));
        return;
    }
    if (packet.type == SocketPacketType::Disconnect) {
        removeSocket(socket, QStringLiteral("client namespace disconnect"), false);
        return;
    }
    if (packet.isEvent()) {
        handleEvent(socket, packet, binaries);
        return;
    }
    const SocketPayload args(packet.data.toArray(), binaries);
    const QString invalid = args.validatePlaceholders();
    if (!invalid.isEmpty()) {
        fail(invalid);
        return;
    }
    socket->handleAck(*packet.id, args);
}

void SocketConnection::handleConnect(const SocketPacket &packet)
{
    Namespace *handler = m_server->findNamespace(packet.nsp);
    if (!handler) {
        sendPacket(SocketPacket::connectError(packet.nsp, QStringLiteral("Invalid namespace")));
        return;
    }
    const QJsonObject auth = packet.data.toObject();
    QString error;
    if (!handler->authorize(auth, m_engine ? m_engine->query() : QUrlQuery(), &error)) {
        // Rate-limited log line and per-address back-off; a connection that keeps trying is closed.
        const QHostAddress peer = m_engine ? m_engine->peerAddress() : QHostAddress();
        const int delayMs = m_server->authFailures().recordFailure(
            peer, QStringLiteral("Socket.IO CONNECT to %1: %2").arg(packet.nsp, error));
        const SocketPacket refusal = SocketPacket::connectError(
            packet.nsp, error.isEmpty() ? QStringLiteral("Not authorized") : error);
        if (++m_authFailures >= AuthFailures::PerConnection) {
            sendPacket(refusal);
            close(QStringLiteral("too many failed authorizations"));
        } else if (delayMs > 0) {
            QTimer::singleShot(delayMs, this, [this, refusal] { sendPacket(refusal); });
        } else {
            sendPacket(refusal);
        }
        return;
    }
    if (m_closed)
        return;
    // A second CONNECT to the same namespace replaces the earlier socket.
    if (Socket *existing = m_sockets.value(packet.nsp))
        removeSocket(existing, QStringLiteral("client namespace disconnect"), false);

    auto *socket = new Socket(this, m_server, packet.nsp, auth);
    m_sockets.insert(packet.nsp, socket);
    m_server->attachSocket(socket);
    m_connectTimer.stop();
    if (m_engine)
        m_server->m_engine->admit(m_engine);
    sendPacket(SocketPacket::connect(packet.nsp, QJsonObject{{QStringLiteral("sid"), socket->id()}}));
    handler->onConnect(socket);
}

void SocketConnection::handleEvent(Socket *socket, const SocketPacket &packet,
                                   const QList<QByteArray> &binaries)
{
    const SocketPayload args(packet.arguments(), binaries);
    const QString invalid = args.validatePlaceholders();
    if (!invalid.isEmpty()) {
        fail(invalid);
        return;
    }
    Namespace::AckCallback ack;
    if (packet.id) {
        auto answered = std::make_shared<bool>(false);
        ack = [guard = QPointer<Socket>(socket), connection = QPointer<SocketConnection>(this),
               id = *packet.id, nsp = packet.nsp, answered](const SocketPayload &reply) {
            if (*answered || !guard || !guard->isConnected() || !connection)
                return;
            *answered = true;
            connection->sendPacket(SocketPacket::ack(nsp, id, reply.values, int(reply.binaries.size())),
                                   reply.binaries);
        };
    }
    if (Namespace *handler = m_server->findNamespace(socket->nsp()))
        handler->onEvent(socket, packet.eventName(), args, ack);
}

void SocketConnection::removeSocket(Socket *socket, const QString &reason, bool notifyClient)
{
    if (m_sockets.value(socket->nsp()) != socket)
        return;
    m_sockets.remove(socket->nsp());
    if (notifyClient)
        sendPacket(SocketPacket::disconnect(socket->nsp()));
    socket->m_connected = false;
    if (Namespace *handler = m_server->findNamespace(socket->nsp()))
        handler->onDisconnect(socket, reason);
    socket->release(reason);
    socket->deleteLater();
}

void SocketConnection::fail(const QString &reason)
{
    qCInfo(lcSocket) << "closing connection" << (m_engine ? m_engine->id() : QString())
                     << "after a protocol error:" << reason;
    close(QStringLiteral("parse error"));
}

void SocketConnection::onEngineClosed(const QString &reason)
{
    if (m_closed)
        return;
    m_closed = true;
    m_connectTimer.stop();
    m_pendingBinary.reset();
    m_receivedAttachments.clear();
    m_receivedAttachmentBytes = 0;
    const QList<Socket *> sockets = m_sockets.values();
    for (Socket *socket : sockets)
        removeSocket(socket, reason, false);
    m_server->m_connections.remove(this);
    deleteLater();
}

void SocketConnection::onConnectTimeout()
{
    if (m_sockets.isEmpty())
        close(QStringLiteral("connect timeout"));
}

} // namespace caduceus::relay
