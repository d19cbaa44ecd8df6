#pragma once
// `caduceus --relay`: the /chat-run Socket.IO relay without a window (QCoreApplication only), so the
// hermes-web-ui chat page can use Caduceus instead of its Node server.
#include "webui/WebUiOptions.h"

#include <QHostAddress>
#include <QString>

class AppRuntime;
class QCommandLineParser;

struct RelayConfig
{
    QHostAddress bind = QHostAddress::LocalHost;
    quint16 port = 8648;            // hermes-web-ui's default
    bool protocolFixture = false;   // serve the Socket.IO protocol test-suite fixture instead of /chat-run
    caduceus::webui::WebUiOptions webUi; // --web-ui, --allow-dir, --upload-limit, --cors-origin
};

class RelayMode
{
public:
    // --web-ui DIR, --allow-dir DIR (repeatable), --upload-limit MB, --cors-origin ORIGIN (repeatable).
    static void addWebUiOptions(QCommandLineParser &parser);
    // Reads them into config->webUi (uploads go to <dataDir>/uploads when dataDir is set); false with a
    // sentence for the user when a value is unusable.
    static bool readWebUiOptions(const QCommandLineParser &parser, const QString &dataDir,
                                 RelayConfig *config, QString *error);
    // Starts the relay on the running event loop and prints where and how to connect; it stops (and the
    // application exits) on SIGINT/SIGTERM. Failures print the reason and exit with 1.
    static void start(AppRuntime *runtime, const RelayConfig &config);
    // Runs the protocol-fixture server until SIGINT/SIGTERM; returns the exit code.
    static int runProtocolFixture(const RelayConfig &config);
};
