// caduceus: the desktop window by default; `chat` and `sessions` for the terminal; `--relay` for the
// headless Socket.IO relay. main() only parses the command line and hands over.
#include "AppRuntime.h"
#include "CliChat.h"
#include "RelayMode.h"
#include "SignalWatcher.h"
#include "Translations.h"
#include "chat/SessionManager.h"
#include "store/SessionStore.h"
#include "version.h"

#ifdef CADUCEUS_WITH_GUI
#include "GuiMode.h"
#include "GuiOptions.h"
#include <QApplication>
#endif

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QLoggingCategory>
#include <QTextStream>
#include <QTimer>

#include <memory>

#ifdef Q_OS_WIN
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <cstdio>
#include <windows.h>
#endif

#if defined(CADUCEUS_WITH_GUI) && defined(Q_OS_LINUX)
#include <climits>
#include <string>
#include <unistd.h>
#endif

namespace {

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

struct CommonOptions
{
    QCommandLineOption agent{QStringLiteral("agent"), QStringLiteral("Hermes Agent base URL (else discovered, else the "
                                                                     "Demo agent). Key from CADUCEUS_AGENT_KEY."),
                             QStringLiteral("url")};
    QCommandLineOption profile{QStringLiteral("profile"), QStringLiteral("Local Hermes profile to use."),
                               QStringLiteral("name")};
    QCommandLineOption hermesHome{QStringLiteral("hermes-home"), QStringLiteral("Hermes home folder (default "
                                                                                "$HERMES_HOME or ~/.hermes)."),
                                  QStringLiteral("dir")};
    QCommandLineOption demo{QStringLiteral("demo"), QStringLiteral("Use the built-in simulated agent.")};
    QCommandLineOption dataDir{QStringLiteral("data-dir"), QStringLiteral("Folder of Caduceus's database (default: "
                                                                          "the platform data folder)."),
                               QStringLiteral("dir")};
    QCommandLineOption session{QStringLiteral("session"), QStringLiteral("chat: continue this session id."),
                               QStringLiteral("id")};
    QCommandLineOption model{QStringLiteral("model"), QStringLiteral("chat: model to ask for."), QStringLiteral("id")};
    QCommandLineOption approve{QStringLiteral("approve"),
                               QStringLiteral("chat: answer approval requests with once|session|always|deny."),
                               QStringLiteral("choice")};
    QCommandLineOption reasoning{QStringLiteral("reasoning"), QStringLiteral("chat: show the model's reasoning.")};
    QCommandLineOption list{QStringLiteral("list"), QStringLiteral("List sessions, newest first (same as `sessions`).")};
    QCommandLineOption relay{QStringLiteral("relay"), QStringLiteral("Run the /chat-run Socket.IO relay for "
                                                                     "hermes-web-ui, without a window.")};
    QCommandLineOption port{QStringLiteral("port"), QStringLiteral("relay: port (default 8648)."), QStringLiteral("n")};
    QCommandLineOption bind{QStringLiteral("bind"), QStringLiteral("relay: address to listen on (default 127.0.0.1)."),
                            QStringLiteral("address")};
    QCommandLineOption selfTest{QStringLiteral("self-test"),
                                QStringLiteral("Open the window, the attach dialog and Settings once, report what is "
                                               "missing (QML modules, image plugins, fonts) and exit (1 if anything).")};
    QCommandLineOption protocolFixture{QStringLiteral("protocol-fixture"),
                                       QStringLiteral("relay: serve the Socket.IO protocol test-suite fixture.")};

    void addTo(QCommandLineParser &parser)
    {
        parser.addOptions({agent, profile, hermesHome, demo, dataDir, session, model, approve, reasoning, list, relay,
                           port, bind, protocolFixture});
#ifdef CADUCEUS_WITH_GUI
        parser.addOption(selfTest);
#endif
    }
};

int listSessions(AppRuntime &runtime)
{
    QTextStream out(stdout);
    const auto sessions = runtime.sessions()->listSessions(200);
    if (sessions.isEmpty())
        out << "No sessions yet. Start one with: caduceus chat \"hello\"\n";
    for (const auto &s : sessions) {
        out << s.id << "  " << QDateTime::fromSecsSinceEpoch(qint64(s.lastActive)).toString(QStringLiteral("yyyy-MM-dd hh:mm"))
            << "  " << s.messageCount << " msg  " << (s.title.isEmpty() ? s.preview : s.title) << "\n";
    }
    return 0;
}

// The window needs a QApplication (the tray icon and its menu are widgets); terminal and relay modes must run without a display.
bool wantsWindow(int argc, char **argv)
{
#ifdef CADUCEUS_WITH_GUI
    static const QList<QByteArray> terminalModes{"chat",   "sessions", "--list", "--relay",   "--version",
                                                 "-v",     "--help",   "-h",     "--help-all", "--protocol-fixture"};
    for (int i = 1; i < argc; ++i) {
        if (terminalModes.contains(QByteArray(argv[i])))
            return false;
    }
    return true;
#else
    Q_UNUSED(argc)
    Q_UNUSED(argv)
    return false;
#endif
}

#if defined(CADUCEUS_WITH_GUI) && defined(Q_OS_LINUX)
// The terminal and relay modes do not need the window's libraries, yet a program linked with them maps and
// relocates them all (Qt Quick, Qml, Widgets, Gui: about 10 MiB of a long-running relay's memory). When the
// same program built without the window (caduceus-headless) is installed with it, run that instead: exec
// keeps the process id, the terminal, the arguments (argv[0] too) and the signal handling of a service.
// Returns only when there is none (then everything runs here, as on the other systems).
void runHeadlessProgram(char **argv)
{
    if (qEnvironmentVariableIsSet("CADUCEUS_IN_PROCESS"))
        return;
    char self[PATH_MAX];
    const ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    if (length <= 0)
        return;
    std::string dir(self, size_t(length));
    dir.erase(dir.rfind('/'));
    for (const std::string &candidate : {dir + "/caduceus-headless", dir + "/../libexec/caduceus/caduceus-headless"}) {
        if (access(candidate.c_str(), X_OK) == 0)
            execv(candidate.c_str(), argv);
    }
}
#endif

} // namespace

int main(int argc, char **argv)
{
#if defined(CADUCEUS_WITH_GUI) && defined(Q_OS_LINUX)
    if (!wantsWindow(argc, argv))
        runHeadlessProgram(argv);
#endif
#ifdef Q_OS_WIN
    // caduceus.exe is a GUI program (no console window from the Start menu), so Windows gives it no console:
    // the terminal modes write to the one they were started from, when there is one (unless redirected).
    if (!wantsWindow(argc, argv) && AttachConsole(ATTACH_PARENT_PROCESS)) {
        FILE *stream = nullptr;
        if (GetFileType(GetStdHandle(STD_OUTPUT_HANDLE)) == FILE_TYPE_UNKNOWN)
            freopen_s(&stream, "CONOUT$", "w", stdout);
        if (GetFileType(GetStdHandle(STD_ERROR_HANDLE)) == FILE_TYPE_UNKNOWN)
            freopen_s(&stream, "CONOUT$", "w", stderr);
    }
#endif
    QCoreApplication::setOrganizationName(QStringLiteral("Caduceus"));
    QCoreApplication::setApplicationName(QStringLiteral("Caduceus"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CADUCEUS_VERSION_STRING));
#ifdef CADUCEUS_WITH_GUI
#ifdef Q_OS_LINUX
    if (wantsWindow(argc, argv) && qEnvironmentVariableIsEmpty("DISPLAY") &&
        qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        err() << "caduceus: no display was found, so the window cannot open.\n"
                 "  In a terminal:      caduceus chat \"hello\"\n"
                 "  As a relay:         caduceus --relay\n"
                 "  Without a screen:   xvfb-run caduceus\n";
        return 2;
    }
#endif
    std::unique_ptr<QCoreApplication> application = wantsWindow(argc, argv)
                                                        ? std::make_unique<QApplication>(argc, argv)
                                                        : std::make_unique<QCoreApplication>(argc, argv);
#else
    auto application = std::make_unique<QCoreApplication>(argc, argv);
#endif
    QCoreApplication &app = *application;
    Translations::install(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Caduceus — native chat client and local relay for Hermes Agent.\n\n"
                                                    "  caduceus chat \"prompt\"   one streamed turn in the terminal\n"
                                                    "  caduceus sessions        list sessions"));
    parser.addHelpOption();
    parser.addVersionOption();
    CommonOptions options;
    options.addTo(parser);
    RelayMode::addWebUiOptions(parser);
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("chat | sessions"), QStringLiteral("[command]"));
    parser.process(app);

    const QStringList positional = parser.positionalArguments();
    const QString command = positional.value(0);
    // In the terminal the answer is the output: the progress lines the relay logs (one per run, store
    // upgrades) stay out of it; warnings still show. QT_LOGGING_RULES brings them back.
    if ((command == QLatin1String("chat") || command == QLatin1String("sessions") || parser.isSet(options.list)) &&
        !parser.isSet(options.relay) && qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("caduceus.*.info=false"));
    RelayConfig relayConfig;
    if (parser.isSet(options.relay)) {
        if (parser.isSet(options.port)) {
            bool ok = false;
            const uint port = parser.value(options.port).toUInt(&ok);
            if (!ok || port > 65535) {
                err() << "caduceus: --port takes a number from 0 to 65535\n";
                return 2;
            }
            relayConfig.port = quint16(port);
        }
        if (parser.isSet(options.bind)) {
            if (!relayConfig.bind.setAddress(parser.value(options.bind))) {
                err() << "caduceus: --bind takes an IP address, e.g. 127.0.0.1 or ::1\n";
                return 2;
            }
        }
        if (parser.isSet(options.protocolFixture))
            return RelayMode::runProtocolFixture(relayConfig);
        QString webUiError;
        if (!RelayMode::readWebUiOptions(parser, parser.value(options.dataDir), &relayConfig, &webUiError)) {
            err() << "caduceus: " << webUiError << "\n";
            return 2;
        }
    }
    const bool window = wantsWindow(argc, argv);
    if (!window && !parser.isSet(options.relay) && command != QLatin1String("chat") &&
        command != QLatin1String("sessions") && !parser.isSet(options.list)) {
        err() << "caduceus: this build has no desktop window; use `caduceus chat \"hello\"` or `caduceus --relay`.\n";
        err() << parser.helpText();
        return 2;
    }
    if (window && !command.isEmpty()) {
        err() << "caduceus: unknown command \"" << command << "\"\n" << parser.helpText();
        return 2;
    }

    AppRuntime runtime;
    QString error, notice;
    const QString dataDir = parser.value(options.dataDir);
    if (!runtime.openStore(dataDir.isEmpty() ? QString() : dataDir + QStringLiteral("/caduceus.db"), &error, &notice)) {
        err() << "caduceus: cannot open the database: " << error << "\n";
        return 1;
    }
    if (!notice.isEmpty())
        err() << "caduceus: " << notice << "\n";
    if (command == QLatin1String("sessions") || parser.isSet(options.list))
        return listSessions(runtime);

    AppRuntime::AgentOptions agentOptions;
    agentOptions.url = QUrl(parser.value(options.agent));
    agentOptions.profile = parser.value(options.profile);
    agentOptions.hermesHome = parser.value(options.hermesHome);
    agentOptions.demo = parser.isSet(options.demo);

#ifdef CADUCEUS_WITH_GUI
    if (window) {
        GuiOptions gui{agentOptions, notice, parser.isSet(options.selfTest)};
        if (!GuiMode::start(&runtime, gui))
            return 1;
        return app.exec();
    }
#endif

    if (parser.isSet(options.relay)) {
        runtime.connectAgent(agentOptions, [&](bool ok, const QString &message) {
            // Without an agent the relay still serves sessions and history; runs fail with this reason.
            if (!ok)
                err() << "caduceus: " << message << "\n";
            RelayMode::start(&runtime, relayConfig);
        });
        return app.exec();
    }

    const QString prompt = positional.mid(1).join(QLatin1Char(' '));
    if (prompt.trimmed().isEmpty()) {
        err() << "usage: caduceus chat \"your message\" [--session ID]\n";
        return 2;
    }
    const QString approve = parser.value(options.approve);
    if (!approve.isEmpty() && !QStringList{QStringLiteral("once"), QStringLiteral("session"), QStringLiteral("always"),
                                           QStringLiteral("deny")}
                                   .contains(approve)) {
        err() << "caduceus: --approve takes once, session, always or deny\n";
        return 2;
    }

    CliChat::Options chatOptions{prompt, parser.value(options.session), parser.value(options.model), approve,
                                 parser.isSet(options.reasoning)};
    CliChat chat(runtime.sessions(), chatOptions);
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::interrupted, &chat, &CliChat::interrupt);
    QObject::connect(&chat, &CliChat::finished, &app, [](int code) {
        // Let queued writes (sync, persistence) settle before leaving.
        QTimer::singleShot(0, qApp, [code]() { QCoreApplication::exit(code); });
    });

    runtime.connectAgent(agentOptions, [&chat](bool ok, const QString &message) {
        if (!ok) {
            err() << "caduceus: " << message << "\n";
            err().flush();
            QCoreApplication::exit(1);
            return;
        }
        err() << "agent: " << message << "\n";
        err().flush();
        chat.start();
    });
    return app.exec();
}
