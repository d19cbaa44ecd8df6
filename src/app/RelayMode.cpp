#include "RelayMode.h"

#include "AppRuntime.h"
#include "RelayHost.h"
#include "SecretStore.h"
#include "SignalWatcher.h"
#include "chat/SessionManager.h"
#include "protocol/EventNames.h"
#include "relay/ProtocolFixture.h"
#include "relay/RelayServer.h"
#include "webui/StaticFiles.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QTextStream>
#include <QUrl>

using namespace caduceus;

namespace {
QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

const QCommandLineOption &webUiOption()
{
    static const QCommandLineOption option(
        QStringLiteral("web-ui"),
        QStringLiteral("relay: serve a built hermes-web-ui client (its dist/client folder) at /."),
        QStringLiteral("dir"));
    return option;
}

const QCommandLineOption &allowDirOption()
{
    static const QCommandLineOption option(
        QStringLiteral("allow-dir"),
        QStringLiteral("relay: a folder the web UI may download files from (besides uploads and session "
                       "workspaces); repeatable."),
        QStringLiteral("dir"));
    return option;
}

const QCommandLineOption &uploadLimitOption()
{
    static const QCommandLineOption option(QStringLiteral("upload-limit"),
                                           QStringLiteral("relay: largest web UI upload in MB (default 50)."),
                                           QStringLiteral("mb"));
    return option;
}

const QCommandLineOption &corsOriginOption()
{
    static const QCommandLineOption option(
        QStringLiteral("cors-origin"),
        QStringLiteral("relay: an origin (e.g. http://localhost:5173) whose pages may call the REST API; "
                       "repeatable."),
        QStringLiteral("origin"));
    return option;
}
} // namespace

void RelayMode::addWebUiOptions(QCommandLineParser &parser)
{
    parser.addOptions({webUiOption(), allowDirOption(), uploadLimitOption(), corsOriginOption()});
}

bool RelayMode::readWebUiOptions(const QCommandLineParser &parser, const QString &dataDir,
                                 RelayConfig *config, QString *error)
{
    webui::WebUiOptions &webUi = config->webUi;
    if (parser.isSet(webUiOption())) {
        const QString dir = QFileInfo(parser.value(webUiOption())).absoluteFilePath();
        const QString problem = webui::StaticFiles::checkRoot(dir);
        if (!problem.isEmpty()) {
            *error = QStringLiteral("--web-ui: %1").arg(problem);
            return false;
        }
        webUi.staticDir = dir;
    }
    for (const QString &dir : parser.values(allowDirOption())) {
        const QFileInfo info(dir);
        if (!info.isDir()) {
            *error = QStringLiteral("--allow-dir: %1 is not a folder").arg(dir);
            return false;
        }
        if (QDir(info.canonicalFilePath()).isRoot()) {
            *error = QStringLiteral("--allow-dir: refusing %1, which would let the web UI download any file")
                         .arg(dir);
            return false;
        }
        webUi.allowedDirs.append(info.absoluteFilePath());
    }
    if (parser.isSet(uploadLimitOption())) {
        bool ok = false;
        const double megabytes = parser.value(uploadLimitOption()).toDouble(&ok);
        if (!ok || megabytes <= 0 || megabytes > 4096) {
            *error = QStringLiteral("--upload-limit takes a size in MB from 0.001 to 4096");
            return false;
        }
        webUi.maxUploadBytes = qint64(megabytes * 1024 * 1024);
    }
    for (const QString &origin : parser.values(corsOriginOption())) {
        const QUrl url(origin);
        if (!url.isValid() ||
            (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
            url.host().isEmpty() || !(url.path().isEmpty() || url.path() == QLatin1String("/"))) {
            *error = QStringLiteral("--cors-origin takes an origin like http://localhost:5173, not %1")
                         .arg(origin);
            return false;
        }
        webUi.corsOrigins.append(origin);
    }
    if (!dataDir.isEmpty())
        webUi.uploadDir = QDir(dataDir).absoluteFilePath(QStringLiteral("uploads"));
    return true;
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

void RelayMode::start(AppRuntime *runtime, const RelayConfig &config)
{
    auto *host = new RelayHost(runtime, runtime);
    host->setWebUiOptions(config.webUi);
    host->start(config.bind, config.port, [runtime, host, config](bool ok, const QString &error) {
        if (!ok) {
            err() << "caduceus: " << error << "\n";
            err().flush();
            QCoreApplication::exit(1);
            return;
        }
        QTextStream out(stdout);
        out << "Caduceus relay listening on " << host->url() << "\n";
        out << "agent: " << runtime->agentDescription() << "\n";
        // Say where the token really lives: a user told "keychain" looks for it there.
        const bool memoryOnly = runtime->secrets()->usingMemoryFallback();
        out << "token: " << QString::fromLatin1(host->token())
            << (!host->tokenWasGenerated() ? ""
                : memoryOnly               ? "  (new; held only in this process's memory: no keychain)"
                                           : "  (new; kept in the keychain)")
            << "\n";
        if (!config.webUi.staticDir.isEmpty())
            out << "web UI: open " << host->url() << "/ in a browser and sign in with the token above\n";
        else
            out << "web UI: not served (start with --web-ui <hermes-web-ui dist/client folder>); "
                << host->url() << "/ describes this server\n";
        out << "uploads: " << host->webUiOptions().uploadDir << "\n";
        if (runtime->secrets()->usingMemoryFallback() && host->tokenWasGenerated())
            out << "note: no keychain is available, so this token changes at every start; set CADUCEUS_RELAY_TOKEN "
                   "to keep one.\n";
        out.flush();

        QObject::connect(runtime->sessions(), &chat::SessionManager::sessionEvent, host,
                         [](const QString &sessionId, const QString &name, const QJsonObject &payload) {
                             if (name == EventName::RunStarted || name == EventName::RunCompleted ||
                                 name == EventName::RunFailed || name == EventName::AbortCompleted) {
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
