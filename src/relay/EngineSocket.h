#pragma once
// One Engine.IO v4 session (sid): its transport (HTTP long-polling or WebSocket), the polling → WebSocket
// upgrade, the heartbeat (server sends "2" every pingInterval, closes when "3" does not come within
// pingTimeout) and a bounded outgoing buffer. Owned by its EngineServer; deleted after closed().

#include "relay/EngineOptions.h"
#include "relay/EnginePacket.h"

#include <QDeadlineTimer>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrlQuery>

namespace caduceus::net {
class HttpResponder;
}

namespace caduceus::relay {

class WebSocketTransport;

class EngineSocket : public QObject
{
    Q_OBJECT
public:
    enum class Transport
    {
        Polling,
        WebSocket
    };

    EngineSocket(const QString &id, const QUrlQuery &query, const QHostAddress &peerAddress,
                 const EngineOptions &options, QObject *parent = nullptr);
    ~EngineSocket() override;

    const QString &id() const { return m_id; }
    Transport transport() const { return m_transport; }
    // The query of the handshake request (e.g. Socket.IO clients put their `query` option there).
    const QUrlQuery &query() const { return m_query; }
    QHostAddress peerAddress() const { return m_peerAddress; }
    bool isOpen() const { return m_state == State::Open; }
    // Outgoing bytes not yet taken by the client.
    qint64 bufferedBytes() const;

    void sendText(const QByteArray &utf8);
    void sendBinary(const QByteArray &bytes);
    // Closes the session from the server side; packets already sent are still delivered when possible.
    void close(const QString &reason = QStringLiteral("forced close"));

    // --- used by EngineServer ---
    // The open packet "0{…}" for this session.
    QByteArray openPacket(bool offerWebSocketUpgrade) const;
    void startWithWebSocket(WebSocketTransport *transport);
    void startWithPolling();
    void handlePollRequest(net::HttpResponder *responder);
    void handleDataRequest(const QByteArray &body, net::HttpResponder *responder);
    // A WebSocket with this sid may probe for an upgrade.
    bool canUpgrade() const;
    // Closes the session ("ping timeout") when its pong deadline has passed but the timer has not fired yet
    // (a busy event loop): a request that arrives after the deadline must find the session closed.
    void expireIfPongOverdue();
    void beginUpgrade(WebSocketTransport *probe);
    // The largest WebSocket frame or message this session's client may send (its current transport and
    // any upgrade probe): small until the session is admitted, then maxPayload (EngineServer::admit).
    qint64 maxIncomingBytes() const { return m_maxIncomingBytes; }
    void setMaxIncomingBytes(qint64 bytes);

Q_SIGNALS:
    void textReceived(const QByteArray &utf8);
    void binaryReceived(const QByteArray &bytes);
    // Emitted once, when the session stops taking packets ("transport close", "ping timeout",
    // "parse error", "transport error", "slow consumer", "forced close", …).
    void closed(const QString &reason);
    // The session has released its transports and may be deleted.
    void finished();

private:
    enum class State
    {
        Idle,
        Open,
        Lingering,
        Finished
    };
    enum class CloseOrigin
    {
        Client,
        Server
    };

    QByteArray openPayload(bool offerWebSocketUpgrade) const;
    void enqueue(const EnginePacket &packet);
    void scheduleFlush();
    void flush();
    void answerPendingPoll(const QList<EnginePacket> &packets);
    QList<EnginePacket> takeOutboxOrNoop();
    void handlePacket(const EnginePacket &packet);
    void handleProbePacket(const EnginePacket &packet);
    void completeUpgrade();
    void abortUpgrade();
    void wireActiveWebSocket();
    void schedulePing();
    void sendPing();
    void closeWith(const QString &reason, CloseOrigin origin);
    void finish();

    QString m_id;
    QUrlQuery m_query;
    QHostAddress m_peerAddress;
    EngineOptions m_options;
    State m_state = State::Idle;
    Transport m_transport = Transport::Polling;

    QList<EnginePacket> m_outbox;
    qint64 m_outboxBytes = 0;
    bool m_flushScheduled = false;
    bool m_overflowed = false;
    qint64 m_largestPacketWhileBehind = 0;

    QPointer<net::HttpResponder> m_pendingPoll;
    QPointer<WebSocketTransport> m_webSocket;
    QPointer<WebSocketTransport> m_probe;
    bool m_probeAnswered = false;
    qint64 m_maxIncomingBytes = 0;

    // The heartbeat runs on deadlines of the schedule, not on when a timer happened to fire: the ping is
    // due pingInterval after the handshake or the last pong, and the pong pingTimeout after that.
    QDeadlineTimer m_pingDue;
    QDeadlineTimer m_pongDeadline;
    QTimer m_pingTimer;
    QTimer m_pongTimer;
    QTimer m_upgradeTimer;
    QTimer m_lingerTimer;
};

} // namespace caduceus::relay
