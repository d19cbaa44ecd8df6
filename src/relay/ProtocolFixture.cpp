#include "relay/ProtocolFixture.h"

#include "relay/EngineServer.h"
#include "relay/EngineSocket.h"
#include "relay/Namespace.h"
#include "relay/RelayServer.h"
#include "relay/Socket.h"

#include <QPointer>

namespace caduceus::relay {

namespace {

class FixtureNamespace : public Namespace
{
public:
    void onConnect(Socket *socket) override
    {
        socket->emitEvent(QStringLiteral("auth"), QJsonArray{socket->auth()});
    }

    void onEvent(Socket *socket, const QString &event, const SocketPayload &args,
                 const AckCallback &ack) override
    {
        if (event == QLatin1String("message")) {
            socket->emitEvent(QStringLiteral("message-back"), args);
        } else if (event == QLatin1String("message-with-ack")) {
            if (ack)
                ack(args);
        } else if (event == QLatin1String("emit-with-ack")) {
            QPointer<Socket> guard(socket);
            socket->emitWithAck(QStringLiteral("emit-with-ack"), args,
                                [guard](bool acknowledged, const SocketPayload &reply) {
                                    if (acknowledged && guard)
                                        guard->emitEvent(QStringLiteral("emit-with-ack"), reply);
                                });
        }
    }
};

} // namespace

RelayOptions ProtocolFixture::options()
{
    RelayOptions options;
    options.engine.pingIntervalMs = 300;
    options.engine.pingTimeoutMs = 200;
    options.engine.maxPayload = 1'000'000;
    options.socket.connectTimeoutMs = 1000;
    return options;
}

void ProtocolFixture::install(RelayServer &server)
{
    server.registerNamespace(QStringLiteral("/"), std::make_unique<FixtureNamespace>());
    server.registerNamespace(QStringLiteral("/custom"), std::make_unique<FixtureNamespace>());

    EngineServer *echo = server.addEngineEndpoint(QStringLiteral("/engine.io/"), server.options().engine);
    QObject::connect(echo, &EngineServer::connection, echo, [](EngineSocket *socket) {
        QObject::connect(socket, &EngineSocket::textReceived, socket, &EngineSocket::sendText);
        QObject::connect(socket, &EngineSocket::binaryReceived, socket, &EngineSocket::sendBinary);
    });
}

} // namespace caduceus::relay
