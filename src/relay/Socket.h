#pragma once
// One client's connection to one namespace. Lives from the namespace CONNECT to its disconnection
// (Namespace::onDisconnect), then is deleted; hold it in a QPointer to keep it past an event-loop turn.

#include "relay/SocketPayload.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QUrlQuery>

#include <functional>
#include <map>

class QTimer;

namespace caduceus::relay {

class SocketConnection;
class SocketServer;

class Socket : public QObject
{
    Q_OBJECT
public:
    // acknowledged is false when the client went away, the wait timed out, or too many acks were pending.
    // Pending callbacks are dropped uncalled only when the whole server is destroyed.
    using AckResultCallback = std::function<void(bool acknowledged, const SocketPayload &args)>;

    ~Socket() override;

    const QString &id() const { return m_id; }
    const QString &nsp() const { return m_nsp; }
    // The CONNECT payload ({} when the client sent none).
    const QJsonObject &auth() const { return m_auth; }
    // The Engine.IO handshake query.
    QUrlQuery query() const;
    QHostAddress peerAddress() const;
    bool isConnected() const { return m_connected; }
    // Outgoing bytes of this client's connection that it has not taken yet.
    qint64 bufferedBytes() const;

    // Qt reserves `emit`, hence emitEvent.
    void emitEvent(const QString &event, const SocketPayload &args = {});
    // timeoutMs <= 0 waits until the client answers or disconnects.
    void emitWithAck(const QString &event, const SocketPayload &args, AckResultCallback callback,
                     int timeoutMs = 0);

    void join(const QString &room);
    void leave(const QString &room);
    const QSet<QString> &rooms() const { return m_rooms; }

    // Ends this namespace connection with a DISCONNECT packet; closeConnection also ends the client's
    // Engine.IO session (and with it its other namespaces).
    void disconnectFromServer(bool closeConnection = false);

Q_SIGNALS:
    void disconnected(const QString &reason);

private:
    friend class SocketConnection;
    friend class SocketServer;
    Socket(SocketConnection *connection, SocketServer *server, const QString &nsp, const QJsonObject &auth);

    void handleAck(qint64 id, const SocketPayload &args);
    // The connection is over: pending acks fail, rooms are left, disconnected() is emitted.
    void release(const QString &reason);

    struct PendingAck
    {
        AckResultCallback callback;
        QTimer *timer = nullptr;
    };
    void failAck(std::map<qint64, PendingAck>::iterator it);

    QPointer<SocketConnection> m_connection;
    SocketServer *m_server = nullptr;
    QString m_id;
    QString m_nsp;
    QJsonObject m_auth;
    bool m_connected = true;
    QSet<QString> m_rooms;
    qint64 m_nextAckId = 0;
    std::map<qint64, PendingAck> m_pendingAcks;
};

} // namespace caduceus::relay
