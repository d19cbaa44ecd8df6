// hermes-sim: a scripted stand-in for the Hermes Agent HTTP API (demo agent, test upstream, load
// generator). See SimServer for the routes and ScriptBuilder for the sim:<scenario> tokens.

#include "ShutdownSignals.h"
#include "SimOptions.h"
#include "SimServer.h"

#include <QCoreApplication>
#include <QSaveFile>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("hermes-sim"));

    QString error;
    const std::optional<caduceus::sim::SimOptions> options =
        caduceus::sim::SimOptions::parse(QCoreApplication::arguments(), &error);
    if (!options) {
        const bool help = QCoreApplication::arguments().contains(QStringLiteral("--help")) ||
                          QCoreApplication::arguments().contains(QStringLiteral("-h"));
        std::fprintf(help ? stdout : stderr, "%s\n", qPrintable(error));
        return help ? 0 : 2;
    }

    caduceus::sim::ShutdownSignals shutdownSignals;
    caduceus::sim::SimServer server(*options);
    if (!server.listen(&error)) {
        std::fprintf(stderr, "hermes-sim: %s\n", qPrintable(error));
        return 1;
    }

    std::printf("hermes-sim listening on %s\n", qPrintable(server.baseUrl()));
    std::fflush(stdout);
    if (!options->portFile.isEmpty()) {
        // Written atomically, after the stdout line: once the file exists both can be read.
        QSaveFile file(options->portFile);
        if (!file.open(QIODevice::WriteOnly) || file.write(QByteArray::number(server.port()) + '\n') < 0 ||
            !file.commit()) {
            std::fprintf(stderr, "hermes-sim: cannot write the port file %s: %s\n",
                         qPrintable(options->portFile), qPrintable(file.errorString()));
            return 1;
        }
    }
    return app.exec();
}
