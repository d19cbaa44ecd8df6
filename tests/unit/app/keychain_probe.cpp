// One step of the keychain test (keychain_test.sh), each run as a new process, the way the program starts:
//   keychain_probe save <agent-url> <key>  the window's Settings › Connect: ChatBackend::connectAgent stores
//   the
//                                          key; prints fallback=0|1 and notice=<what the window shows>
//   keychain_probe connect                 a start without --agent, as the window starts: prints ok=0|1,
//                                          source=saved|other and message=<…> (the agent checks the key)
//   keychain_probe read                    prints value=<the stored key> and error=<…>
//   keychain_probe delete                  prints error=<…>
// Settings and the database go where XDG_CONFIG_HOME / XDG_DATA_HOME say, so the test can search them.
#include "AppRuntime.h"
#include "ChatBackend.h"
#include "SecretStore.h"
#include "chat/SessionManager.h"
#include "hermes/HermesClient.h"

#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>
#include <QTextStream>
#include <QTimer>

namespace {
const QString kAgentKeySecret = AppRuntime::savedKeySecret(); // where Settings › Agent keeps the key

void print(const QString &name, const QString &value)
{
    QTextStream out(stdout);
    out << name << '=' << QString(value).replace(QLatin1Char('\n'), QLatin1Char(' ')) << '\n';
    out.flush();
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Caduceus"));
    QCoreApplication::setApplicationName(QStringLiteral("Caduceus"));
    const QStringList args = app.arguments().mid(1);
    if (args.isEmpty()) {
        print(QStringLiteral("error"), QStringLiteral("usage: keychain_probe save URL KEY | read | delete"));
        return 2;
    }
    QTimer::singleShot(60'000, &app, [] {
        print(QStringLiteral("error"), QStringLiteral("no answer within 60 s"));
        QCoreApplication::exit(3);
    });

    const QString command = args.first();
    if (command == QLatin1String("save") && args.size() == 3) {
        AppRuntime runtime;
        QString error;
        QString notice;
        const QString data = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        QDir().mkpath(data);
        if (!runtime.openStore(data + QStringLiteral("/caduceus.db"), &error, &notice)) {
            print(QStringLiteral("error"), error);
            return 1;
        }
        ChatBackend backend(&runtime);
        // Done once the connect was tried (the agent need not answer: the key is stored before).
        QObject::connect(&backend, &ChatBackend::agentChanged, &app, [&backend, &runtime] {
            if (backend.agentStatus() == QLatin1String("connecting"))
                return;
            print(QStringLiteral("fallback"),
                  runtime.secrets()->usingMemoryFallback() ? QStringLiteral("1") : QStringLiteral("0"));
            print(QStringLiteral("notice"), backend.notice());
            QCoreApplication::exit(0);
        });
        QObject::connect(&backend, &ChatBackend::errorMessage, &app,
                         [](const QString &message) { print(QStringLiteral("message"), message); });
        backend.connectAgent(args.at(1), args.at(2));
        return app.exec();
    }

    if (command == QLatin1String("connect")) {
        AppRuntime runtime;
        QString error;
        QString notice;
        const QString data = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        QDir().mkpath(data);
        if (!runtime.openStore(data + QStringLiteral("/caduceus.db"), &error, &notice)) {
            print(QStringLiteral("error"), error);
            return 1;
        }
        runtime.connectAgent(AppRuntime::AgentOptions{}, [&runtime](bool ok, const QString &message) {
            print(QStringLiteral("ok"), ok ? QStringLiteral("1") : QStringLiteral("0"));
            print(QStringLiteral("source"), runtime.agentSource() == AppRuntime::AgentSource::Saved
                                                ? QStringLiteral("saved")
                                                : QStringLiteral("other"));
            print(QStringLiteral("message"), message);
            // /health needs no key; /v1/models does: the key read back is the one the agent accepts.
            auto *client = runtime.sessions()->client(runtime.sessions()->defaultProfile());
            if (!ok || !client) {
                QCoreApplication::exit(0);
                return;
            }
            client->models(&runtime, [](const caduceus::hermes::ApiResult &r) {
                print(QStringLiteral("key_accepted"), r.ok() ? QStringLiteral("1") : QStringLiteral("0"));
                QCoreApplication::exit(0);
            });
        });
        return app.exec();
    }

    SecretStore secrets;
    if (command == QLatin1String("read")) {
        secrets.read(kAgentKeySecret, [&secrets](const QString &value, const QString &error) {
            print(QStringLiteral("value"), value);
            print(QStringLiteral("error"), error);
            print(QStringLiteral("fallback"),
                  secrets.usingMemoryFallback() ? QStringLiteral("1") : QStringLiteral("0"));
            QCoreApplication::exit(0);
        });
        return app.exec();
    }
    if (command == QLatin1String("delete")) {
        secrets.remove(kAgentKeySecret, [](const QString &error) {
            print(QStringLiteral("error"), error);
            QCoreApplication::exit(0);
        });
        return app.exec();
    }
    print(QStringLiteral("error"), QStringLiteral("unknown command %1").arg(command));
    return 2;
}
