#include "relay/EngineSocket.h"

#include "net/HttpServer.h"
#include "relay/EnginePayload.h"
#include "relay/WebSocketTransport.h"

#include <QJsonObject>
#include <QLoggingCategory>

namespace caduceus::relay {

Q_LOGGING_CATEGORY(lcEngine, "caduceus.relay.engine")

namespace {

const QByteArray PollContentType = QByteArrayLiteral("text/plain; charset=UTF-8");
const QByteArray PostContentType = QByteArrayLiteral("text/html");
const QByteArray ProbeData = QByteArrayLiteral("probe");

void sendEngineError(net::HttpResponder *responder, int status, int code, const QString &message)
{
    responder->sendJson(status,
                        QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}});
}

qint64 packetSize(const EnginePacket &packet)
{
    return packet.data.size() + 1;
}

} // namespace

EngineSocket::EngineSocket(const QString &id, const QUrlQuery &query, const QHostAddress &peerAddress,
                           const EngineOptions &options, QObject *parent)
    : QObject(parent), m_id(id), m_query(query), m_peerAddress(peerAddress), m_options(options),
      m_maxIncomingBytes(options.maxPayload)
{
    m_pingTimer.setSingleShot(true);
    m_pongTimer.setSingleShot(true);
    // Clients (and the official protocol suites) hold us to pingInterval and pingTimeout to the
    // millisecond; a coarse timer may fire 5 % early or late.
    m_pingTimer.setTimerType(Qt::PreciseTimer);
    m_pongTimer.setTimerType(Qt::PreciseTimer);
    m_upgradeTimer.setSingleShot(true);
    m_lingerTimer.setSingleShot(true);
    connect(&m_pingTimer, &QTimer::timeout, this, &EngineSocket::sendPing);
    connect(&m_pongTimer, &QTimer::timeout, this,
            [this] { closeWith(QStringLiteral("ping timeout"), CloseOrigin::Server); });
    connect(&m_upgradeTimer, &QTimer::timeout, this, &EngineSocket::abortUpgrade);
    connect(&m_lingerTimer, &QTimer::timeout, this, &EngineSocket::finish);
}

EngineSocket::~EngineSocket() = default;

qint64 EngineSocket::bufferedBytes() const
{
    qint64 bytes = m_outboxBytes;
    if (m_transport == Transport::WebSocket && m_webSocket)
        bytes += m_webSocket->bufferedBytes();
    if (m_pendingPoll)
        bytes += m_pendingPoll->pendingBytes();
    return bytes;
}

QByteArray EngineSocket::openPacket(bool offerWebSocketUpgrade) const
{
    return EnginePacket::control(EnginePacketType::Open, openPayload(offerWebSocketUpgrade)).encodeText();
}

QByteArray EngineSocket::openPayload(bool offerWebSocketUpgrade) const
{
    // Written by hand to keep the field order of the reference server (QJsonObject sorts keys).
    QByteArray json = "{\"sid\":\"" + m_id.toLatin1() + "\",\"upgrades\":";
    json += offerWebSocketUpgrade ? "[\"websocket\"]" : "[]";
    json += ",\"pingInterval\":" + QByteArray::number(m_options.pingIntervalMs);
    json += ",\"pingTimeout\":" + QByteArray::number(m_options.pingTimeoutMs);
    json += ",\"maxPayload\":" + QByteArray::number(m_options.maxPayload) + '}';
    return json;
}

void EngineSocket::startWithWebSocket(WebSocketTransport *transport)
{
    m_transport = Transport::WebSocket;
    m_webSocket = transport;
    transport->setParent(this);
    transport->setMaxIncomingBytes(m_maxIncomingBytes);
    wireActiveWebSocket();
    m_state = State::Open;
    transport->send(EnginePacket::control(EnginePacketType::Open, openPayload(false)));
    schedulePing();
}

void EngineSocket::setMaxIncomingBytes(qint64 bytes)
{
    m_maxIncomingBytes = bytes;
    if (m_webSocket)
        m_webSocket->setMaxIncomingBytes(bytes);
    if (m_probe)
        m_probe->setMaxIncomingBytes(bytes);
}

void EngineSocket::startWithPolling()
{
    m_transport = Transport::Polling;
    m_state = State::Open;
    schedulePing();
}

void EngineSocket::sendText(const QByteArray &utf8)
{
    enqueue(EnginePacket::textMessage(utf8));
}

void EngineSocket::sendBinary(const QByteArray &bytes)
{
    enqueue(EnginePacket::binaryMessage(bytes));
}

void EngineSocket::close(const QString &reason)
{
    closeWith(reason, CloseOrigin::Server);
}

void EngineSocket::enqueue(const EnginePacket &packet)
{
    if (m_state != State::Open || m_overflowed)
        return;
    // A client is behind when it leaves more than maxBufferedBytes unread, not counting the largest packet
    // sent since it last caught up: one long answer (run.completed carries the whole output) must not cut
    // off every client that reads, while a client that stops reading is still cut off at the bound.
    if (bufferedBytes() <= m_options.maxBufferedBytes)
        m_largestPacketWhileBehind = 0;
    m_largestPacketWhileBehind = std::max(m_largestPacketWhileBehind, packetSize(packet));
    if (m_transport == Transport::WebSocket && m_webSocket) {
        m_webSocket->send(packet);
    } else {
        m_outbox.append(packet);
        m_outboxBytes += packetSize(packet);
        scheduleFlush();
    }
    if (bufferedBytes() > m_options.maxBufferedBytes + m_largestPacketWhileBehind) {
        qCWarning(lcEngine) << "session" << m_id << "dropped: client does not read its packets ("
                            << bufferedBytes() << "bytes buffered)";
        // Closed on the next event-loop turn so that whoever is sending is not re-entered by the
        // disconnection; meanwhile further packets are dropped.
        m_overflowed = true;
        m_outbox.clear();
        m_outboxBytes = 0;
        QMetaObject::invokeMethod(
            this, [this] { closeWith(QStringLiteral("slow consumer"), CloseOrigin::Server); },
            Qt::QueuedConnection);
    }
}

void EngineSocket::scheduleFlush()
{
    // Packets queued during one event-loop turn leave together in one polling response.
    if (m_flushScheduled)
        return;
    m_flushScheduled = true;
    QMetaObject::invokeMethod(this, &EngineSocket::flush, Qt::QueuedConnection);
}

void EngineSocket::flush()
{
    m_flushScheduled = false;
    if (m_state != State::Open || m_outbox.isEmpty())
        return;
    if (m_transport == Transport::WebSocket) {
        // The upgrade finished while packets were waiting for a poll.
        const QList<EnginePacket> packets = std::exchange(m_outbox, {});
        m_outboxBytes = 0;
        for (const EnginePacket &packet : packets)
            m_webSocket->send(packet);
        return;
    }
    if (m_pendingPoll && !m_probeAnswered)
        answerPendingPoll(takeOutboxOrNoop());
}

QList<EnginePacket> EngineSocket::takeOutboxOrNoop()
{
    if (m_outbox.isEmpty())
        return {EnginePacket::control(EnginePacketType::Noop)};
    m_outboxBytes = 0;
    return std::exchange(m_outbox, {});
}

void EngineSocket::answerPendingPoll(const QList<EnginePacket> &packets)
{
    net::HttpResponder *responder = m_pendingPoll.data();
    m_pendingPoll.clear();
    if (!responder)
        return;
    responder->disconnect(this);
    responder->send(200, PollContentType, EnginePayload::encode(packets));
}

void EngineSocket::handlePollRequest(net::HttpResponder *responder)
{
    if (m_state == State::Lingering) {
        QList<EnginePacket> packets = std::exchange(m_outbox, {});
        packets.append(EnginePacket::control(EnginePacketType::Close));
        responder->send(200, PollContentType, EnginePayload::encode(packets));
        finish();
        return;
    }
    if (m_state != State::Open || m_transport != Transport::Polling) {
        sendEngineError(responder, 400, 3, QStringLiteral("Bad request"));
        return;
    }
    if (m_pendingPoll) {
        // Two simultaneous polls mean a confused or hostile client: end the session.
        sendEngineError(responder, 400, 3, QStringLiteral("Bad request"));
        closeWith(QStringLiteral("transport error"), CloseOrigin::Server);
        return;
    }
    if (m_probeAnswered) {
        // The client is moving to the WebSocket: end this poll at once so it can pause polling.
        responder->send(200, PollContentType, EnginePayload::encode(takeOutboxOrNoop()));
        return;
    }
    m_pendingPoll = responder;
    connect(responder, &net::HttpResponder::peerClosed, this, [this] {
        m_pendingPoll.clear();
        closeWith(QStringLiteral("transport error"), CloseOrigin::Client);
    });
    if (!m_outbox.isEmpty())
        scheduleFlush();
}

void EngineSocket::handleDataRequest(const QByteArray &body, net::HttpResponder *responder)
{
    if (m_state != State::Open || m_transport != Transport::Polling) {
        sendEngineError(responder, 400, 3, QStringLiteral("Bad request"));
        return;
    }
    if (body.size() > m_options.maxPayload) {
        responder->sendJson(413,
                            QJsonObject{{QStringLiteral("code"), 3},
                                        {QStringLiteral("message"), QStringLiteral("Payload too large")}});
        closeWith(QStringLiteral("transport error"), CloseOrigin::Server);
        return;
    }
    auto packets = EnginePayload::decode(body);
    if (!packets) {
        qCInfo(lcEngine) << "session" << m_id << "sent an invalid payload:" << packets.error();
        sendEngineError(responder, 400, 3, QStringLiteral("Bad request"));
        closeWith(QStringLiteral("parse error"), CloseOrigin::Server);
        return;
    }
    for (const EnginePacket &packet : packets.value()) {
        if (m_state != State::Open)
            break;
        handlePacket(packet);
    }
    responder->send(200, PostContentType, QByteArrayLiteral("ok"));
}

void EngineSocket::handlePacket(const EnginePacket &packet)
{
    switch (packet.type) {
    case EnginePacketType::Pong:
        if (m_pongTimer.isActive()) {
            m_pongTimer.stop();
            schedulePing();
        }
        return;
    case EnginePacketType::Message:
        if (packet.binary)
            Q_EMIT binaryReceived(packet.data);
        else
            Q_EMIT textReceived(packet.data);
        return;
    case EnginePacketType::Close:
        closeWith(QStringLiteral("transport close"), CloseOrigin::Client);
        return;
    case EnginePacketType::Upgrade:
    case EnginePacketType::Noop:
        return;
    case EnginePacketType::Open:
    case EnginePacketType::Ping:
        // Engine.IO v4 clients never send these on an established transport.
        qCInfo(lcEngine) << "session" << m_id << "sent a packet of type" << int(packet.type);
        closeWith(QStringLiteral("parse error"), CloseOrigin::Server);
        return;
    }
}

void EngineSocket::expireIfPongOverdue()
{
    if (m_state == State::Open && m_pongTimer.isActive() && m_pongDeadline.hasExpired())
        closeWith(QStringLiteral("ping timeout"), CloseOrigin::Server);
}

bool EngineSocket::canUpgrade() const
{
    return m_state == State::Open && m_transport == Transport::Polling && !m_probe;
}

void EngineSocket::beginUpgrade(WebSocketTransport *probe)
{
    if (!canUpgrade()) {
        probe->closeAndDispose(QWebSocketProtocol::CloseCodePolicyViolated);
        return;
    }
    m_probe = probe;
    probe->setParent(this);
    probe->setMaxIncomingBytes(m_maxIncomingBytes);
    m_probeAnswered = false;
    connect(probe, &WebSocketTransport::packetReceived, this, &EngineSocket::handleProbePacket);
    connect(probe, &WebSocketTransport::decodeFailed, this, &EngineSocket::abortUpgrade);
    connect(probe, &WebSocketTransport::closed, this, &EngineSocket::abortUpgrade);
    m_upgradeTimer.start(m_options.upgradeTimeoutMs);
}

void EngineSocket::handleProbePacket(const EnginePacket &packet)
{
    if (packet.type == EnginePacketType::Ping && packet.data == ProbeData && !packet.binary) {
        m_probe->send(EnginePacket::control(EnginePacketType::Pong, ProbeData));
        m_probeAnswered = true;
        if (m_pendingPoll)
            answerPendingPoll(takeOutboxOrNoop());
        return;
    }
    if (packet.type == EnginePacketType::Upgrade && !packet.binary) {
        completeUpgrade();
        return;
    }
    abortUpgrade();
}

void EngineSocket::completeUpgrade()
{
    m_upgradeTimer.stop();
    WebSocketTransport *probe = m_probe.data();
    m_probe.clear();
    m_probeAnswered = false;
    if (!probe || m_state != State::Open)
        return;
    probe->disconnect(this);
    if (m_pendingPoll)
        answerPendingPoll({EnginePacket::control(EnginePacketType::Noop)});
    m_transport = Transport::WebSocket;
    m_webSocket = probe;
    wireActiveWebSocket();
    qCDebug(lcEngine) << "session" << m_id << "upgraded to WebSocket";
    flush();
}

void EngineSocket::abortUpgrade()
{
    m_upgradeTimer.stop();
    m_probeAnswered = false;
    WebSocketTransport *probe = m_probe.data();
    m_probe.clear();
    if (!probe)
        return;
    probe->disconnect(this);
    probe->closeAndDispose(QWebSocketProtocol::CloseCodePolicyViolated);
    // Packets held back for the WebSocket go to the next poll instead.
    if (!m_outbox.isEmpty())
        scheduleFlush();
}

void EngineSocket::wireActiveWebSocket()
{
    connect(m_webSocket, &WebSocketTransport::packetReceived, this, &EngineSocket::handlePacket);
    connect(m_webSocket, &WebSocketTransport::decodeFailed, this, [this](const QString &reason) {
        qCInfo(lcEngine) << "session" << m_id << "sent an invalid frame:" << reason;
        closeWith(QStringLiteral("parse error"), CloseOrigin::Server);
    });
    connect(m_webSocket, &WebSocketTransport::closed, this,
            [this] { closeWith(QStringLiteral("transport close"), CloseOrigin::Client); });
}

void EngineSocket::schedulePing()
{
    m_pingDue = QDeadlineTimer(m_options.pingIntervalMs, Qt::PreciseTimer);
    m_pingTimer.start(m_options.pingIntervalMs);
}

void EngineSocket::sendPing()
{
    if (m_state != State::Open)
        return;
    // pingTimeout counts from when the ping was due, so a late timer does not extend the session.
    m_pongDeadline = m_pingDue + m_options.pingTimeoutMs;
    m_pongTimer.start(int(std::max<qint64>(0, m_pongDeadline.remainingTime())));
    enqueue(EnginePacket::control(EnginePacketType::Ping));
}

void EngineSocket::closeWith(const QString &reason, CloseOrigin origin)
{
    if (m_state != State::Open && m_state != State::Idle)
        return;
    m_state = State::Lingering;
    m_pingTimer.stop();
    m_pongTimer.stop();
    abortUpgrade();
    qCDebug(lcEngine) << "session" << m_id << "closed:" << reason;

    bool linger = false;
    if (m_transport == Transport::WebSocket) {
        if (m_webSocket) {
            m_webSocket->disconnect(this);
            m_webSocket->closeAndDispose(reason == QLatin1String("parse error")
                                             ? QWebSocketProtocol::CloseCodeProtocolError
                                             : QWebSocketProtocol::CloseCodeNormal);
            m_webSocket.clear();
        }
    } else if (m_pendingPoll) {
        QList<EnginePacket> packets;
        if (origin == CloseOrigin::Server) {
            packets = std::exchange(m_outbox, {});
            packets.append(EnginePacket::control(EnginePacketType::Close));
        } else {
            packets = {EnginePacket::control(EnginePacketType::Noop)};
        }
        answerPendingPoll(packets);
    } else if (origin == CloseOrigin::Server) {
        // Keep the last messages (e.g. a Socket.IO disconnect) for the client's next poll; a pending
        // ping is of no use to a closed session.
        m_outbox.removeIf(
            [](const EnginePacket &packet) { return packet.type != EnginePacketType::Message; });
        linger = !m_outbox.isEmpty();
    }

    Q_EMIT closed(reason);
    if (linger)
        m_lingerTimer.start(m_options.closeLingerMs);
    else
        finish();
}

void EngineSocket::finish()
{
    if (m_state == State::Finished)
        return;
    m_state = State::Finished;
    m_lingerTimer.stop();
    m_outbox.clear();
    m_outboxBytes = 0;
    Q_EMIT finished();
}

} // namespace caduceus::relay
