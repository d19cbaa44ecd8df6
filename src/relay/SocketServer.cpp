#include "relay/SocketServer.h"

#include "relay/EngineServer.h"
#include "relay/Socket.h"
#include "relay/SocketConnection.h"

#include <QVarLengthArray>

namespace caduceus::relay {

namespace {
QString normalizedNamespace(const QString &name)
{
    return name.startsWith(QLatin1Char('/')) ? name : QLatin1Char('/') + name;
}
} // namespace

SocketServer::SocketServer(EngineServer *engine, const SocketServerOptions &options, QObject *parent)
    : QObject(parent), m_options(options), m_engine(engine), m_authFailures(options.authFailures)
{
    // Sessions stay unadmitted (their own small budget, a short life) until they join a namespace.
    engine->requireAdmission();
    connect(engine, &EngineServer::connection, this, &SocketServer::onEngineConnection);
}

SocketServer::~SocketServer()
{
    // Connections and sockets go before the namespaces they point to.
    const QList<SocketConnection *> connections = m_connections.values();
    m_connections.clear();
    qDeleteAll(connections);
}

bool SocketServer::registerNamespace(const QString &name, std::unique_ptr<Namespace> handler)
{
    const QString nsp = normalizedNamespace(name);
    if (!handler || m_namespaces.count(nsp) > 0)
        return false;
    handler->m_server = this;
    handler->m_name = nsp;
    m_namespaces[nsp].handler = std::move(handler);
    return true;
}

Namespace *SocketServer::findNamespace(const QString &name) const
{
    const auto it = m_namespaces.find(name);
    return it == m_namespaces.end() ? nullptr : it->second.handler.get();
}

QList<Socket *> SocketServer::sockets(const QString &nsp) const
{
    const auto it = m_namespaces.find(nsp);
    return it == m_namespaces.end() ? QList<Socket *>() : it->second.sockets.values();
}

QList<Socket *> SocketServer::socketsInRoom(const QString &nsp, const QString &room) const
{
    const auto it = m_namespaces.find(nsp);
    return it == m_namespaces.end() ? QList<Socket *>() : it->second.rooms.value(room).values();
}

const QSet<Socket *> &SocketServer::roomMembers(const QString &nsp, const QString &room) const
{
    static const QSet<Socket *> none;
    const auto it = m_namespaces.find(nsp);
    if (it == m_namespaces.end())
        return none;
    const auto members = it->second.rooms.constFind(room);
    return members == it->second.rooms.cend() ? none : *members;
}

void SocketServer::emitToRoom(const QString &nsp, const QString &room, const QString &event,
                              const SocketPayload &args)
{
    broadcast(socketsInRoom(nsp, room), nsp, event, args);
}

void SocketServer::emitToNamespace(const QString &nsp, const QString &event, const SocketPayload &args)
{
    broadcast(sockets(nsp), nsp, event, args);
}

void SocketServer::broadcast(const QList<Socket *> &targets, const QString &nsp, const QString &event,
                             const SocketPayload &args)
{
    if (targets.isEmpty())
        return;
    QJsonArray values = args.values;
    values.prepend(event);
    broadcastEncoded(targets,
                     SocketPacket::event(nsp, values, std::nullopt, int(args.binaries.size())).encode(),
                     args.binaries);
}

void SocketServer::emitJsonToRoom(const QString &nsp, const QString &room, const QString &event,
                                  QByteArrayView argumentJson)
{
    const QSet<Socket *> &members = roomMembers(nsp, room);
    if (members.isEmpty())
        return;
    const QByteArray text = SocketPacket::encodeEvent(nsp, event, argumentJson);
    // Sending may end a slow client's connection, which edits the room: iterate over a copy. A socket that
    // leaves is only deleted later (deleteLater), so the copied pointers stay valid during the loop.
    const QVarLengthArray<Socket *, 16> targets(members.cbegin(), members.cend());
    for (Socket *socket : targets) {
        if (socket->isConnected() && socket->m_connection)
            socket->m_connection->sendEncoded(text, {});
    }
}

void SocketServer::broadcastEncoded(const QList<Socket *> &targets, const QByteArray &text,
                                    const QList<QByteArray> &binaries)
{
    // Sending may end a slow client's connection, which edits the room: iterate over guarded copies.
    QList<QPointer<Socket>> guarded;
    guarded.reserve(targets.size());
    for (Socket *socket : targets)
        guarded.append(socket);
    for (const QPointer<Socket> &socket : std::as_const(guarded)) {
        if (socket && socket->isConnected() && socket->m_connection)
            socket->m_connection->sendEncoded(text, binaries);
    }
}

SocketServer::NamespaceEntry *SocketServer::entry(const QString &nsp)
{
    const auto it = m_namespaces.find(nsp);
    return it == m_namespaces.end() ? nullptr : &it->second;
}

void SocketServer::onEngineConnection(EngineSocket *engine)
{
    m_connections.insert(new SocketConnection(engine, this));
}

void SocketServer::attachSocket(Socket *socket)
{
    if (NamespaceEntry *e = entry(socket->nsp()))
        e->sockets.insert(socket);
}

void SocketServer::detachSocket(Socket *socket)
{
    NamespaceEntry *e = entry(socket->nsp());
    if (!e)
        return;
    e->sockets.remove(socket);
    for (const QString &room : socket->rooms())
        leaveRoom(socket, room);
}

void SocketServer::joinRoom(Socket *socket, const QString &room)
{
    if (NamespaceEntry *e = entry(socket->nsp()))
        e->rooms[room].insert(socket);
}

void SocketServer::leaveRoom(Socket *socket, const QString &room)
{
    NamespaceEntry *e = entry(socket->nsp());
    if (!e)
        return;
    const auto it = e->rooms.find(room);
    if (it == e->rooms.end())
        return;
    it->remove(socket);
    if (it->isEmpty())
        e->rooms.erase(it);
}

} // namespace caduceus::relay
