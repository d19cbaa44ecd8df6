#include "RelayMode.h"

#include "AppRuntime.h"
#include "SecretStore.h"
#include "SignalWatcher.h"
#include "chat/SessionManager.h"
#include "relay/ChatRunNamespace.h"
#include "relay/ProtocolFixture.h"
#include "relay/RelayServer.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QRandomGenerator>
#include <QTextStream>
#include <QTimer>

using namespace caduceus;

namespace {
QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

const QString kRelayTokenKey = QStringLiteral("relay-token");

bool isLoopback(const QHostAddress &address)
{
    return address.isLoopback();
}
} // namespace

QByteArray RelayMode::generateToken()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(bytes.begin(), bytes.end());
    return bytes.toHex();
}

int RelayMode::runProtocolFixture(const RelayConfig &config)
{
    relay::RelayServer server(relay::ProtocolFixture::options());
    relay::ProtocolFixture::install(server);
    if (!server.listen(config.bind, config.port)) {
        err() << "caduceus: cannot listen on " << config.bind.toString() << ":" << config.port << ": "
              << server.errorString() << "\n";
        return 1;
    }
    QTextStream(stdout) << "protocol fixture listening on " << server.serverAddress().toString() << ":"
                        << server.serverPort() << Qt::endl;
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::interrupted, qApp, []() { QCoreApplication::exit(0); });
    return QCoreApplication::exec();
}

bool RelayMode::start(AppRuntime *runtime, const RelayConfig &config)
{
    // The token: CADUCEUS_RELAY_TOKEN, else the keychain, else a new one saved to the keychain.
    QByteArray token = qgetenv("CADUCEUS_RELAY_TOKEN").trimmed();
    bool generated = false;
    if (token.isEmpty()) {
        QEventLoop loop;
        runtime->secrets()->read(kRelayTokenKey, [&](const QString &value, const QString &error) {
            if (!error.isEmpty())
                err() << "caduceus: could not read the relay token from the keychain: " << error << "\n";
            token = value.toUtf8();
            loop.quit();
        });
        if (token.isEmpty())
            loop.exec();
        if (token.isEmpty()) {
            token = generateToken();
            generated = true;
            runtime->secrets()->write(kRelayTokenKey, QString::fromLatin1(token));
        }
    }
    if (!isLoopback(config.bind) && token.size() < 16) {
        err() << "caduceus: refusing to listen on " << config.bind.toString()
              << " (reachable from other machines) without a strong token: set CADUCEUS_RELAY_TOKEN to at least 16 "
                 "characters.\n";
        return false;
    }

    auto *server = new relay::RelayServer(relay::RelayOptions{}, runtime);
    auto chatRun = std::make_unique<relay::ChatRunNamespace>(runtime->sessions(), token);
    server->registerNamespace(QStringLiteral("/chat-run"), std::move(chatRun));
    if (!server->listen(config.bind, config.port)) {
        err() << "caduceus: cannot listen on " << config.bind.toString() << ":" << config.port << ": "
              << server->errorString() << "\n";
        return false;
    }
    QTextStream out(stdout);
    const QString host = config.bind.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(config.bind.toString())
                             : config.bind.toString();
    out << "Caduceus relay listening on http://" << host << ":" << server->serverPort() << "\n";
    out << "agent: " << runtime->agentDescription() << "\n";
    out << "token: " << QString::fromLatin1(token)
        << (generated ? "  (new; kept in the keychain)" : "") << "\n";
    if (runtime->secrets()->usingMemoryFallback() && generated)
        out << "note: no keychain is available, so this token changes at every start; set CADUCEUS_RELAY_TOKEN to "
               "keep one.\n";
    out.flush();

    QObject::connect(runtime->sessions(), &chat::SessionManager::sessionEvent, server,
                     [](const QString &sessionId, const QString &name, const QJsonObject &payload) {
                         if (name == QLatin1String("run.started") || name == QLatin1String("run.completed") ||
                             name == QLatin1String("run.failed") || name == QLatin1String("abort.completed")) {
                             err() << "session " << sessionId << ": " << name << " "
                                   << payload.value(QLatin1String("run_id")).toString() << "\n";
                             err().flush();
                         }
                     });
    auto *watcher = new SignalWatcher(server);
    QObject::connect(watcher, &SignalWatcher::interrupted, server, [server]() {
        err() << "stopping the relay; in-flight runs are saved and resume at the next start\n";
        err().flush();
        server->close();
        QCoreApplication::exit(0);
    });
    return true;
}
