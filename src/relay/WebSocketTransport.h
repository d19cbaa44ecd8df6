#pragma once
// Engine.IO over one QWebSocket: each packet is one frame (text "<type><data>", or a binary frame for a
// binary message). An incoming frame or message larger than maxIncomingBytes makes Qt close the socket with
// code 1009 (CloseCodeTooMuchData) as soon as its header announces it, before its payload is buffered.

#include "relay/EnginePacket.h"

#include <QObject>
#include <QPointer>
#include <QWebSocketProtocol>

class QWebSocket;

namespace caduceus::relay {

class WebSocketTransport : public QObject
{
    Q_OBJECT
public:
    // Takes ownership of the socket.
    WebSocketTransport(QWebSocket *socket, qint64 maxIncomingBytes, QObject *parent = nullptr);
    ~WebSocketTransport() override;

    // The largest frame and message the peer may send from now on (raised when its session is admitted).
    void setMaxIncomingBytes(qint64 bytes);

    void send(const EnginePacket &packet);
    // Bytes handed to the socket that the peer has not taken yet (approximate: frame headers excluded).
    qint64 bufferedBytes() const { return m_bufferedBytes; }
    bool isOpen() const;
    void close(QWebSocketProtocol::CloseCode code = QWebSocketProtocol::CloseCodeNormal,
               const QString &reason = {});
    // Detaches from its parent, closes, and deletes itself once the socket is gone, so that the close
    // frame (and anything queued before it) still reaches the peer.
    void closeAndDispose(QWebSocketProtocol::CloseCode code = QWebSocketProtocol::CloseCodeNormal);

Q_SIGNALS:
    void packetReceived(const caduceus::relay::EnginePacket &packet);
    // A frame that is not an Engine.IO packet.
    void decodeFailed(const QString &reason);
    // The socket is gone (either side closed it, or the network failed).
    void closed();

private:
    void onTextMessage(const QString &message);
    void onDisconnected();

    QPointer<QWebSocket> m_socket;
    qint64 m_bufferedBytes = 0;
    bool m_closedEmitted = false;
};

} // namespace caduceus::relay
