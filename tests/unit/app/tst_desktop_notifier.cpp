// Desktop notifications: only while the window is in the background, only when the setting is on,
// with the chat's title in them, and a click brings forward the session the notification was about.
#include "DesktopNotifier.h"

#include <QSignalSpy>
#include <QTest>

class TestDesktopNotifier : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void nothingWhileTheWindowIsFocused()
    {
        DesktopNotifier notifier([]() { return true; });
        notifier.setWindowActive(true);
        QSignalSpy shown(&notifier, &DesktopNotifier::notify);
        notifier.runFinished(QStringLiteral("s1"), QStringLiteral("Backups"), false);
        notifier.approvalRequested(QStringLiteral("s1"), QStringLiteral("Backups"),
                                   QStringLiteral("rm -rf /tmp/x"));
        QCOMPARE(shown.count(), 0);
    }

    void backgroundRunsAndApprovalsAreShown()
    {
        DesktopNotifier notifier([]() { return true; });
        notifier.setWindowActive(false);
        QSignalSpy shown(&notifier, &DesktopNotifier::notify);
        notifier.runFinished(QStringLiteral("s1"), QStringLiteral("Backups"), false);
        notifier.runFinished(QStringLiteral("s2"), QStringLiteral("Deploy"), true);
        notifier.approvalRequested(QStringLiteral("s3"), QString(), QStringLiteral("rm -rf build"));
        QCOMPARE(shown.count(), 3);
        QCOMPARE(shown.at(0).at(0).toString(), QStringLiteral("Hermes has answered"));
        QCOMPARE(shown.at(0).at(1).toString(), QStringLiteral("Backups"));
        QCOMPARE(shown.at(0).at(2).toString(), QStringLiteral("s1"));
        QCOMPARE(shown.at(1).at(0).toString(), QStringLiteral("Hermes could not finish"));
        QVERIFY(shown.at(1).at(1).toString().contains(QStringLiteral("Deploy")));
        QCOMPARE(shown.at(2).at(0).toString(), QStringLiteral("Hermes asks for approval"));
        QCOMPARE(shown.at(2).at(1).toString(), QStringLiteral("New chat: rm -rf build"));
        QCOMPARE(notifier.lastSessionId(), QStringLiteral("s3"));
    }

    void longCommandsAreShortened()
    {
        DesktopNotifier notifier([]() { return true; });
        notifier.setWindowActive(false);
        QSignalSpy shown(&notifier, &DesktopNotifier::notify);
        notifier.approvalRequested(QStringLiteral("s"), QStringLiteral("T"), QString(500, QLatin1Char('x')));
        QCOMPARE(shown.count(), 1);
        const QString body = shown.first().at(1).toString();
        QVERIFY2(body.size() < 200, qPrintable(body));
        QVERIFY(body.endsWith(QChar(0x2026)));
    }

    void theSettingTurnsThemOffAtOnce()
    {
        bool enabled = false;
        DesktopNotifier notifier([&enabled]() { return enabled; });
        notifier.setWindowActive(false);
        QSignalSpy shown(&notifier, &DesktopNotifier::notify);
        notifier.runFinished(QStringLiteral("s1"), QStringLiteral("A"), false);
        QCOMPARE(shown.count(), 0);
        enabled = true;
        notifier.runFinished(QStringLiteral("s1"), QStringLiteral("A"), false);
        QCOMPARE(shown.count(), 1);
    }

    void clickingOpensTheNotifiedSession()
    {
        DesktopNotifier notifier([]() { return true; });
        QSignalSpy activated(&notifier, &DesktopNotifier::sessionActivated);
        notifier.activateLast(); // nothing was shown yet
        QCOMPARE(activated.count(), 0);
        notifier.setWindowActive(false);
        notifier.runFinished(QStringLiteral("s1"), QStringLiteral("A"), false);
        notifier.approvalRequested(QStringLiteral("s2"), QStringLiteral("B"), QStringLiteral("ls"));
        notifier.activateLast();
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.first().at(0).toString(), QStringLiteral("s2"));
        // a suppressed notification does not change which session a click opens
        notifier.setWindowActive(true);
        notifier.runFinished(QStringLiteral("s3"), QStringLiteral("C"), false);
        notifier.activateLast();
        QCOMPARE(activated.last().at(0).toString(), QStringLiteral("s2"));
    }
};

QTEST_GUILESS_MAIN(TestDesktopNotifier)
#include "tst_desktop_notifier.moc"
