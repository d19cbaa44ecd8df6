#pragma once
// What a Socket.IO namespace (e.g. /chat-run) does: decide who may connect, and react to connections,
// events and disconnections. Implementations are registered with SocketServer::registerNamespace().

#include "relay/SocketPayload.h"

#include <QJsonObject>
#include <QString>
#include <QUrlQuery>

#include <functional>

namespace caduceus::relay {

class Socket;
class SocketServer;

class Namespace
{
public:
    // Answers a client's ack request. Empty when the client asked for none; only the first call counts.
    using AckCallback = std::function<void(const SocketPayload &args)>;

    virtual ~Namespace();

    // auth: the CONNECT payload ({} when absent); query: the Engine.IO handshake query. Returning false
    // sends CONNECT_ERROR {"message": *error} (or "Not authorized" when error is left empty).
    virtual bool authorize(const QJsonObject &auth, const QUrlQuery &query, QString *error);
    virtual void onConnect(Socket *socket);
    virtual void onEvent(Socket *socket, const QString &event, const SocketPayload &args,
                         const AckCallback &ack) = 0;
    // reason: "client namespace disconnect", "server namespace disconnect", or the Engine.IO close reason
    // ("transport close", "ping timeout", …). The socket is deleted after this returns.
    virtual void onDisconnect(Socket *socket, const QString &reason);

    // Set on registration.
    const QString &name() const { return m_name; }
    SocketServer *server() const { return m_server; }

    // Sends an event to every socket of this namespace that joined the room.
    void emitToRoom(const QString &room, const QString &event, const SocketPayload &args) const;
    // The same for one argument that is already JSON text (encoded once for the whole room).
    void emitJsonToRoom(const QString &room, const QString &event, QByteArrayView argumentJson) const;
    // Sends an event to every socket connected to this namespace.
    void emitToAll(const QString &event, const SocketPayload &args) const;

private:
    friend class SocketServer;
    SocketServer *m_server = nullptr;
    QString m_name;
};

} // namespace caduceus::relay
