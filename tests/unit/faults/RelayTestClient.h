#pragma once
// Test and soak helper: one browser-like /chat-run client over Engine.IO v4 + Socket.IO v5 on a WebSocket,
// using the relay's own codecs. It answers pings, records every event with the time it arrived, and
// reports acks, so a test can tell what a user would have seen on screen at any moment.
#include "relay/SocketPayload.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QUrl>
#include <QWebSocket>

#include <functional>

namespace caduceus::test {

class RelayTestClient : public QObject
{
    Q_OBJECT
public:
    struct Event
    {
        QString name;
        QJsonObject payload;
        qint64 receivedMs = 0; // on the shared clock()
    };
    using AckCallback = std::function<void(const QJsonArray &args)>;

    explicit RelayTestClient(QObject *parent = nullptr);

    // The clock every client stamps its events with (started once per process).
    static qint64 clock();

    // ws://host:port/socket.io/?EIO=4&transport=websocket[&profile=…]; `origin` is sent as the Origin header.
    void open(const QUrl &relayBaseUrl, const QByteArray &token, const QString &origin = {});
    void close();
    bool isConnected() const { return m_connected; }
    QString connectError() const { return m_connectError; }

    // 42/chat-run,[name, payload]; with an ack callback the packet carries an ack id.
    void emitEvent(const QString &name, const QJsonObject &payload, AckCallback ack = {});
    // Sends raw text as one WebSocket message (for malformed-input tests).
    void sendRaw(const QString &text);

    QList<Event> events;
    int pingsAnswered = 0;

Q_SIGNALS:
    void connected();
    void connectFailed(const QString &message);
    void eventReceived(const caduceus::test::RelayTestClient::Event &event);
    void disconnected();

private:
    void onText(const QString &text);

    QWebSocket m_socket;
    QByteArray m_token;
    bool m_connected = false;
    QString m_connectError;
    qint64 m_nextAckId = 1;
    QHash<qint64, AckCallback> m_acks;
};

} // namespace caduceus::test
