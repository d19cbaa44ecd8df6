#include "net/HttpServer.h"

#include "net/HttpConnection.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace caduceus::net {

class HttpServer::Private
{
public:
    QTcpServer *tcpServer = nullptr;
    std::shared_ptr<HttpServerConfig> config = std::make_shared<HttpServerConfig>();
    QList<HttpConnection *> connections; // oldest first

    // Makes room for a connection from `address`: closes the oldest connection that may be given up
    // (see HttpServerLimits::maxConnectionsPerAddress), from that address when it is at its own limit.
    bool makeRoomFor(const QHostAddress &address);
};

bool HttpServer::Private::makeRoomFor(const QHostAddress &address)
{
    const HttpServerLimits &limits = config->limits;
    int fromAddress = 0;
    for (const HttpConnection *connection : std::as_const(connections))
        fromAddress += connection->peerAddress() == address ? 1 : 0;
    const bool addressFull = fromAddress >= limits.maxConnectionsPerAddress;
    const bool serverFull = connections.size() >= limits.maxConnections;
    if (!addressFull && !serverFull)
        return true;
    for (HttpConnection *connection : std::as_const(connections)) {
        if ((!addressFull || connection->peerAddress() == address) && connection->canBeGivenUp()) {
            connection->abort(); // reports finished(): removed from the list at once
            return true;
        }
    }
    return false;
}

namespace {

// Over the connection limit the client still gets an answer, not a silent reset.
void refuseConnection(QTcpSocket *socket, const HttpServerConfig &config)
{
    const QByteArray body = config.errorBodyFor(503, QStringLiteral("Too many connections; retry shortly"));
    socket->write(HttpConnection::responseHead(503, "application/json", body.size(), false, false,
                                               {{"Retry-After", "1"}}) +
                  body);
    QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    socket->disconnectFromHost();
    QTimer::singleShot(5000, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
}

} // namespace

HttpServer::HttpServer(QObject *parent) : QObject(parent), d(new Private)
{
    d->tcpServer = new QTcpServer(this);
    connect(d->tcpServer, &QTcpServer::newConnection, this, [this] {
        while (d->tcpServer->hasPendingConnections()) {
            QTcpSocket *socket = d->tcpServer->nextPendingConnection();
            if (!d->makeRoomFor(socket->peerAddress())) {
                refuseConnection(socket, *d->config);
                continue;
            }
            auto *connection = new HttpConnection(socket, d->config, this);
            d->connections.append(connection);
            connect(connection, &HttpConnection::finished, this, [this](HttpConnection *finished) {
                d->connections.removeOne(finished);
                finished->deleteLater();
            });
        }
    });
}

HttpServer::~HttpServer()
{
    // Connections are children; make sure none reports back into a half-destroyed server.
    for (HttpConnection *connection : std::as_const(d->connections))
        connection->disconnect(this);
    delete d;
}

void HttpServer::setHandler(Handler handler)
{
    d->config->handler = std::move(handler);
}

void HttpServer::setHeadHandler(HeadHandler handler)
{
    d->config->headHandler = std::move(handler);
}

void HttpServer::setUpgradeHandler(UpgradeHandler handler)
{
    d->config->upgradeHandler = std::move(handler);
}

void HttpServer::setErrorBody(ErrorBody errorBody)
{
    d->config->errorBody = std::move(errorBody);
}

void HttpServer::setLimits(const HttpServerLimits &limits)
{
    d->config->limits = limits;
}

const HttpServerLimits &HttpServer::limits() const
{
    return d->config->limits;
}

bool HttpServer::listen(const QHostAddress &address, quint16 port)
{
    return d->tcpServer->listen(address, port);
}

void HttpServer::close()
{
    d->tcpServer->close();
    const QList<HttpConnection *> connections = d->connections;
    for (HttpConnection *connection : connections)
        connection->abort();
}

quint16 HttpServer::serverPort() const
{
    return d->tcpServer->serverPort();
}

QHostAddress HttpServer::serverAddress() const
{
    return d->tcpServer->serverAddress();
}

QString HttpServer::errorString() const
{
    return d->tcpServer->errorString();
}

int HttpServer::connectionCount() const
{
    return int(d->connections.size());
}

} // namespace caduceus::net
