#pragma once
// Socket.IO v5 on top of an EngineServer: namespaces registered as Namespace objects, sockets, rooms and
// broadcasts.

#include "relay/AuthFailures.h"
#include "relay/Namespace.h"
#include "relay/SocketServerOptions.h"

#include <QHash>
#include <QObject>
#include <QSet>

#include <map>
#include <memory>

namespace caduceus::relay {

class EngineServer;
class EngineSocket;
class Socket;
class SocketConnection;

class SocketServer : public QObject
{
    Q_OBJECT
public:
    SocketServer(EngineServer *engine, const SocketServerOptions &options = {}, QObject *parent = nullptr);
    ~SocketServer() override;

    const SocketServerOptions &options() const { return m_options; }

    // Takes ownership. The name gets a leading "/" when missing. False when the name is taken.
    bool registerNamespace(const QString &name, std::unique_ptr<Namespace> handler);
    Namespace *findNamespace(const QString &name) const;

    QList<Socket *> sockets(const QString &nsp) const;
    QList<Socket *> socketsInRoom(const QString &nsp, const QString &room) const;
    // The same without a copy; valid until the room changes.
    const QSet<Socket *> &roomMembers(const QString &nsp, const QString &room) const;
    int connectionCount() const { return int(m_connections.size()); }
    // Failed namespace authorizations per address; shared with the relay's REST API (same token).
    AuthFailures &authFailures() { return m_authFailures; }

    void emitToRoom(const QString &nsp, const QString &room, const QString &event, const SocketPayload &args);
    void emitToNamespace(const QString &nsp, const QString &event, const SocketPayload &args);
    // An event with one argument given as JSON text (see SocketPacket::encodeEvent).
    void emitJsonToRoom(const QString &nsp, const QString &room, const QString &event,
                        QByteArrayView argumentJson);

private:
    friend class SocketConnection;
    friend class Socket;

    struct NamespaceEntry
    {
        std::unique_ptr<Namespace> handler;
        QSet<Socket *> sockets;
        QHash<QString, QSet<Socket *>> rooms;
    };

    void onEngineConnection(EngineSocket *engine);
    void broadcast(const QList<Socket *> &targets, const QString &nsp, const QString &event,
                   const SocketPayload &args);
    void broadcastEncoded(const QList<Socket *> &targets, const QByteArray &text,
                          const QList<QByteArray> &binaries);
    NamespaceEntry *entry(const QString &nsp);
    void attachSocket(Socket *socket);
    void detachSocket(Socket *socket);
    void joinRoom(Socket *socket, const QString &room);
    void leaveRoom(Socket *socket, const QString &room);

    SocketServerOptions m_options;
    EngineServer *m_engine = nullptr;
    AuthFailures m_authFailures;
    std::map<QString, NamespaceEntry> m_namespaces;
    QSet<SocketConnection *> m_connections;
};

} // namespace caduceus::relay
