#include "GuiMode.h"

#include "ChatBackend.h"
#include "DesktopNotifier.h"
#include "GuiOptions.h"
#include "PerfProbe.h"
#include "RendererChoice.h"
#include "SignalWatcher.h"
#include "Translations.h"
#include "TrayIcon.h"
#include "WindowSelfTest.h"
#include "chat/AgentInput.h"
#include "chat/SessionManager.h"
#include "protocol/EventNames.h"
#include "ui/ImageEncoding.h"
#include "ui/RuntimeCheck.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QLoggingCategory>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSettings>
#include <QTimer>
#include <QTextStream>
#include <QtQml/qqmlextensionplugin.h>
#if QT_CONFIG(opengl)
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#endif

Q_IMPORT_QML_PLUGIN(CaduceusPlugin)
Q_LOGGING_CATEGORY(lcGui, "caduceus.gui")

namespace EventName = caduceus::EventName;

namespace {

void chooseSceneGraphBackend()
{
    const RendererChoice::Facts facts = RendererChoice::currentFacts();
    if (RendererChoice::choose(facts) == RendererChoice::Backend::Software) {
        qCInfo(lcGui).noquote() << "drawing with Qt Quick's software renderer:"
                                << (facts.seenRenderer.isEmpty()
                                        ? QStringLiteral("no GPU, or as set")
                                        : QStringLiteral("OpenGL was ") + facts.seenRenderer);
        QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
        // Nothing paces the software renderer but the platform's update timer, 5 ms by default: while
        // a spinner turns, that is ~150 frames a second drawn on the GUI thread. One per display frame.
        if (qEnvironmentVariableIsEmpty("QT_QPA_UPDATE_IDLE_TIME"))
            qputenv("QT_QPA_UPDATE_IDLE_TIME", "16");
    }
}

// When the window draws with OpenGL, remember which renderer that was: if it is a software rasteriser,
// the next start uses Qt Quick's software renderer instead (RendererChoice).
void rememberGlRenderer(QQuickWindow *window)
{
#if QT_CONFIG(opengl)
    if (QQuickWindow::graphicsApi() != QSGRendererInterface::OpenGL)
        return;
    QObject::connect(
        window, &QQuickWindow::beforeRendering, window,
        [window]() {
            // The render thread, with the window's context current.
            const auto *context = QOpenGLContext::currentContext();
            const auto *name =
                context ? reinterpret_cast<const char *>(context->functions()->glGetString(GL_RENDERER))
                        : nullptr;
            const QString renderer = QString::fromLatin1(name ? name : "");
            QMetaObject::invokeMethod(
                window,
                [renderer]() {
                    QSettings settings;
                    settings.setValue(RendererChoice::kSeenRendererKey, renderer);
                    settings.setValue(RendererChoice::kSeenDevicesKey, RendererChoice::currentDevices());
                },
                Qt::QueuedConnection);
        },
        static_cast<Qt::ConnectionType>(Qt::DirectConnection | Qt::SingleShotConnection));
#else
    Q_UNUSED(window)
#endif
}

} // namespace

bool GuiMode::start(AppRuntime *runtime, const GuiOptions &options)
{
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    chooseSceneGraphBackend();
    auto *backend = new ChatBackend(runtime, runtime);
    if (!options.startupNotice.isEmpty())
        backend->setNotice(options.startupNotice);
    qmlRegisterSingletonInstance("Caduceus.App", 1, 0, "Backend", backend);
    qmlRegisterUncreatableType<ChatModel>("Caduceus.App", 1, 0, "ChatModel",
                                          QStringLiteral("Use Backend.chat"));
    qmlRegisterUncreatableType<SessionListModel>("Caduceus.App", 1, 0, "SessionListModel",
                                                 QStringLiteral("Use Backend.sessions"));
    qmlRegisterUncreatableType<QueueModel>("Caduceus.App", 1, 0, "QueueModel",
                                           QStringLiteral("Use Backend.queue"));
    qmlRegisterSingletonInstance("Caduceus.App", 1, 0, "Translations", Translations::instance());
    QGuiApplication::setDesktopFileName(QStringLiteral(CADUCEUS_APP_ID)); // Wayland: match the .desktop file

    // Images for an agent on another computer are downscaled with the window's codecs (chat::AgentInput).
    caduceus::chat::AgentInput::setImageEncoder(&caduceus::ui::encodeImageForAgent);
    auto *engine = new QQmlApplicationEngine(runtime);
    QObject::connect(Translations::instance(), &Translations::languageChanged, engine,
                     &QQmlEngine::retranslate);
    engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
    auto *selfTest = options.selfTest ? new WindowSelfTest(engine, runtime) : nullptr;
    engine->load(QUrl(QStringLiteral("qrc:/qt/qml/Caduceus/Main.qml")));
    if (engine->rootObjects().isEmpty()) {
        QTextStream(stderr) << "caduceus: the window could not be loaded (see the QML errors above)\n";
        // Say which package would bring what is missing, even without a window to show it in.
        caduceus::ui::RuntimeCheck check(engine);
        check.run(Translations::instance()->language());
        return false;
    }
    // Once the window is up (its first frame is not delayed by it), check the QML modules, image plugins and
    // fonts it needs; what is missing shows in a banner and in the log, with the package to install.
    auto *runtimeCheck = caduceus::ui::RuntimeCheck::of(engine);
    if (runtimeCheck) {
        QTimer::singleShot(0, runtimeCheck, [runtimeCheck]() { runtimeCheck->run(Translations::instance()->language()); });
        QObject::connect(Translations::instance(), &Translations::languageChanged, runtimeCheck,
                         [runtimeCheck]() { runtimeCheck->run(Translations::instance()->language()); });
    }
    if (selfTest)
        selfTest->start(qobject_cast<QQuickWindow *>(engine->rootObjects().constFirst()), runtimeCheck);
    if (PerfProbe::enabled()) {
        auto *probe = new PerfProbe(runtime);
        if (auto *window = qobject_cast<QQuickWindow *>(engine->rootObjects().constFirst()))
            probe->watchWindow(window);
        QObject::connect(runtime->sessions(), &caduceus::chat::SessionManager::sessionEvent, probe,
                         [probe](const QString &, const QString &name, const QJsonObject &) {
                             if (name == EventName::RunStarted)
                                 probe->streamingStarted();
                             else if (name == EventName::RunCompleted || name == EventName::RunFailed ||
                                      name == EventName::AbortCompleted)
                                 probe->streamingFinished();
                         });
    }
    if (auto *window = qobject_cast<QQuickWindow *>(engine->rootObjects().constFirst())) {
        auto *notifier = new DesktopNotifier(
            [backend]() { return backend->setting(DesktopNotifier::kSettingKey, true).toBool(); }, runtime);
        notifier->setWindowActive(window->isActive());
        QObject::connect(window, &QWindow::activeChanged, notifier,
                         [notifier, window]() { notifier->setWindowActive(window->isActive()); });
        QObject::connect(backend, &ChatBackend::runFinished, notifier, &DesktopNotifier::runFinished);
        QObject::connect(backend, &ChatBackend::approvalRequested, notifier,
                         &DesktopNotifier::approvalRequested);
        new TrayIcon(window, backend, notifier, runtime);
        rememberGlRenderer(window);
    }
    // SIGINT/SIGTERM close the window like the user would: streamed text is flushed and the Demo agent stops.
    auto *watcher = new SignalWatcher(runtime);
    QObject::connect(watcher, &SignalWatcher::interrupted, qApp, &QCoreApplication::quit);
    runtime->connectAgent(options.agent, [backend](bool ok, const QString &message) {
        backend->setAgentConnected(ok, message);
    });
    return true;
}
