#include "chat/SessionManager.h"

#include "chat/SessionController.h"
#include "hermes/HermesClient.h"
#include "protocol/EventNames.h"
#include "store/SessionStore.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>

Q_DECLARE_LOGGING_CATEGORY(lcSession)

namespace caduceus::chat {

SessionManager::SessionManager(store::SessionStore *store, QNetworkAccessManager *nam, QObject *parent)
    : QObject(parent), m_store(store), m_nam(nam)
{
    m_clock.start();
    connect(&m_unloadTimer, &QTimer::timeout, this, &SessionManager::unloadIdleSessions);
    setSettings(m_settings);
}

void SessionManager::setSettings(const ChatSettings &settings)
{
    m_settings = settings;
    m_unloadTimer.start(std::clamp(m_settings.unloadIdleAfterMs / 4, 250, 15000));
}

SessionManager::~SessionManager()
{
    // Controllers flush their streamed text while the store still exists.
    const auto controllers = m_controllers.values();
    m_controllers.clear();
    qDeleteAll(controllers);
}

void SessionManager::setAgent(const hermes::AgentEndpoint &endpoint)
{
    const QString profile = endpoint.profile.isEmpty() ? QStringLiteral("default") : endpoint.profile;
    if (hermes::HermesClient *existing = m_clients.value(profile)) {
        existing->setEndpoint(endpoint);
        return;
    }
    auto *client = new hermes::HermesClient(endpoint, m_nam, this);
    connect(client, &hermes::HermesClient::reachabilityChanged, this,
            [this, profile](bool reachable, const QString &reason) {
                Q_EMIT agentReachabilityChanged(profile, reachable, reason);
            });
    m_clients.insert(profile, client);
    if (m_clients.size() == 1)
        m_defaultProfile = profile;
}

void SessionManager::removeAgent(const QString &profile)
{
    if (hermes::HermesClient *client = m_clients.take(profile))
        client->deleteLater();
}

QStringList SessionManager::profiles() const
{
    QStringList names = m_clients.keys();
    names.sort();
    return names;
}

void SessionManager::setDefaultProfile(const QString &profile)
{
    m_defaultProfile = profile;
}

hermes::HermesClient *SessionManager::client(const QString &profile) const
{
    if (hermes::HermesClient *c = m_clients.value(profile))
        return c;
    return m_clients.value(m_defaultProfile);
}

hermes::AgentEndpoint SessionManager::agent(const QString &profile) const
{
    const hermes::HermesClient *c = client(profile);
    return c ? c->endpoint() : hermes::AgentEndpoint{};
}

bool SessionManager::isValidSessionId(const QString &sessionId)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_.:-]{1,128}$"));
    return pattern.match(sessionId).hasMatch();
}

QString SessionManager::newSessionId()
{
    static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    QString id = QString::number(QDateTime::currentMSecsSinceEpoch(), 36);
    for (int i = 0; i < 6; ++i)
        id.append(QLatin1Char(alphabet[QRandomGenerator::global()->bounded(36)]));
    return id;
}

SessionController *SessionManager::existingController(const QString &sessionId) const
{
    return m_controllers.value(sessionId);
}

SessionController *SessionManager::controller(const QString &sessionId)
{
    if (!isValidSessionId(sessionId))
        return nullptr;
    noteUse(sessionId);
    if (SessionController *c = m_controllers.value(sessionId))
        return c;
    auto *c = new SessionController(sessionId, this);
    connect(c, &SessionController::eventEmitted, this,
            [this](const QString &id, const QString &name, const QJsonObject &payload, const QByteArray &json) {
                noteUse(id);
                Q_EMIT sessionEvent(id, name, payload, json);
            });
    connect(c, &SessionController::stateChanged, this, [this, sessionId]() { Q_EMIT sessionStateChanged(sessionId); });
    m_controllers.insert(sessionId, c);
    if (m_controllers.size() > m_settings.maxIdleSessions)
        QTimer::singleShot(0, this, &SessionManager::unloadIdleSessions);
    return c;
}

void SessionManager::hold(const QString &sessionId, QObject *holder)
{
    QList<QPointer<QObject>> &holders = m_holders[sessionId];
    if (!holders.contains(holder))
        holders.append(holder);
}

void SessionManager::release(const QString &sessionId, QObject *holder)
{
    const auto it = m_holders.find(sessionId);
    if (it == m_holders.end())
        return;
    it->removeAll(holder);
    if (it->isEmpty())
        m_holders.erase(it);
    noteUse(sessionId); // unloaded after the idle time from now, not at once
}

bool SessionManager::isHeld(const QString &sessionId)
{
    const auto it = m_holders.find(sessionId);
    if (it == m_holders.end())
        return false;
    it->removeAll(nullptr); // holders that were destroyed
    if (!it->isEmpty())
        return true;
    m_holders.erase(it);
    return false;
}

void SessionManager::unload(const QString &sessionId)
{
    SessionController *c = m_controllers.take(sessionId);
    m_lastUse.remove(sessionId);
    if (!c)
        return;
    // Nobody may hear from it again; it is deleted once the current call stack (maybe its own) is done.
    c->disconnect(this);
    c->deleteLater();
}

void SessionManager::unloadIdleSessions()
{
    const qint64 now = m_clock.elapsed();
    QList<QPair<Use, QString>> idle;
    for (auto it = m_controllers.cbegin(); it != m_controllers.cend(); ++it) {
        if (it.value()->isUnloadable() && !isHeld(it.key()))
            idle.append({m_lastUse.value(it.key()), it.key()});
    }
    std::sort(idle.begin(), idle.end(), [](const auto &a, const auto &b) { return a.first.serial < b.first.serial; });
    const qsizetype overLimit = idle.size() - m_settings.maxIdleSessions;
    for (qsizetype i = 0; i < idle.size(); ++i) {
        if (i < overLimit || now - idle[i].first.at >= m_settings.unloadIdleAfterMs)
            unload(idle[i].second);
    }
}

QList<store::SessionRecord> SessionManager::listSessions(int limit) const
{
    return m_store->listSessions(limit);
}

bool SessionManager::renameSession(const QString &sessionId, const QString &title)
{
    if (!isValidSessionId(sessionId))
        return false;
    if (!m_store->session(sessionId)) {
        // The web UI may rename a session that has no message yet.
        store::SessionRecord s;
        s.id = sessionId;
        s.profile = m_defaultProfile;
        s.createdAt = s.lastActive = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
        if (!m_store->createSession(s))
            return false;
    }
    const bool ok = m_store->renameSession(sessionId, title.left(500));
    if (ok)
        Q_EMIT sessionsChanged();
    return ok;
}

bool SessionManager::setPinned(const QString &sessionId, bool pinned)
{
    const bool ok = m_store->setPinned(sessionId, pinned);
    if (ok)
        Q_EMIT sessionsChanged();
    return ok;
}

bool SessionManager::deleteSession(const QString &sessionId)
{
    if (SessionController *c = m_controllers.take(sessionId)) {
        if (c->isWorking())
            c->abort();
        c->deleteLater();
    }
    m_lastUse.remove(sessionId);
    const bool ok = m_store->deleteSession(sessionId);
    if (ok)
        Q_EMIT sessionsChanged();
    return ok;
}

void SessionManager::noteSessionActivity()
{
    Q_EMIT sessionsChanged();
}

namespace {
constexpr int RecentSessionsCheckedAtStart = 32;
} // namespace

void SessionManager::recoverAfterStart()
{
    const QList<store::RunRecord> inflight =
        m_store->runsWithStatus({QStringLiteral("starting"), QStringLiteral("running"), QStringLiteral("aborting")});
    QSet<QString> recovering;
    for (const store::RunRecord &run : inflight)
        recovering.insert(run.sessionId);
    // Rows still marked streaming without a run to finish them were cut off by a crash. Mark them
    // before any controller loads its mirror.
    for (store::MessageRecord m : m_store->messagesWithStatus(QString::fromLatin1(store::MessageStatus::Streaming))) {
        if (recovering.contains(m.sessionId))
            continue;
        m.status = QString::fromLatin1(store::MessageStatus::Interrupted);
        if (m.role == QLatin1String("tool"))
            m.extra.insert(MessageField::ToolStatus, QStringLiteral("error"));
        m_store->updateMessage(m);
    }
    for (const store::RunRecord &run : inflight) {
        if (SessionController *c = controller(run.sessionId))
            c->recoverRun(run);
    }
    // A crash between storing an input and the agent's answer to its start leaves the input last in its
    // session with no run: ask for it again (same Idempotency-Key, so never twice). Only sessions active
    // just before the stop can be in that state, and starting a run makes a session the most recent.
    for (const store::SessionRecord &s : m_store->listSessions(RecentSessionsCheckedAtStart)) {
        if (recovering.contains(s.id))
            continue;
        const QList<store::MessageRecord> last = m_store->messages(s.id, 0, 1);
        if (last.isEmpty() || !SessionController::isUnstartedTurn(last.first()))
            continue;
        if (SessionController *c = controller(s.id)) {
            c->recoverUnstartedTurn(last.first());
            recovering.insert(s.id); // its queue continues after this turn
        }
    }
    for (const QString &sessionId : m_store->sessionsWithQueue()) {
        if (recovering.contains(sessionId))
            continue;
        if (SessionController *c = controller(sessionId))
            c->resumeQueue();
    }
    if (!inflight.isEmpty())
        qCInfo(lcSession) << "recovering" << inflight.size() << "run(s) that were in flight at the last stop";
}

} // namespace caduceus::chat
