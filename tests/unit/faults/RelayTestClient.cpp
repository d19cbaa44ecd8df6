#include "RelayTestClient.h"

#include "relay/EnginePacket.h"
#include "relay/SocketPacket.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkRequest>

namespace caduceus::test {

namespace {
const QString ChatRun = QStringLiteral("/chat-run");
}

RelayTestClient::RelayTestClient(QObject *parent) : QObject(parent)
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &RelayTestClient::onText);
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        m_connected = false;
        Q_EMIT disconnected();
    });
}

qint64 RelayTestClient::clock()
{
    static QElapsedTimer timer = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return timer.elapsed();
}

void RelayTestClient::open(const QUrl &relayBaseUrl, const QByteArray &token, const QString &origin)
{
    m_token = token;
    QUrl url = relayBaseUrl;
    url.setScheme(QStringLiteral("ws"));
    url.setPath(QStringLiteral("/socket.io/"));
    url.setQuery(QStringLiteral("EIO=4&transport=websocket"));
    QNetworkRequest request(url);
    if (!origin.isEmpty())
        request.setRawHeader("Origin", origin.toUtf8());
    m_socket.open(request);
}

void RelayTestClient::close()
{
    m_socket.abort();
    m_connected = false;
}

void RelayTestClient::emitEvent(const QString &name, const QJsonObject &payload, AckCallback ack)
{
    std::optional<qint64> id;
    if (ack) {
        id = m_nextAckId++;
        m_acks.insert(*id, std::move(ack));
    }
    const relay::SocketPacket packet = relay::SocketPacket::event(ChatRun, QJsonArray{name, payload}, id);
    m_socket.sendTextMessage(
        QString::fromUtf8(relay::EnginePacket::textMessage(packet.encode()).encodeText()));
}

void RelayTestClient::sendRaw(const QString &text)
{
    m_socket.sendTextMessage(text);
}

void RelayTestClient::onText(const QString &text)
{
    const auto engine = relay::EnginePacket::decodeText(text.toUtf8());
    if (!engine)
        return;
    switch (engine.value().type) {
    case relay::EnginePacketType::Open: {
        const QByteArray auth =
            QJsonDocument(QJsonObject{{QStringLiteral("token"), QString::fromUtf8(m_token)}})
                .toJson(QJsonDocument::Compact);
        m_socket.sendTextMessage(QStringLiteral("40/chat-run,") + QString::fromUtf8(auth));
        return;
    }
    case relay::EnginePacketType::Ping:
        ++pingsAnswered;
        m_socket.sendTextMessage(QStringLiteral("3"));
        return;
    case relay::EnginePacketType::Message:
        break;
    default:
        return;
    }
    const auto packet = relay::SocketPacket::decode(engine.value().data);
    if (!packet || packet.value().nsp != ChatRun)
        return;
    const relay::SocketPacket &p = packet.value();
    switch (p.type) {
    case relay::SocketPacketType::Connect:
        m_connected = true;
        Q_EMIT connected();
        return;
    case relay::SocketPacketType::ConnectError:
        m_connectError = p.data.toObject().value(QLatin1String("message")).toString();
        Q_EMIT connectFailed(m_connectError);
        return;
    case relay::SocketPacketType::Event: {
        Event event{p.eventName(), p.arguments().first().toObject(), clock()};
        events.append(event);
        Q_EMIT eventReceived(event);
        return;
    }
    case relay::SocketPacketType::Ack:
        if (p.id) {
            if (AckCallback callback = m_acks.take(*p.id))
                callback(p.data.toArray());
        }
        return;
    default:
        return;
    }
}

} // namespace caduceus::test
