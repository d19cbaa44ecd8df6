#pragma once
// What the QML window sees (registered as the singleton `Backend` of `Caduceus.App`): the session list,
// the open session's transcript/queue/state, the agent's status, settings, and every command. It only
// forwards to SessionManager/SessionController; no network or SQL runs on the render path.
#include "ChatModel.h"
#include "QueueModel.h"
#include "SessionListModel.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSettings>
#include <QVariantList>

class AppRuntime;
class RelayHost;
namespace caduceus::chat {
class SessionController;
}

class ChatBackend : public QObject
{
    Q_OBJECT
    Q_PROPERTY(SessionListModel *sessions READ sessions CONSTANT)
    Q_PROPERTY(ChatModel *chat READ chat CONSTANT)
    Q_PROPERTY(QueueModel *queue READ queue CONSTANT)
    Q_PROPERTY(QString currentSessionId READ currentSessionId NOTIFY currentSessionChanged)
    Q_PROPERTY(QString currentTitle READ currentTitle NOTIFY currentTitleChanged)
    Q_PROPERTY(bool working READ working NOTIFY sessionStateChanged)
    Q_PROPERTY(bool aborting READ aborting NOTIFY sessionStateChanged)
    Q_PROPERTY(bool abortConfirmed READ abortConfirmed NOTIFY sessionStateChanged)
    Q_PROPERTY(int graceMs READ graceMs NOTIFY sessionStateChanged)
    Q_PROPERTY(int queueLength READ queueLength NOTIFY sessionStateChanged)
    Q_PROPERTY(QVariantList pendingApprovals READ pendingApprovals NOTIFY sessionStateChanged)
    Q_PROPERTY(bool steerSupported READ steerSupported NOTIFY sessionStateChanged)
    Q_PROPERTY(qint64 usedTokens READ usedTokens NOTIFY sessionStateChanged)
    Q_PROPERTY(qint64 contextLength READ contextLength NOTIFY agentChanged)
    Q_PROPERTY(QVariantMap compression READ compression NOTIFY compressionChanged)
    Q_PROPERTY(QString agentStatus READ agentStatus NOTIFY agentChanged)
    Q_PROPERTY(QString agentStatusReason READ agentStatusReason NOTIFY agentChanged)
    // Why the address typed in Settings was refused (empty once a connect was accepted).
    Q_PROPERTY(QString agentUrlError READ agentUrlError NOTIFY agentChanged)
    Q_PROPERTY(QString agentLabel READ agentLabel NOTIFY agentChanged)
    // The TLS certificate the agent's address presented and that was refused: {url, host, fingerprint,
    // message}, empty when none was. The window offers "Trust this certificate" with it.
    Q_PROPERTY(QVariantMap untrustedCertificate READ untrustedCertificate NOTIFY agentChanged)
    // Certificates trusted explicitly in Settings: [{origin, fingerprint}].
    Q_PROPERTY(QVariantList trustedCertificates READ trustedCertificates NOTIFY trustChanged)
    Q_PROPERTY(bool demoAgent READ demoAgent NOTIFY agentChanged)
    Q_PROPERTY(QStringList profiles READ profiles NOTIFY agentChanged)
    Q_PROPERTY(QString currentProfile READ currentProfile WRITE setCurrentProfile NOTIFY agentChanged)
    Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)
    Q_PROPERTY(bool relayRunning READ relayRunning NOTIFY relayChanged)
    Q_PROPERTY(QString relayUrl READ relayUrl NOTIFY relayChanged)
    Q_PROPERTY(QString relayToken READ relayToken NOTIFY relayChanged)
    Q_PROPERTY(QString relayError READ relayError NOTIFY relayChanged)
    Q_PROPERTY(QString version READ version CONSTANT)

public:
    ChatBackend(AppRuntime *runtime, QObject *parent = nullptr);
    ~ChatBackend() override;

    SessionListModel *sessions() const { return m_sessions; }
    ChatModel *chat() const { return m_chat; }
    QueueModel *queue() const { return m_queue; }
    QString currentSessionId() const { return m_currentId; }
    QString currentTitle() const;
    bool working() const;
    bool aborting() const;
    bool abortConfirmed() const { return m_abortConfirmed; }
    int graceMs() const { return m_graceMs; }
    int queueLength() const;
    QVariantList pendingApprovals() const;
    bool steerSupported() const;
    qint64 usedTokens() const;
    qint64 contextLength() const;
    QVariantMap compression() const { return m_compression; }
    QString agentStatus() const { return m_agentStatus; }
    QString agentStatusReason() const { return m_agentReason; }
    QString agentUrlError() const { return m_agentUrlError; }
    QString agentLabel() const;
    QVariantMap untrustedCertificate() const { return m_untrusted; }
    QVariantList trustedCertificates() const;
    bool demoAgent() const;
    QStringList profiles() const;
    QString currentProfile() const;
    void setCurrentProfile(const QString &profile);
    QString notice() const { return m_notice; }
    bool relayRunning() const;
    QString relayUrl() const;
    QString relayToken() const;
    QString relayError() const { return m_relayError; }
    QString version() const;

    // The agent connection finished (ok) or failed (reason) at start-up.
    void setAgentConnected(bool ok, const QString &message);
    void setNotice(const QString &notice);

    Q_INVOKABLE void newSession();
    Q_INVOKABLE void openSession(const QString &sessionId);
    // Returns "" or an error sentence (shown under the composer).
    Q_INVOKABLE QString send(const QString &text, const QVariantList &attachmentPaths, bool steer);
    Q_INVOKABLE void stop();
    Q_INVOKABLE bool cancelQueued(const QString &queueId);
    Q_INVOKABLE bool editQueued(const QString &queueId, const QString &text);
    Q_INVOKABLE void respondApproval(const QString &choice, bool all);
    Q_INVOKABLE bool renameSession(const QString &sessionId, const QString &title);
    Q_INVOKABLE bool deleteSession(const QString &sessionId);
    Q_INVOKABLE bool setPinned(const QString &sessionId, bool pinned);
    // FTS over every message: [{sessionId, messageId, title, snippet, role, timestamp}], newest first.
    Q_INVOKABLE QVariantList search(const QString &query, int limit = 30) const;
    Q_INVOKABLE void dismissNotice();
    Q_INVOKABLE void dismissCompression();

    // Settings (non-secret values in QSettings; keys in the keychain).
    Q_INVOKABLE QVariant setting(const QString &key, const QVariant &fallback = {}) const;
    Q_INVOKABLE void setSetting(const QString &key, const QVariant &value);
    // Connects to an agent by URL (key stored in the keychain); empty url = auto-discover.
    Q_INVOKABLE void connectAgent(const QString &url, const QString &key);
    // Trusts this certificate for this agent URL and connects again with the saved URL.
    Q_INVOKABLE void trustCertificate(const QString &url, const QString &fingerprint);
    Q_INVOKABLE void removeTrustedCertificate(const QString &origin, const QString &fingerprint);
    Q_INVOKABLE void setRelayEnabled(bool enabled, int port);
    Q_INVOKABLE void regenerateRelayToken();

Q_SIGNALS:
    void currentSessionChanged();
    void currentTitleChanged();
    void sessionStateChanged();
    void compressionChanged();
    void agentChanged();
    void noticeChanged();
    void relayChanged();
    void trustChanged();
    // For desktop notifications when the window is not focused.
    void runFinished(const QString &sessionId, const QString &title, bool failed);
    void approvalRequested(const QString &sessionId, const QString &title, const QString &command);
    void errorMessage(const QString &message);

private:
    void onSessionEvent(const QString &sessionId, const QString &name, const QJsonObject &payload);
    caduceus::chat::SessionController *current() const;
    void applySettings();

    AppRuntime *m_runtime;
    SessionListModel *m_sessions;
    ChatModel *m_chat;
    QueueModel *m_queue;
    RelayHost *m_relay;
    QString m_currentId;
    bool m_abortConfirmed = false;
    int m_graceMs = 5000;
    QVariantMap m_compression;
    QString m_agentStatus = QStringLiteral("connecting");
    QString m_agentReason;
    QString m_agentUrlError;
    QVariantMap m_untrusted;
    QString m_notice;
    QString m_relayError;
    mutable QSettings m_settings;
};
