#include "WindowSelfTest.h"

#include "ui/RuntimeCheck.h"

#include <QCoreApplication>
#include <QQmlApplicationEngine>
#include <QQmlError>
#include <QQuickWindow>
#include <QTextStream>
#include <QTimer>

namespace {
// Long enough for a dialog to open and draw a frame, short enough for a test.
constexpr int kStepMs = 400;
} // namespace

WindowSelfTest::WindowSelfTest(QQmlApplicationEngine *engine, QObject *parent) : QObject(parent), m_engine(engine)
{
    connect(engine, &QQmlEngine::warnings, this, [this](const QList<QQmlError> &warnings) {
        for (const QQmlError &warning : warnings)
            fail(QStringLiteral("QML: ") + warning.toString());
    });
}

void WindowSelfTest::start(QQuickWindow *window, caduceus::ui::RuntimeCheck *check)
{
    m_window = window;
    m_check = check;
    QTimer::singleShot(kStepMs, this, &WindowSelfTest::openAttachDialog);
}

QObject *WindowSelfTest::find(const char *objectName) const
{
    return m_window ? m_window->findChild<QObject *>(QLatin1String(objectName)) : nullptr;
}

void WindowSelfTest::fail(const QString &what)
{
    m_failures.append(what);
}

void WindowSelfTest::openAttachDialog()
{
    // Through the button, as the user does: the composer decides whether the dialog can open.
    QObject *button = find("attachButton");
    if (!button) {
        fail(QStringLiteral("the window has no attach button"));
    } else {
        QMetaObject::invokeMethod(button, "clicked");
        QObject *dialog = find("attachDialog");
        if (!dialog || !dialog->property("visible").toBool())
            fail(QStringLiteral("the attach dialog did not open"));
    }
    QTimer::singleShot(kStepMs, this, &WindowSelfTest::closeAttachDialog);
}

void WindowSelfTest::closeAttachDialog()
{
    if (QObject *dialog = find("attachDialog"))
        QMetaObject::invokeMethod(dialog, "reject");
    QTimer::singleShot(kStepMs / 2, this, &WindowSelfTest::openSettings);
}

void WindowSelfTest::openSettings()
{
    QObject *settings = find("settingsDialog");
    if (!settings)
        fail(QStringLiteral("the window has no Settings dialog"));
    else
        QMetaObject::invokeMethod(settings, "open");
    QTimer::singleShot(kStepMs, this, &WindowSelfTest::closeSettings);
}

void WindowSelfTest::closeSettings()
{
    if (QObject *settings = find("settingsDialog")) {
        if (!settings->property("opened").toBool())
            fail(QStringLiteral("the Settings dialog did not open"));
        QMetaObject::invokeMethod(settings, "close");
    }
    QTimer::singleShot(kStepMs / 2, this, &WindowSelfTest::finish);
}

void WindowSelfTest::finish()
{
    QTextStream out(stdout);
    QStringList problems = m_check ? m_check->reportLines() : QStringList{QStringLiteral("no runtime check ran")};
    // The same warning from every icon says nothing more than once.
    QStringList failures = m_failures;
    failures.removeDuplicates();
    problems += failures;
    for (const QString &problem : std::as_const(problems))
        out << "self-test: " << problem << "\n";
    out << "self-test: " << (problems.isEmpty() ? "passed" : "failed") << " (window, attach dialog, Settings)\n";
    out.flush();
    QCoreApplication::exit(problems.isEmpty() ? 0 : 1);
}
