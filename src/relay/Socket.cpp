#include "relay/Socket.h"

#include "relay/EngineSocket.h"
#include "relay/RandomId.h"
#include "relay/SocketConnection.h"
#include "relay/SocketServer.h"

#include <QTimer>

namespace caduceus::relay {

Socket::Socket(SocketConnection *connection, SocketServer *server, const QString &nsp,
               const QJsonObject &auth)
    : QObject(connection), m_connection(connection), m_server(server), m_id(makeRandomId()), m_nsp(nsp),
      m_auth(auth)
{
}

Socket::~Socket()
{
    // Only reached without release() when the whole server is torn down: the namespaces that made
    // these callbacks may be half gone, so the callbacks are dropped uncalled.
    for (auto &[id, pending] : m_pendingAcks)
        delete pending.timer;
}

QUrlQuery Socket::query() const
{
    if (m_connection && m_connection->engine())
        return m_connection->engine()->query();
    return {};
}

QHostAddress Socket::peerAddress() const
{
    if (m_connection && m_connection->engine())
        return m_connection->engine()->peerAddress();
    return {};
}

qint64 Socket::bufferedBytes() const
{
    if (m_connection && m_connection->engine())
        return m_connection->engine()->bufferedBytes();
    return 0;
}

void Socket::emitEvent(const QString &event, const SocketPayload &args)
{
    if (!m_connected || !m_connection)
        return;
    QJsonArray values = args.values;
    values.prepend(event);
    m_connection->sendPacket(SocketPacket::event(m_nsp, values, std::nullopt, int(args.binaries.size())),
                             args.binaries);
}

void Socket::emitWithAck(const QString &event, const SocketPayload &args, AckResultCallback callback,
                         int timeoutMs)
{
    if (!m_connected || !m_connection) {
        if (callback)
            callback(false, {});
        return;
    }
    const int limit = m_server ? m_server->options().maxPendingAcks : 256;
    while (int(m_pendingAcks.size()) >= std::max(1, limit))
        failAck(m_pendingAcks.begin());

    const qint64 id = m_nextAckId++;
    PendingAck pending{std::move(callback), nullptr};
    if (timeoutMs > 0) {
        pending.timer = new QTimer(this);
        pending.timer->setSingleShot(true);
        connect(pending.timer, &QTimer::timeout, this, [this, id] {
            const auto it = m_pendingAcks.find(id);
            if (it != m_pendingAcks.end())
                failAck(it);
        });
        pending.timer->start(timeoutMs);
    }
    m_pendingAcks.emplace(id, std::move(pending));

    QJsonArray values = args.values;
    values.prepend(event);
    m_connection->sendPacket(SocketPacket::event(m_nsp, values, id, int(args.binaries.size())),
                             args.binaries);
}

void Socket::handleAck(qint64 id, const SocketPayload &args)
{
    const auto it = m_pendingAcks.find(id);
    if (it == m_pendingAcks.end())
        return; // late (timed out) or unknown: nothing waits for it
    AckResultCallback callback = std::move(it->second.callback);
    if (it->second.timer)
        it->second.timer->deleteLater();
    m_pendingAcks.erase(it);
    if (callback)
        callback(true, args);
}

void Socket::failAck(std::map<qint64, PendingAck>::iterator it)
{
    AckResultCallback callback = std::move(it->second.callback);
    if (it->second.timer)
        it->second.timer->deleteLater();
    m_pendingAcks.erase(it);
    if (callback)
        callback(false, {});
}

void Socket::join(const QString &room)
{
    if (!m_connected || m_rooms.contains(room))
        return;
    m_rooms.insert(room);
    if (m_server)
        m_server->joinRoom(this, room);
}

void Socket::leave(const QString &room)
{
    if (!m_rooms.remove(room))
        return;
    if (m_server)
        m_server->leaveRoom(this, room);
}

void Socket::disconnectFromServer(bool closeConnection)
{
    if (!m_connected || !m_connection)
        return;
    QPointer<SocketConnection> connection = m_connection;
    connection->removeSocket(this, QStringLiteral("server namespace disconnect"), true);
    if (closeConnection && connection)
        connection->close(QStringLiteral("forced close"));
}

void Socket::release(const QString &reason)
{
    m_connected = false;
    while (!m_pendingAcks.empty())
        failAck(m_pendingAcks.begin());
    if (m_server)
        m_server->detachSocket(this);
    m_rooms.clear();
    Q_EMIT disconnected(reason);
}

} // namespace caduceus::relay
