#pragma once
// The relay's listening side: one HttpServer in front of a Socket.IO server (at /socket.io/ by default)
// and optional raw Engine.IO endpoints. HTTP requests outside those paths go to the fallback handler
// (the relay's REST API) or get a JSON 404.
//
//   RelayServer relay(options);
//   relay.registerNamespace("/chat-run", std::make_unique<ChatRunNamespace>(…));
//   relay.setHttpFallback([](const net::HttpRequest &request, net::HttpResponder *responder) { … });
//   if (!relay.listen(QHostAddress::LocalHost, 8643)) qWarning() << relay.errorString();

#include "net/HttpServer.h"
#include "relay/RelayOptions.h"

#include <QList>
#include <QObject>

#include <memory>

namespace caduceus::relay {

class EngineServer;
class Namespace;
class SocketServer;

class RelayServer : public QObject
{
    Q_OBJECT
public:
    explicit RelayServer(const RelayOptions &options = {}, QObject *parent = nullptr);
    ~RelayServer() override;

    bool listen(const QHostAddress &address, quint16 port = 0);
    // Ends every session and stops listening.
    void close();
    quint16 serverPort() const;
    QHostAddress serverAddress() const;
    QString errorString() const;

    bool registerNamespace(const QString &name, std::unique_ptr<Namespace> handler);
    void setHttpFallback(net::HttpServer::Handler handler);
    // Decides on the heads of the requests that go to the fallback (see HttpServer::setHeadHandler);
    // without one they go on with the small default body limit (RelayServer::DefaultBodyBytes).
    void setHttpHeadFallback(net::HttpServer::HeadHandler handler);
    // Body limit of a request nothing asked more for: the relay's own paths need none.
    static constexpr qint64 DefaultBodyBytes = 16 * 1024;
    // A raw Engine.IO endpoint (no Socket.IO on top): connect to its connection() signal.
    EngineServer *addEngineEndpoint(const QString &path, const EngineOptions &options);

    const RelayOptions &options() const { return m_options; }
    SocketServer *socketServer() const { return m_socketServer; }
    EngineServer *socketIoEngine() const { return m_socketIoEngine; }
    net::HttpServer *httpServer() const { return m_http; }

private:
    void handleRequest(const net::HttpRequest &request, net::HttpResponder *responder);
    net::HttpHeadVerdict headVerdict(const net::HttpRequest &head) const;
    bool handleUpgrade(const net::HttpRequest &request, QTcpSocket *socket);
    EngineServer *endpointFor(const QString &path) const;

    RelayOptions m_options;
    net::HttpServer *m_http = nullptr;
    EngineServer *m_socketIoEngine = nullptr;
    SocketServer *m_socketServer = nullptr;
    QList<EngineServer *> m_endpoints;
    net::HttpServer::Handler m_fallback;
    net::HttpServer::HeadHandler m_headFallback;
};

} // namespace caduceus::relay
