#pragma once
// The registry of sessions and agents, and the single entry point for every front end (QML window,
// relay, CLI). Owns one SessionController per live session and one HermesClient per agent profile.
#include "chat/ChatSettings.h"
#include "hermes/AgentEndpoint.h"
#include "store/StoreTypes.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QNetworkAccessManager;

namespace caduceus::store {
class SessionStore;
}
namespace caduceus::hermes {
class HermesClient;
}

namespace caduceus::chat {

class SessionController;

class SessionManager : public QObject
{
    Q_OBJECT
public:
    SessionManager(store::SessionStore *store, QNetworkAccessManager *nam, QObject *parent = nullptr);
    ~SessionManager() override;

    store::SessionStore *store() const { return m_store; }
    const ChatSettings &settings() const { return m_settings; }
    void setSettings(const ChatSettings &settings);

    // --- agents, one per profile name
    void setAgent(const hermes::AgentEndpoint &endpoint);
    void removeAgent(const QString &profile);
    QStringList profiles() const;
    QString defaultProfile() const { return m_defaultProfile; }
    void setDefaultProfile(const QString &profile);
    // The client of that profile, else of the default profile, else nullptr.
    hermes::HermesClient *client(const QString &profile) const;
    hermes::AgentEndpoint agent(const QString &profile) const;

    // --- sessions
    SessionController *controller(const QString &sessionId);      // loads or creates (in memory)
    SessionController *existingController(const QString &sessionId) const;
    // A front end that keeps a controller pointer across event-loop turns (the window's open session, the
    // CLI) holds it, so it is never unloaded; the hold ends with release() or when `holder` is destroyed.
    // Everyone else asks controller() each time: idle sessions are unloaded (ChatSettings) and reload
    // from the store on their next use.
    void hold(const QString &sessionId, QObject *holder);
    void release(const QString &sessionId, QObject *holder);
    int loadedSessions() const { return int(m_controllers.size()); }
    // Unloads what may be unloaded now (also runs on a timer).
    void unloadIdleSessions();
    QList<store::SessionRecord> listSessions(int limit = -1) const;
    bool renameSession(const QString &sessionId, const QString &title);
    bool setPinned(const QString &sessionId, bool pinned);
    bool deleteSession(const QString &sessionId);
    static QString newSessionId(); // base36 milliseconds + 6 random base36 chars, like the web UI
    static bool isValidSessionId(const QString &sessionId);

    // Restart safety (SPEC 3.7): recover runs that were in flight, mark orphaned streaming rows
    // interrupted, and resume persisted queues.
    void recoverAfterStart();

Q_SIGNALS:
    // `json`: see SessionController::eventEmitted.
    void sessionEvent(const QString &sessionId, const QString &name, const QJsonObject &payload,
                      const QByteArray &json);
    void sessionStateChanged(const QString &sessionId);
    void sessionsChanged();
    void agentReachabilityChanged(const QString &profile, bool reachable, const QString &reason);

private:
    friend class SessionController;
    void noteSessionActivity();
    void noteUse(const QString &sessionId) { m_lastUse.insert(sessionId, {m_clock.elapsed(), ++m_useSerial}); }
    bool isHeld(const QString &sessionId);
    void unload(const QString &sessionId);

    store::SessionStore *m_store;
    QNetworkAccessManager *m_nam;
    ChatSettings m_settings;
    QHash<QString, hermes::HermesClient *> m_clients;
    QString m_defaultProfile = QStringLiteral("default");
    QHash<QString, SessionController *> m_controllers;
    QHash<QString, QList<QPointer<QObject>>> m_holders;
    struct Use
    {
        qint64 at = 0;      // m_clock time of the last command or event
        quint64 serial = 0; // orders uses within one millisecond
    };
    QHash<QString, Use> m_lastUse;
    quint64 m_useSerial = 0;
    QElapsedTimer m_clock;
    QTimer m_unloadTimer;
};

} // namespace caduceus::chat
