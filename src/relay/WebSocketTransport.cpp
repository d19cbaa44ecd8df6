#include "relay/WebSocketTransport.h"

#include <QTimer>
#include <QWebSocket>

namespace caduceus::relay {

namespace {
constexpr int CloseHandshakeTimeoutMs = 2000;
} // namespace

WebSocketTransport::WebSocketTransport(QWebSocket *socket, qint64 maxIncomingBytes, QObject *parent)
    : QObject(parent), m_socket(socket)
{
    socket->setParent(this);
    setMaxIncomingBytes(maxIncomingBytes);
    connect(socket, &QWebSocket::textMessageReceived, this, &WebSocketTransport::onTextMessage);
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &message) {
        Q_EMIT packetReceived(EnginePacket::fromBinaryFrame(message));
    });
    connect(socket, &QWebSocket::bytesWritten, this,
            [this](qint64 written) { m_bufferedBytes = std::max<qint64>(0, m_bufferedBytes - written); });
    connect(socket, &QWebSocket::disconnected, this, &WebSocketTransport::onDisconnected);
}

WebSocketTransport::~WebSocketTransport()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

void WebSocketTransport::setMaxIncomingBytes(qint64 bytes)
{
    if (!m_socket)
        return;
    // Both limits: a message may come as many small frames, and one frame may announce a huge payload.
    m_socket->setMaxAllowedIncomingMessageSize(quint64(bytes));
    m_socket->setMaxAllowedIncomingFrameSize(quint64(bytes));
}

void WebSocketTransport::send(const EnginePacket &packet)
{
    if (!isOpen())
        return;
    if (packet.binary) {
        m_bufferedBytes += m_socket->sendBinaryMessage(packet.data);
    } else {
        m_bufferedBytes += m_socket->sendTextMessage(QString::fromUtf8(packet.encodeText()));
    }
}

bool WebSocketTransport::isOpen() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

void WebSocketTransport::close(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    if (!m_socket || m_socket->state() == QAbstractSocket::UnconnectedState)
        return;
    m_socket->close(code, reason);
    // A peer that never answers the close frame must not keep the connection open.
    QTimer::singleShot(CloseHandshakeTimeoutMs, m_socket.data(), [socket = m_socket] {
        if (socket)
            socket->abort();
    });
}

void WebSocketTransport::closeAndDispose(QWebSocketProtocol::CloseCode code)
{
    setParent(nullptr);
    disconnect(this, &WebSocketTransport::packetReceived, nullptr, nullptr);
    disconnect(this, &WebSocketTransport::decodeFailed, nullptr, nullptr);
    if (!m_socket || m_socket->state() == QAbstractSocket::UnconnectedState) {
        deleteLater();
        return;
    }
    connect(this, &WebSocketTransport::closed, this, &QObject::deleteLater);
    close(code);
}

void WebSocketTransport::onTextMessage(const QString &message)
{
    auto packet = EnginePacket::decodeText(message.toUtf8());
    if (!packet) {
        Q_EMIT decodeFailed(packet.error());
        return;
    }
    Q_EMIT packetReceived(packet.value());
}

void WebSocketTransport::onDisconnected()
{
    if (m_closedEmitted)
        return;
    m_closedEmitted = true;
    Q_EMIT closed();
}

} // namespace caduceus::relay
