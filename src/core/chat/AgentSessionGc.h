#pragma once
// Deletes the agent-side sessions Caduceus created for its runs (eph_…) and compressions (compress_…)
// once their transcript was synced (SPEC 6): a persisted queue, drained at start and every 5 minutes,
// 50 at a time, with exponential backoff; REST DELETE when the agent offers it, else the `hermes` CLI.
// Only ids with Caduceus's own prefixes are ever deleted.
#include <QObject>
#include <QProcess>
#include <QTimer>

namespace caduceus::chat {

class SessionManager;

class AgentSessionGc : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int intervalMs = 5 * 60 * 1000;
        int batchSize = 50;
        int baseBackoffSeconds = 30;
        int maxBackoffSeconds = 6 * 60 * 60;
        int maxAttempts = 12;          // then the item is dropped (logged)
        QString hermesCommand = QStringLiteral("hermes");
    };

    explicit AgentSessionGc(SessionManager *manager, QObject *parent = nullptr);
    void setOptions(const Options &options) { m_options = options; }
    void start();                      // drain now, then every interval
    void drainNow();
    bool isDraining() const { return m_inFlight > 0; }
    static bool isOwnAgentSession(const QString &agentSessionId);

Q_SIGNALS:
    void drained(int deleted, int failed);

private:
    void deleteOne(const QString &agentSessionId, const QString &profile, int attempts);
    void deleteWithCli(const QString &agentSessionId, const QString &profile, int attempts);
    void done(const QString &agentSessionId, bool ok, const QString &error, int attempts);

    SessionManager *m_manager;
    Options m_options;
    QTimer m_timer;
    int m_inFlight = 0;
    int m_deleted = 0;
    int m_failed = 0;
};

} // namespace caduceus::chat
