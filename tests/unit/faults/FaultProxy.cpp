#include "FaultProxy.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace caduceus::test {

namespace {
constexpr qsizetype MaxLoggedBody = 256 * 1024;
constexpr qsizetype MaxRequestBytes = 16 * 1024 * 1024;
} // namespace

struct FaultProxy::Connection
{
    // Receiver of every signal of this connection and owner of its sockets and timers: deleting it (later)
    // ends them all; `finished` stops whatever was already queued.
    QObject *context = nullptr;
    QPointer<QTcpSocket> client;
    QPointer<QTcpSocket> upstream;
    QByteArray request;
    bool requestStarted = false;
    qsizetype exchange = -1;
    Rule rule;
    QByteArray head; // the answer's head while it is incomplete
    bool headDone = false;
    qsizetype headLength = 0; // of the head in the first relayed piece
    qint64 bodyRelayed = 0;
    int framesRelayed = 0;
    bool muted = false;   // later answer bytes are dropped
    bool released = true; // Hold: the answer may flow
    QByteArray held;
    QByteArray trickle;
    bool upstreamDone = false;
    bool finished = false;
    QTimer *timer = nullptr;
};

QByteArray FaultProxy::Exchange::requestHeader(const QByteArray &name) const
{
    for (const auto &[key, value] : requestHeaders) {
        if (key == name.toLower())
            return value;
    }
    return {};
}

FaultProxy::FaultProxy(const QUrl &upstream) : m_upstream(upstream)
{
    setListening(true);
}

FaultProxy::~FaultProxy()
{
    dropAllConnections();
    delete m_server;
}

bool FaultProxy::isListening() const
{
    return m_server && m_server->isListening();
}

bool FaultProxy::setListening(bool listening)
{
    if (!listening) {
        if (m_server)
            m_server->close();
        return true;
    }
    if (!m_server) {
        m_server = new QTcpServer;
        QObject::connect(m_server, &QTcpServer::newConnection, m_server, [this] { onNewConnection(); });
    }
    if (m_server->isListening())
        return true;
    if (!m_server->listen(QHostAddress::LocalHost, m_port))
        return false;
    m_port = m_server->serverPort();
    return true;
}

QUrl FaultProxy::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

QList<FaultProxy::Exchange> FaultProxy::exchanges(const QByteArray &method, const QString &path) const
{
    QList<Exchange> out;
    for (const Exchange &e : m_exchanges) {
        if ((method.isEmpty() || e.method == method) && e.path.contains(path))
            out << e;
    }
    return out;
}

QStringList FaultProxy::startedRunIds() const
{
    QStringList ids;
    for (const Exchange &e : exchanges("POST", QStringLiteral("/v1/runs"))) {
        if (e.path != QLatin1String("/v1/runs"))
            continue;
        const QString id =
            QJsonDocument::fromJson(e.responseBody).object().value(QLatin1String("run_id")).toString();
        if (!id.isEmpty() && !ids.contains(id))
            ids << id;
    }
    return ids;
}

void FaultProxy::dropAllConnections()
{
    const QList<Connection *> open = m_connections;
    for (Connection *c : open) {
        if (c->client)
            c->client->abort();
        finishConnection(c);
    }
}

const FaultProxy::Rule *FaultProxy::takeRule(const QByteArray &method, const QString &path)
{
    for (Rule &rule : m_rules) {
        if (rule.times == 0)
            continue;
        if (!rule.method.isEmpty() && rule.method != method)
            continue;
        if (!rule.pathContains.isEmpty() && !path.contains(rule.pathContains))
            continue;
        if (rule.times > 0)
            --rule.times;
        return &rule;
    }
    return nullptr;
}

void FaultProxy::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        auto *c = new Connection;
        c->context = new QObject;
        QObject::connect(c->context, &QObject::destroyed, [c] { delete c; });
        socket->setParent(c->context);
        c->client = socket;
        m_connections.append(c);
        QObject::connect(socket, &QTcpSocket::readyRead, c->context, [this, c] { onClientData(c); });
        QObject::connect(socket, &QTcpSocket::disconnected, c->context, [this, c] { finishConnection(c); });
    }
}

void FaultProxy::onClientData(Connection *c)
{
    if (c->finished || !c->client || c->requestStarted)
        return;
    c->request += c->client->readAll();
    const qsizetype headEnd = c->request.indexOf("\r\n\r\n");
    if (headEnd < 0) {
        if (c->request.size() > MaxRequestBytes)
            c->client->abort();
        return;
    }
    qint64 contentLength = 0;
    const QList<QByteArray> lines = c->request.left(headEnd).split('\n');
    for (const QByteArray &line : lines.mid(1)) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == "content-length")
            contentLength = line.mid(colon + 1).trimmed().toLongLong();
    }
    if (c->request.size() < headEnd + 4 + contentLength)
        return;
    c->requestStarted = true;
    startExchange(c);
}

void FaultProxy::startExchange(Connection *c)
{
    const qsizetype headEnd = c->request.indexOf("\r\n\r\n");
    const QList<QByteArray> lines = c->request.left(headEnd).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    Exchange exchange;
    exchange.method = requestLine.value(0);
    const QByteArray target = requestLine.value(1);
    exchange.path =
        QString::fromUtf8(target.left(target.indexOf('?') < 0 ? target.size() : target.indexOf('?')));
    QByteArray forwarded = exchange.method + ' ' + target + " HTTP/1.0\r\n";
    for (const QByteArray &line : lines.mid(1)) {
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        exchange.requestHeaders.append({name, value});
        if (name != "connection" && name != "keep-alive")
            forwarded += line.trimmed() + "\r\n";
    }
    forwarded += "Connection: close\r\n\r\n";
    exchange.requestBody = c->request.mid(headEnd + 4);
    forwarded += exchange.requestBody;

    const Rule *rule = takeRule(exchange.method, exchange.path);
    c->rule = rule ? *rule : Rule{};
    exchange.action = c->rule.action;
    c->exchange = m_exchanges.size();
    m_exchanges.append(exchange);

    switch (c->rule.action) {
    case Action::Refuse:
        c->client->abort();
        return;
    case Action::Swallow:
        return;
    case Action::Respond: {
        QByteArray answer = "HTTP/1.1 " + QByteArray::number(c->rule.status) + " Injected\r\n";
        answer +=
            "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(c->rule.body.size()) +
            "\r\nConnection: close\r\n";
        for (const auto &[name, value] : c->rule.headers)
            answer += name + ": " + value + "\r\n";
        answer += "\r\n" + c->rule.body;
        m_exchanges[c->exchange].status = c->rule.status;
        m_exchanges[c->exchange].responseBody = c->rule.body;
        c->client->write(answer);
        c->client->disconnectFromHost();
        return;
    }
    case Action::DropAnswer:
        c->released = false; // kept back, logged, never sent
        break;
    case Action::Hold:
        c->released = false;
        if (c->rule.intervalMs >= 0) {
            QTimer::singleShot(c->rule.intervalMs, c->context, [this, c] {
                if (c->finished)
                    return;
                c->released = true;
                relay(c, std::exchange(c->held, {}));
                if (c->upstreamDone && c->client)
                    c->client->disconnectFromHost();
            });
        }
        break;
    case Action::Trickle:
        c->timer = new QTimer(c->context);
        QObject::connect(c->timer, &QTimer::timeout, c->context, [c] {
            if (c->finished || !c->client)
                return;
            if (!c->trickle.isEmpty()) {
                c->client->write(c->trickle.left(1));
                c->trickle.remove(0, 1);
            } else if (c->upstreamDone) {
                c->timer->stop();
                c->client->disconnectFromHost();
            }
        });
        c->timer->start(c->rule.intervalMs);
        break;
    default:
        break;
    }

    auto *upstream = new QTcpSocket(c->context);
    c->upstream = upstream;
    QObject::connect(upstream, &QTcpSocket::connected, c->context,
                     [upstream, forwarded] { upstream->write(forwarded); });
    QObject::connect(upstream, &QTcpSocket::readyRead, c->context, [this, c] { onUpstreamData(c); });
    QObject::connect(upstream, &QTcpSocket::disconnected, c->context, [this, c] {
        if (c->finished)
            return;
        c->upstreamDone = true;
        if (c->rule.action == Action::DropAnswer) {
            const qsizetype end = c->held.indexOf("\r\n\r\n");
            m_exchanges[c->exchange].responseBody = end < 0 ? QByteArray() : c->held.mid(end + 4);
            if (c->client)
                c->client->abort();
            return;
        }
        const bool keepOpen = c->rule.action == Action::StallAfter ||
                              c->rule.action == Action::FramesThenKeepalive ||
                              c->rule.action == Action::Trickle || !c->released;
        if (!keepOpen && c->client)
            c->client->disconnectFromHost();
    });
    QObject::connect(upstream, &QTcpSocket::errorOccurred, c->context,
                     [upstream, c](QAbstractSocket::SocketError) {
                         // The agent is down or went away before answering: the client sees a dropped
                         // connection.
                         if (!c->finished && !c->headDone &&
                             upstream->state() != QAbstractSocket::ConnectedState && c->client)
                             c->client->abort();
                     });
    upstream->connectToHost(QHostAddress(m_upstream.host()), quint16(m_upstream.port()));
}

void FaultProxy::onUpstreamData(Connection *c)
{
    if (c->finished || !c->upstream)
        return;
    const QByteArray bytes = c->upstream->readAll();
    if (!c->released) {
        c->held += bytes;
        return;
    }
    relay(c, bytes);
}

void FaultProxy::relay(Connection *c, const QByteArray &incoming)
{
    if (c->finished || !c->client || c->muted || incoming.isEmpty())
        return;
    QByteArray bytes = incoming;
    QByteArray out;
    if (!c->headDone) {
        c->head += bytes;
        const qsizetype end = c->head.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        c->headDone = true;
        c->headLength = end + 4;
        out = c->head.left(end + 4);
        bytes = c->head.mid(end + 4);
        c->head.clear();
        m_exchanges[c->exchange].status = out.mid(9, 3).toInt();
    }

    switch (c->rule.action) {
    case Action::CutAfter:
    case Action::StallAfter: {
        const qint64 allowed = qMax<qint64>(0, c->rule.bytes - c->bodyRelayed);
        out += bytes.left(allowed);
        c->bodyRelayed += qMin<qint64>(allowed, bytes.size());
        if (c->bodyRelayed >= c->rule.bytes)
            c->muted = true;
        break;
    }
    case Action::FramesThenKeepalive: {
        qsizetype taken = 0;
        while (c->framesRelayed < c->rule.frames) {
            const qsizetype end = bytes.indexOf("\n\n", taken);
            if (end < 0) {
                taken = bytes.size();
                break;
            }
            taken = end + 2;
            ++c->framesRelayed;
        }
        out += bytes.left(taken);
        if (c->framesRelayed >= c->rule.frames && !c->muted) {
            c->muted = true;
            c->timer = new QTimer(c->context);
            QObject::connect(c->timer, &QTimer::timeout, c->context, [c] {
                if (!c->finished && c->client)
                    c->client->write(": keepalive\n\n");
            });
            c->timer->start(c->rule.intervalMs);
        }
        break;
    }
    default:
        out += bytes;
        c->bodyRelayed += bytes.size();
        break;
    }

    QByteArray &logged = m_exchanges[c->exchange].responseBody;
    const qsizetype bodyStart = std::exchange(c->headLength, 0);
    if (logged.size() < MaxLoggedBody)
        logged += out.mid(bodyStart, MaxLoggedBody - logged.size());

    if (c->rule.action == Action::Trickle) {
        c->trickle += out;
    } else {
        c->client->write(out);
    }
    if (c->rule.action == Action::CutAfter && c->muted) {
        // Mid-frame, mid-JSON: the client sees the connection die.
        c->client->flush();
        c->client->abort();
        if (c->upstream)
            c->upstream->abort();
    }
}

void FaultProxy::finishConnection(Connection *c)
{
    if (c->finished)
        return;
    c->finished = true;
    m_connections.removeOne(c);
    if (c->timer)
        c->timer->stop();
    if (c->upstream) {
        c->upstream->disconnect(c->context);
        c->upstream->abort();
    }
    if (c->client)
        c->client->disconnect(c->context);
    c->context->deleteLater(); // deletes the sockets, the timers and then `c`
}

} // namespace caduceus::test
