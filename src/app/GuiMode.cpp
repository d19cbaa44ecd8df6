#include "GuiMode.h"

#include "ChatBackend.h"
#include "GuiOptions.h"
#include "PerfProbe.h"
#include "SignalWatcher.h"
#include "Translations.h"
#include "chat/SessionManager.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTextStream>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(CaduceusPlugin)

bool GuiMode::start(AppRuntime *runtime, const GuiOptions &options)
{
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    auto *backend = new ChatBackend(runtime, runtime);
    if (!options.startupNotice.isEmpty())
        backend->setNotice(options.startupNotice);
    qmlRegisterSingletonInstance("Caduceus.App", 1, 0, "Backend", backend);
    qmlRegisterUncreatableType<ChatModel>("Caduceus.App", 1, 0, "ChatModel", QStringLiteral("Use Backend.chat"));
    qmlRegisterUncreatableType<SessionListModel>("Caduceus.App", 1, 0, "SessionListModel",
                                                 QStringLiteral("Use Backend.sessions"));
    qmlRegisterUncreatableType<QueueModel>("Caduceus.App", 1, 0, "QueueModel", QStringLiteral("Use Backend.queue"));
    qmlRegisterSingletonInstance("Caduceus.App", 1, 0, "Translations", Translations::instance());
    QGuiApplication::setDesktopFileName(QStringLiteral(CADUCEUS_APP_ID)); // Wayland: match the .desktop file

    auto *engine = new QQmlApplicationEngine(runtime);
    QObject::connect(Translations::instance(), &Translations::languageChanged, engine,
                     &QQmlEngine::retranslate);
    engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine->load(QUrl(QStringLiteral("qrc:/qt/qml/Caduceus/Main.qml")));
    if (engine->rootObjects().isEmpty()) {
        QTextStream(stderr) << "caduceus: the window could not be loaded (see the QML errors above)\n";
        return false;
    }
    if (PerfProbe::enabled()) {
        auto *probe = new PerfProbe(runtime);
        if (auto *window = qobject_cast<QQuickWindow *>(engine->rootObjects().constFirst()))
            probe->watchWindow(window);
        QObject::connect(runtime->sessions(), &caduceus::chat::SessionManager::sessionEvent, probe,
                         [probe](const QString &, const QString &name, const QJsonObject &) {
                             if (name == QLatin1String("run.started"))
                                 probe->streamingStarted();
                             else if (name == QLatin1String("run.completed") || name == QLatin1String("run.failed") ||
                                      name == QLatin1String("abort.completed"))
                                 probe->streamingFinished();
                         });
    }
    // SIGINT/SIGTERM close the window like the user would: streamed text is flushed and the Demo agent stops.
    auto *watcher = new SignalWatcher(runtime);
    QObject::connect(watcher, &SignalWatcher::interrupted, qApp, &QCoreApplication::quit);
    runtime->connectAgent(options.agent, [backend](bool ok, const QString &message) {
        backend->setAgentConnected(ok, message);
    });
    return true;
}
