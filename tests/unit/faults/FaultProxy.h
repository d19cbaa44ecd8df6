#pragma once
// Test helper: an HTTP proxy between Caduceus and the agent (hermes-sim) that injects the faults a real
// network and a real agent produce: answers the agent never gave (404, 401, 429/503 with Retry-After), a
// stream cut mid-frame, a stream that stalls or only sends keepalives, a response trickled byte by byte
// (slow-loris), a response held back, a closed port. Every exchange is logged for the assertions.
//
//     FaultProxy proxy(sim.baseUrl());
//     proxy.addRule({.method = "GET", .pathContains = "/events", .action = FaultProxy::Action::CutAfter,
//                    .bytes = 300});
//     manager->setAgent({.baseUrl = proxy.url(), …});
//
// Each client connection carries one request: the proxy asks the agent with HTTP/1.0 and
// "Connection: close", so a streamed answer arrives unchunked and the proxy can cut it at any frame.
#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QPointer>
#include <QString>
#include <QUrl>

#include <memory>

class QTcpServer;
class QTcpSocket;

namespace caduceus::test {

class FaultProxy
{
public:
    enum class Action
    {
        Forward,
        Respond,             // answer `status` with `body` (JSON) and `headers`; the agent never sees it
        Refuse,              // close the connection without an answer; the agent never sees the request
        DropAnswer,          // the agent gets the request, the client never gets the answer (lost response)
        Swallow,             // the request goes nowhere and nothing answers (connection left open)
        CutAfter,            // relay the head and `bytes` body bytes, then drop both connections
        StallAfter,          // relay the head and `bytes` body bytes, then nothing more (connection stays)
        FramesThenKeepalive, // relay `frames` SSE frames, then only ": keepalive" every `intervalMs`
        Trickle,             // relay the whole answer one byte every `intervalMs` (slow-loris agent)
        Hold,                // relay the answer only after `intervalMs` (-1: never)
    };

    struct Rule
    {
        QByteArray method;    // empty: any
        QString pathContains; // substring of the request path; empty: any
        int times = -1;       // matching requests it applies to; -1: every one
        Action action = Action::Forward;
        int status = 500;
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        qint64 bytes = 0;
        int frames = 0;
        int intervalMs = 100;
    };

    struct Exchange
    {
        QByteArray method;
        QString path;
        QList<QPair<QByteArray, QByteArray>> requestHeaders; // names lower-cased
        QByteArray requestBody;
        Action action = Action::Forward;
        int status = 0;          // 0: no answer head reached the client
        QByteArray responseBody; // first 256 KiB relayed to the client

        QByteArray requestHeader(const QByteArray &name) const;
    };

    explicit FaultProxy(const QUrl &upstream);
    ~FaultProxy();
    FaultProxy(const FaultProxy &) = delete;
    FaultProxy &operator=(const FaultProxy &) = delete;

    // Listens on a free loopback port (the same one again after setListening(false/true)).
    bool isListening() const;
    // false closes the port, so connecting fails like an agent that is not running.
    bool setListening(bool listening);
    QUrl url() const;
    void setUpstream(const QUrl &upstream) { m_upstream = upstream; }

    void addRule(const Rule &rule) { m_rules.append(rule); }
    void clearRules() { m_rules.clear(); }
    const QList<Exchange> &exchanges() const { return m_exchanges; }
    // Exchanges whose method matches (empty: any) and whose path contains `path`.
    QList<Exchange> exchanges(const QByteArray &method, const QString &path) const;
    // The distinct run_ids the agent handed out in answers to POST /v1/runs.
    QStringList startedRunIds() const;
    // Drops every open connection (e.g. a stalled stream) as a dying network would.
    void dropAllConnections();

private:
    struct Connection;
    void onNewConnection();
    void onClientData(Connection *c);
    void startExchange(Connection *c);
    void onUpstreamData(Connection *c);
    void relay(Connection *c, const QByteArray &bytes);
    void finishConnection(Connection *c);
    const Rule *takeRule(const QByteArray &method, const QString &path);

    QUrl m_upstream;
    QTcpServer *m_server = nullptr;
    quint16 m_port = 0;
    QList<Rule> m_rules;
    QList<Exchange> m_exchanges;
    QList<Connection *> m_connections;
};

} // namespace caduceus::test
