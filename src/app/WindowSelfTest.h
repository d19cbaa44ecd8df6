#pragma once
#include <QObject>
#include <QStringList>

class QQmlApplicationEngine;
class QQuickWindow;
namespace caduceus::ui {
class RuntimeCheck;
}

// `caduceus --self-test`: opens the window, then the attach dialog and Settings once each, closes them and
// exits: 0 when nothing the window uses is missing (RuntimeCheck) and QML reported no error or warning,
// 1 otherwise, with one line per problem on stdout. The packaging tests run it against the installed
// package's files only; it is also a quick check of a user's installation.
class WindowSelfTest : public QObject
{
    Q_OBJECT

public:
    // Created before the window loads, so that the load's own warnings count too.
    explicit WindowSelfTest(QQmlApplicationEngine *engine, QObject *parent = nullptr);
    void start(QQuickWindow *window, caduceus::ui::RuntimeCheck *check);

private:
    void openAttachDialog();
    void closeAttachDialog();
    void openSettings();
    void closeSettings();
    void finish();
    QObject *find(const char *objectName) const;
    void fail(const QString &what);

    QQmlApplicationEngine *m_engine;
    QQuickWindow *m_window = nullptr;
    caduceus::ui::RuntimeCheck *m_check = nullptr;
    QStringList m_failures;
};
