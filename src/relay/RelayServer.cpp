#include "relay/RelayServer.h"

#include "net/HttpRequest.h"
#include "relay/EngineServer.h"
#include "relay/Namespace.h"
#include "relay/SocketServer.h"

namespace caduceus::relay {

RelayServer::RelayServer(const RelayOptions &options, QObject *parent) : QObject(parent), m_options(options)
{
    m_http = new net::HttpServer(this);
    net::HttpServerLimits limits = m_http->limits();
    // Larger bodies are granted per request from its head (headVerdict): polling requests of admitted
    // Engine.IO sessions, and what the fallback's head handler allows (web UI uploads with the token).
    limits.maxBodyBytes = DefaultBodyBytes;
    m_http->setLimits(limits);
    m_http->setHandler([this](const net::HttpRequest &request, net::HttpResponder *responder) {
        handleRequest(request, responder);
    });
    m_http->setHeadHandler([this](const net::HttpRequest &head) { return headVerdict(head); });
    m_http->setUpgradeHandler([this](const net::HttpRequest &request, QTcpSocket *socket) {
        return handleUpgrade(request, socket);
    });

    m_socketIoEngine = new EngineServer(options.socketIoPath, options.engine, this);
    m_endpoints.append(m_socketIoEngine);
    m_socketServer = new SocketServer(m_socketIoEngine, options.socket, this);
}

RelayServer::~RelayServer()
{
    // The Socket.IO layer goes first: it points into the engine sessions.
    delete m_socketServer;
    m_socketServer = nullptr;
}

bool RelayServer::listen(const QHostAddress &address, quint16 port)
{
    return m_http->listen(address, port);
}

void RelayServer::close()
{
    for (EngineServer *endpoint : std::as_const(m_endpoints))
        endpoint->closeAll();
    m_http->close();
}

quint16 RelayServer::serverPort() const
{
    return m_http->serverPort();
}

QHostAddress RelayServer::serverAddress() const
{
    return m_http->serverAddress();
}

QString RelayServer::errorString() const
{
    return m_http->errorString();
}

bool RelayServer::registerNamespace(const QString &name, std::unique_ptr<Namespace> handler)
{
    return m_socketServer->registerNamespace(name, std::move(handler));
}

void RelayServer::setHttpFallback(net::HttpServer::Handler handler)
{
    m_fallback = std::move(handler);
}

void RelayServer::setHttpHeadFallback(net::HttpServer::HeadHandler handler)
{
    m_headFallback = std::move(handler);
}

net::HttpHeadVerdict RelayServer::headVerdict(const net::HttpRequest &head) const
{
    if (const EngineServer *endpoint = endpointFor(head.path))
        return endpoint->headVerdict(head);
    if (m_fallback && m_headFallback)
        return m_headFallback(head);
    return net::HttpHeadVerdict::proceed();
}

EngineServer *RelayServer::addEngineEndpoint(const QString &path, const EngineOptions &options)
{
    auto *endpoint = new EngineServer(path, options, this);
    m_endpoints.append(endpoint);
    return endpoint;
}

EngineServer *RelayServer::endpointFor(const QString &path) const
{
    for (EngineServer *endpoint : m_endpoints) {
        if (endpoint->matches(path))
            return endpoint;
    }
    return nullptr;
}

void RelayServer::handleRequest(const net::HttpRequest &request, net::HttpResponder *responder)
{
    if (EngineServer *endpoint = endpointFor(request.path)) {
        endpoint->handleRequest(request, responder);
        return;
    }
    if (m_fallback) {
        m_fallback(request, responder);
        return;
    }
    responder->sendError(404, QStringLiteral("Not found"));
}

bool RelayServer::handleUpgrade(const net::HttpRequest &request, QTcpSocket *socket)
{
    EngineServer *endpoint = endpointFor(request.path);
    return endpoint && endpoint->handleUpgrade(request, socket);
}

} // namespace caduceus::relay
