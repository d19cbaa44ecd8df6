#pragma once
// Decides when a desktop notification is due and what it says: an approval request or a finished or
// failed run, only while the window is not focused, and only when the "ui/notifications" setting is
// on. Showing it is the window's part (tray balloon or taskbar alert); clicking it comes back here
// as activateLast(), which names the session to bring forward.
#include <QObject>
#include <QString>
#include <functional>

class DesktopNotifier : public QObject
{
    Q_OBJECT
public:
    static inline const QString kSettingKey = QStringLiteral("ui/notifications");

    // `enabled` is asked each time a notification is due, so a changed setting applies at once.
    explicit DesktopNotifier(std::function<bool()> enabled, QObject *parent = nullptr);

    void setWindowActive(bool active) { m_windowActive = active; }
    bool windowActive() const { return m_windowActive; }
    QString lastSessionId() const { return m_lastSessionId; }

    void runFinished(const QString &sessionId, const QString &sessionTitle, bool failed);
    void approvalRequested(const QString &sessionId, const QString &sessionTitle, const QString &command);
    // The user clicked the last notification.
    void activateLast();

Q_SIGNALS:
    void notify(const QString &title, const QString &body, const QString &sessionId);
    void sessionActivated(const QString &sessionId);

private:
    void post(const QString &title, const QString &body, const QString &sessionId);

    std::function<bool()> m_enabled;
    bool m_windowActive = true;
    QString m_lastSessionId;
};
