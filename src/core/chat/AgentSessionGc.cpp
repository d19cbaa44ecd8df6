#include "chat/AgentSessionGc.h"

#include "chat/SessionManager.h"
#include "hermes/HermesClient.h"
#include "store/SessionStore.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QStandardPaths>

Q_DECLARE_LOGGING_CATEGORY(lcSession)

namespace caduceus::chat {

namespace {
double nowSeconds()
{
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}
} // namespace

AgentSessionGc::AgentSessionGc(SessionManager *manager, QObject *parent) : QObject(parent), m_manager(manager)
{
    connect(&m_timer, &QTimer::timeout, this, &AgentSessionGc::drainNow);
}

bool AgentSessionGc::isOwnAgentSession(const QString &id)
{
    return (id.startsWith(QLatin1String("eph_")) || id.startsWith(QLatin1String("compress_"))) && id.size() <= 128 &&
           !id.contains(QLatin1Char('/')) && !id.contains(QLatin1Char(' '));
}

void AgentSessionGc::start()
{
    m_timer.start(m_options.intervalMs);
    drainNow();
}

void AgentSessionGc::drainNow()
{
    if (m_inFlight > 0)
        return;
    m_deleted = m_failed = 0;
    const QList<store::GcItem> due = m_manager->store()->dueAgentDeletes(nowSeconds(), m_options.batchSize);
    for (const store::GcItem &item : due) {
        if (!isOwnAgentSession(item.agentSessionId)) {
            qCWarning(lcSession) << "GC: refusing to delete agent session" << item.agentSessionId
                                 << "that Caduceus did not create";
            m_manager->store()->markAgentDeleteDone(item.agentSessionId);
            continue;
        }
        ++m_inFlight;
        deleteOne(item.agentSessionId, item.profile, item.attempts);
    }
    if (m_inFlight == 0 && !due.isEmpty())
        Q_EMIT drained(0, 0);
}

void AgentSessionGc::deleteOne(const QString &agentSessionId, const QString &profile, int attempts)
{
    hermes::HermesClient *client = m_manager->client(profile);
    if (!client) {
        deleteWithCli(agentSessionId, profile, attempts);
        return;
    }
    client->capabilities(this, [this, client, agentSessionId, profile, attempts](const hermes::Capabilities &caps,
                                                                                 const hermes::ApiResult &capResult) {
        const bool rest = capResult.ok() && (caps.has(QStringLiteral("session_delete")) ||
                                             caps.hasEndpoint(QStringLiteral("session_delete")));
        if (!rest) {
            deleteWithCli(agentSessionId, profile, attempts);
            return;
        }
        client->deleteSession(agentSessionId, this, [this, agentSessionId, attempts](const hermes::ApiResult &r) {
            // 404: already gone, which is what we wanted.
            const bool ok = r.ok() || r.error == hermes::ApiResult::Error::NotFound;
            done(agentSessionId, ok, r.message, attempts);
        });
    });
}

void AgentSessionGc::deleteWithCli(const QString &agentSessionId, const QString &profile, int attempts)
{
    const QString program = QStandardPaths::findExecutable(m_options.hermesCommand);
    if (program.isEmpty()) {
        done(agentSessionId, false,
             QStringLiteral("the agent has no delete API and the `%1` command is not installed").arg(m_options.hermesCommand),
             attempts);
        return;
    }
    auto *process = new QProcess(this);
    QStringList args;
    if (!profile.isEmpty() && profile != QLatin1String("default"))
        args << QStringLiteral("--profile") << profile;
    args << QStringLiteral("sessions") << QStringLiteral("delete") << agentSessionId << QStringLiteral("--yes");
    connect(process, &QProcess::finished, this, [this, process, agentSessionId, attempts](int code, QProcess::ExitStatus st) {
        process->deleteLater();
        const bool ok = st == QProcess::NormalExit && code == 0;
        done(agentSessionId, ok,
             ok ? QString() : QString::fromUtf8(process->readAllStandardError().left(300)).trimmed(), attempts);
    });
    connect(process, &QProcess::errorOccurred, this, [this, process, agentSessionId, attempts](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart)
            return;
        process->deleteLater();
        done(agentSessionId, false, process->errorString(), attempts);
    });
    process->start(program, args);
}

void AgentSessionGc::done(const QString &agentSessionId, bool ok, const QString &error, int attempts)
{
    store::SessionStore *st = m_manager->store();
    if (ok) {
        st->markAgentDeleteDone(agentSessionId);
        ++m_deleted;
    } else if (attempts + 1 >= m_options.maxAttempts) {
        qCWarning(lcSession) << "GC: giving up on agent session" << agentSessionId << "after" << attempts + 1
                             << "attempts:" << error;
        st->markAgentDeleteDone(agentSessionId);
        ++m_failed;
    } else {
        const qint64 backoff = qMin<qint64>(qint64(m_options.baseBackoffSeconds) << qMin(attempts, 20),
                                            m_options.maxBackoffSeconds);
        st->markAgentDeleteFailed(agentSessionId, error, nowSeconds() + double(backoff));
        ++m_failed;
    }
    if (--m_inFlight == 0)
        Q_EMIT drained(m_deleted, m_failed);
}

} // namespace caduceus::chat
