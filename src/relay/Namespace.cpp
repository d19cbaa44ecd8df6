#include "relay/Namespace.h"

#include "relay/SocketServer.h"

namespace caduceus::relay {

Namespace::~Namespace() = default;

bool Namespace::authorize(const QJsonObject &, const QUrlQuery &, QString *)
{
    return true;
}

void Namespace::onConnect(Socket *) {}

void Namespace::onDisconnect(Socket *, const QString &) {}

void Namespace::emitToRoom(const QString &room, const QString &event, const SocketPayload &args) const
{
    if (m_server)
        m_server->emitToRoom(m_name, room, event, args);
}

void Namespace::emitJsonToRoom(const QString &room, const QString &event, QByteArrayView argumentJson) const
{
    if (m_server)
        m_server->emitJsonToRoom(m_name, room, event, argumentJson);
}

void Namespace::emitToAll(const QString &event, const SocketPayload &args) const
{
    if (m_server)
        m_server->emitToNamespace(m_name, event, args);
}

} // namespace caduceus::relay
