// Runs tst_*.qml in this folder against the real window: the Caduceus QML module, a ChatBackend over a fresh
// database and a hermes-sim agent (the Demo agent's program) started for the test.
#include "AppRuntime.h"
#include "ChatBackend.h"
#include "ChatModel.h"
#include "QueueModel.h"
#include "SessionListModel.h"
#include "SimProcess.h"
#include "Translations.h"

#include <QGuiApplication>
#include <QQmlContext>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest>

#include <memory>

Q_IMPORT_QML_PLUGIN(CaduceusPlugin)

// What the QML side cannot see by itself: which popups (dialogs, menus) of the window are open.
class WindowTestHelper : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    // The titles (or object names, or class names) of the open popups under `root`, e.g. ["Rename chat"].
    Q_INVOKABLE QStringList openPopups(QObject *root) const
    {
        QStringList out;
        if (!root)
            return out;
        const auto all = root->findChildren<QObject *>();
        for (QObject *o : all) {
            if (!o->inherits("QQuickPopup") || !o->property("opened").toBool())
                continue;
            QString name = o->property("title").toString();
            if (name.isEmpty())
                name = o->objectName();
            if (name.isEmpty())
                name = QString::fromLatin1(o->metaObject()->className());
            out << name;
        }
        return out;
    }

    // Every popup shown in the window's overlay, also those declared in delegates (a row's context menu),
    // which are not QObject children of the window.
    Q_INVOKABLE int shownPopupCount(QQuickWindow *window) const
    {
        if (!window || !window->contentItem())
            return 0;
        int count = 0;
        const auto layers = window->contentItem()->childItems();
        for (QQuickItem *layer : layers) {
            if (!layer->inherits("QQuickOverlay"))
                continue;
            const auto items = layer->childItems();
            for (QQuickItem *item : items)
                count += item->isVisible() && item->inherits("QQuickPopupItem");
        }
        return count;
    }
};

class Setup : public QObject
{
    Q_OBJECT

public:
    ~Setup() override
    {
        m_backend.reset();
        m_runtime.reset();
        m_sim.reset();
    }

public slots:
    void applicationAvailable()
    {
        // Settings and data of this test only, never the user's.
        qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral("config")).toUtf8());
        qputenv("XDG_DATA_HOME", m_home.filePath(QStringLiteral("data")).toUtf8());
        QCoreApplication::setOrganizationName(QStringLiteral("CaduceusWindowTest"));
        QCoreApplication::setApplicationName(QStringLiteral("CaduceusWindowTest"));
        QQuickStyle::setStyle(QStringLiteral("Basic"));
        Translations::install(*QCoreApplication::instance());

        m_sim = std::make_unique<caduceus::test::SimProcess>(
            QStringList{QStringLiteral("--key"), QStringLiteral("window-key"), QStringLiteral("--delay-ms"),
                        QStringLiteral("2")});
        if (!m_sim->isReady())
            qFatal("hermes-sim did not start: %s", qPrintable(m_sim->errorString()));
        m_runtime = std::make_unique<AppRuntime>();
        QString error;
        QString notice;
        if (!m_runtime->openStore(m_home.filePath(QStringLiteral("caduceus.db")), &error, &notice))
            qFatal("no database: %s", qPrintable(error));
        m_backend = std::make_unique<ChatBackend>(m_runtime.get());
        qmlRegisterSingletonInstance("Caduceus.App", 1, 0, "Backend", m_backend.get());
        qmlRegisterUncreatableType<ChatModel>("Caduceus.App", 1, 0, "ChatModel",
                                              QStringLiteral("Use Backend.chat"));
        qmlRegisterUncreatableType<SessionListModel>("Caduceus.App", 1, 0, "SessionListModel",
                                                     QStringLiteral("Use Backend.sessions"));
        qmlRegisterUncreatableType<QueueModel>("Caduceus.App", 1, 0, "QueueModel",
                                               QStringLiteral("Use Backend.queue"));
        qmlRegisterSingletonInstance("Caduceus.App", 1, 0, "Translations", Translations::instance());

        AppRuntime::AgentOptions agent;
        agent.url = m_sim->baseUrl();
        agent.key = QStringLiteral("window-key");
        bool connected = false;
        m_runtime->connectAgent(agent, [this, &connected](bool ok, const QString &message) {
            m_backend->setAgentConnected(ok, message);
            connected = true;
            if (!ok)
                qFatal("the agent did not connect: %s", qPrintable(message));
        });
        QElapsedTimer waited;
        waited.start();
        while (!connected && waited.elapsed() < 15000)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        if (!connected)
            qFatal("the agent did not connect in 15 s");
    }

    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
        engine->rootContext()->setContextProperty(QStringLiteral("WindowHelper"),
                                                  new WindowTestHelper(engine));
    }

private:
    QTemporaryDir m_home;
    std::unique_ptr<caduceus::test::SimProcess> m_sim;
    std::unique_ptr<AppRuntime> m_runtime;
    std::unique_ptr<ChatBackend> m_backend;
};

QUICK_TEST_MAIN_WITH_SETUP(caduceus_window, Setup)

#include "tst_window.moc"
