// Qt Quick Test of the whole window (qml/Main.qml) against the real back end: a fresh database, the Demo
// agent (hermes-sim), the real translations, and settings in a folder of their own. Runs every tst_*.qml
// in this folder; each test creates the window it needs.
#include "AppRuntime.h"
#include "ChatBackend.h"
#include "ChatModel.h"
#include "QueueModel.h"
#include "SessionListModel.h"
#include "Translations.h"

#include <QGuiApplication>
#include <QQmlContext>
#include <QQmlEngine>
#include <QQuickStyle>
#include <QSettings>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(CaduceusPlugin)

class WindowSetup : public QObject
{
    Q_OBJECT

public slots:
    void applicationAvailable()
    {
        // Nothing of whoever runs the tests (their settings, their Hermes profiles) is read or changed.
        qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral("config")).toUtf8());
        qputenv("HERMES_HOME", m_home.filePath(QStringLiteral("no-hermes")).toUtf8());
        qputenv("CADUCEUS_SIM_PATH", HERMES_SIM_PATH);
        QCoreApplication::setOrganizationName(QStringLiteral("Caduceus"));
        QCoreApplication::setApplicationName(QStringLiteral("Caduceus"));
        QQuickStyle::setStyle(QStringLiteral("Basic"));

        Translations::install(*QCoreApplication::instance());
        m_runtime = new AppRuntime(QCoreApplication::instance());
        QString error, notice;
        if (!m_runtime->openStore(m_home.filePath(QStringLiteral("caduceus.db")), &error, &notice))
            qFatal("cannot open the test database: %s", qPrintable(error));
        m_backend = new ChatBackend(m_runtime, m_runtime);
        qmlRegisterSingletonInstance("Caduceus.App", 1, 0, "Backend", m_backend);
        qmlRegisterUncreatableType<ChatModel>("Caduceus.App", 1, 0, "ChatModel", QStringLiteral("Use Backend.chat"));
        qmlRegisterUncreatableType<SessionListModel>("Caduceus.App", 1, 0, "SessionListModel",
                                                     QStringLiteral("Use Backend.sessions"));
        qmlRegisterUncreatableType<QueueModel>("Caduceus.App", 1, 0, "QueueModel", QStringLiteral("Use Backend.queue"));
        qmlRegisterSingletonInstance("Caduceus.App", 1, 0, "Translations", Translations::instance());

        AppRuntime::AgentOptions options;
        options.demo = true;
        ChatBackend *backend = m_backend;
        m_runtime->connectAgent(options, [backend](bool ok, const QString &message) {
            backend->setAgentConnected(ok, message);
        });
    }

    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
        // As GuiMode does: a language switch retranslates the window at once.
        connect(Translations::instance(), &Translations::languageChanged, engine, &QQmlEngine::retranslate);
    }

    void cleanupTestCase()
    {
        Translations::instance()->setChoice(QString());
    }

private:
    QTemporaryDir m_home;
    AppRuntime *m_runtime = nullptr;
    ChatBackend *m_backend = nullptr;
};

QUICK_TEST_MAIN_WITH_SETUP(caduceus_window, WindowSetup)

#include "tst_window.moc"
