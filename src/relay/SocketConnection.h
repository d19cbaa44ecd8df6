#pragma once
// The Socket.IO side of one Engine.IO session: decodes packets (reassembling binary attachments),
// connects namespaces, dispatches events and acks, and closes the session on any protocol violation.
// Internal to SocketServer.

#include "relay/EngineSocket.h"
#include "relay/SocketPacket.h"
#include "relay/SocketServerOptions.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <optional>

namespace caduceus::relay {

class Socket;
class SocketServer;

class SocketConnection : public QObject
{
    Q_OBJECT
public:
    SocketConnection(EngineSocket *engine, SocketServer *server);
    ~SocketConnection() override;

    EngineSocket *engine() const { return m_engine; }
    void sendPacket(const SocketPacket &packet, const QList<QByteArray> &binaries = {});
    // The text part is already encoded (broadcasts encode once for many sockets).
    void sendEncoded(const QByteArray &text, const QList<QByteArray> &binaries);
    // Ends one namespace connection; notifyClient sends the DISCONNECT packet.
    void removeSocket(Socket *socket, const QString &reason, bool notifyClient);
    void close(const QString &reason);

private:
    void onText(const QByteArray &utf8);
    void onBinary(const QByteArray &bytes);
    void dispatch(const SocketPacket &packet, const QList<QByteArray> &binaries);
    void handleConnect(const SocketPacket &packet);
    void handleEvent(Socket *socket, const SocketPacket &packet, const QList<QByteArray> &binaries);
    void fail(const QString &reason);
    void onEngineClosed(const QString &reason);
    void onConnectTimeout();

    QPointer<EngineSocket> m_engine;
    SocketServer *m_server = nullptr;
    QHash<QString, Socket *> m_sockets;
    std::optional<SocketPacket> m_pendingBinary;
    QList<QByteArray> m_receivedAttachments;
    qint64 m_receivedAttachmentBytes = 0;
    int m_authFailures = 0;
    QTimer m_connectTimer;
    bool m_closed = false;
};

} // namespace caduceus::relay
