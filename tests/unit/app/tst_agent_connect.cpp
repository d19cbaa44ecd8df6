// Connecting to an agent from the window's settings: a malformed address is refused with its reason and
// changes nothing; connecting again when the answer is the Demo agent (already running) still answers.
#include "AppRuntime.h"
#include "ChatBackend.h"
#include "DemoAgent.h"

#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

class TestAgentConnect : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;

    static bool connectAndWait(AppRuntime &runtime, const AppRuntime::AgentOptions &options, QString *message)
    {
        bool answered = false, ok = false;
        runtime.connectAgent(options, [&](bool success, const QString &text) {
            answered = true;
            ok = success;
            *message = text;
        });
        if (!QTest::qWaitFor([&] { return answered; }, 20000))
            *message = QStringLiteral("no answer");
        return ok;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("CaduceusTest"));
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_home.isValid());
        qputenv("CADUCEUS_NO_KEYCHAIN", "1");
        qputenv("HERMES_HOME", m_home.filePath(QStringLiteral("no-hermes")).toUtf8());
        QSettings().clear();
    }

    void secondConnectToTheRunningDemoAgentAnswers()
    {
        AppRuntime runtime;
        QString error, notice, message;
        QVERIFY2(runtime.openStore(m_home.filePath(QStringLiteral("a.db")), &error, &notice), qPrintable(error));
        AppRuntime::AgentOptions options;
        QVERIFY2(connectAndWait(runtime, options, &message), qPrintable(message));
        QVERIFY(runtime.demoAgent()->isRunning());
        const QUrl first = runtime.demoAgent()->url();
        // The user presses "Find local Hermes" again: still no Hermes, so the Demo agent, which is running.
        QVERIFY2(connectAndWait(runtime, options, &message), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("Demo agent")), qPrintable(message));
        QCOMPARE(runtime.demoAgent()->url(), first);
    }

    void malformedAddressIsRefusedWithItsReason_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::newRow("typo in the scheme") << QStringLiteral("htp:/nonsense");
        QTest::newRow("no host") << QStringLiteral("http://");
        QTest::newRow("other scheme") << QStringLiteral("ftp://127.0.0.1:8642");
        QTest::newRow("file") << QStringLiteral("/etc/passwd");
    }

    void malformedAddressIsRefusedWithItsReason()
    {
        QFETCH(QString, typed);
        AppRuntime runtime;
        QString error, notice, message;
        QVERIFY2(runtime.openStore(m_home.filePath(QStringLiteral("b.db")), &error, &notice), qPrintable(error));
        ChatBackend backend(&runtime);
        const QString statusBefore = backend.agentStatus();
        const QString urlBefore = QSettings().value(QStringLiteral("agent/url")).toString();

        backend.connectAgent(typed, QString());
        QVERIFY2(backend.agentUrlError().contains(QLatin1String("not an agent address")),
                 qPrintable(backend.agentUrlError()));
        QCOMPARE(backend.agentStatus(), statusBefore);
        QCOMPARE(QSettings().value(QStringLiteral("agent/url")).toString(), urlBefore);

        // A well-formed address clears the complaint (whether or not an agent answers there).
        backend.connectAgent(QStringLiteral("http://127.0.0.1:9"), QString());
        QVERIFY(backend.agentUrlError().isEmpty());
        QCOMPARE(backend.agentStatus(), QStringLiteral("connecting"));
        QVERIFY(QTest::qWaitFor([&] { return backend.agentStatus() != QLatin1String("connecting"); }, 20000));
        QCOMPARE(backend.agentStatus(), QStringLiteral("unreachable"));
        QVERIFY(!backend.agentStatusReason().isEmpty());
    }
};

QTEST_MAIN(TestAgentConnect)
#include "tst_agent_connect.moc"
