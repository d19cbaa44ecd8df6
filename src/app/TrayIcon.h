#pragma once
// The system tray entry (when the desktop has a tray): Show/Hide, New chat and Quit, and the balloon
// messages of DesktopNotifier. Without a tray, notifications become a taskbar alert instead.
#include <QObject>
#include <QPointer>

class ChatBackend;
class DesktopNotifier;
class QAction;
class QMenu;
class QQuickWindow;
class QSystemTrayIcon;

class TrayIcon : public QObject
{
    Q_OBJECT
public:
    TrayIcon(QQuickWindow *window, ChatBackend *backend, DesktopNotifier *notifier,
             QObject *parent = nullptr);
    ~TrayIcon() override;

private:
    void showMessage(const QString &title, const QString &body);
    void bringForward();
    void toggleWindow();
    void retranslate();

    QPointer<QQuickWindow> m_window;
    ChatBackend *m_backend;
    QSystemTrayIcon *m_tray = nullptr; // null without a system tray
    QMenu *m_menu = nullptr;
    QAction *m_toggle = nullptr;
    QAction *m_newChat = nullptr;
    QAction *m_quit = nullptr;
};
