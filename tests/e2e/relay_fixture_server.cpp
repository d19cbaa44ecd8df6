// Serves the relay's protocol-conformance fixture (ProtocolFixture) so that node tests can drive the wire
// before the app's `--relay --protocol-fixture` flag exists.
//   relay-fixture-server [--port N] [--host ADDRESS]
// Prints "listening on <port>" once the socket is bound.

#include "relay/ProtocolFixture.h"
#include "relay/RelayServer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostAddress>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Engine.IO / Socket.IO protocol fixture of the Caduceus relay"));
    parser.addHelpOption();
    const QCommandLineOption portOption(QStringLiteral("port"),
                                        QStringLiteral("TCP port (0: any free port)."),
                                        QStringLiteral("port"), QStringLiteral("0"));
    const QCommandLineOption hostOption(QStringLiteral("host"), QStringLiteral("Address to bind."),
                                        QStringLiteral("address"), QStringLiteral("127.0.0.1"));
    parser.addOption(portOption);
    parser.addOption(hostOption);
    parser.process(app);

    bool portOk = false;
    const uint port = parser.value(portOption).toUInt(&portOk);
    const QHostAddress address(parser.value(hostOption));
    if (!portOk || port > 65535 || address.isNull()) {
        std::fprintf(stderr, "invalid --port or --host\n");
        return 2;
    }

    caduceus::relay::RelayServer server(caduceus::relay::ProtocolFixture::options());
    caduceus::relay::ProtocolFixture::install(server);
    if (!server.listen(address, quint16(port))) {
        std::fprintf(stderr, "cannot listen on %s:%u: %s\n", qPrintable(address.toString()), port,
                     qPrintable(server.errorString()));
        return 1;
    }
    std::printf("listening on %u\n", unsigned(server.serverPort()));
    std::fflush(stdout);
    return app.exec();
}
