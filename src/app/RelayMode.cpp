#include "RelayMode.h"

#include "AppRuntime.h"
#include "RelayHost.h"
#include "SecretStore.h"
#include "SignalWatcher.h"
#include "chat/SessionManager.h"
#include "relay/ProtocolFixture.h"
#include "relay/RelayServer.h"

#include <QCoreApplication>
#include <QTextStream>

using namespace caduceus;

namespace {
QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}
} // namespace

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

void RelayMode::start(AppRuntime *runtime, const RelayConfig &config)
{
    auto *host = new RelayHost(runtime, runtime);
    host->start(config.bind, config.port, [runtime, host](bool ok, const QString &error) {
        if (!ok) {
            err() << "caduceus: " << error << "\n";
            err().flush();
            QCoreApplication::exit(1);
            return;
        }
        QTextStream out(stdout);
        out << "Caduceus relay listening on " << host->url() << "\n";
        out << "agent: " << runtime->agentDescription() << "\n";
        out << "token: " << QString::fromLatin1(host->token())
            << (host->tokenWasGenerated() ? "  (new; kept in the keychain)" : "") << "\n";
        if (runtime->secrets()->usingMemoryFallback() && host->tokenWasGenerated())
            out << "note: no keychain is available, so this token changes at every start; set CADUCEUS_RELAY_TOKEN "
                   "to keep one.\n";
        out.flush();

        QObject::connect(runtime->sessions(), &chat::SessionManager::sessionEvent, host,
                         [](const QString &sessionId, const QString &name, const QJsonObject &payload) {
                             if (name == QLatin1String("run.started") || name == QLatin1String("run.completed") ||
                                 name == QLatin1String("run.failed") || name == QLatin1String("abort.completed")) {
                                 err() << "session " << sessionId << ": " << name << " "
                                       << payload.value(QLatin1String("run_id")).toString() << "\n";
                                 err().flush();
                             }
                         });
        auto *watcher = new SignalWatcher(host);
        QObject::connect(watcher, &SignalWatcher::interrupted, host, [host]() {
            err() << "stopping the relay; in-flight runs are saved and resume at the next start\n";
            err().flush();
            host->stop();
            QCoreApplication::exit(0);
        });
    });
}
