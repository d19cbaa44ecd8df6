#include "ChatBackend.h"

#include "AgentTrust.h"

#include "AppRuntime.h"
#include "ChatModel.h"
#include "DemoAgent.h"
#include "QueueModel.h"
#include "RelayHost.h"
#include "SecretStore.h"
#include "SessionListModel.h"
#include "Translations.h"
#include "chat/AgentInput.h"
#include "chat/SessionController.h"
#include "chat/SessionManager.h"
#include "hermes/HermesClient.h"
#include "protocol/EventNames.h"
#include "store/SessionStore.h"
#include "version.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QMimeDatabase>
#include <QUrl>

using namespace caduceus;

namespace {
const QString kLastSession = QStringLiteral("window/lastSession");
const QString kAgentUrl = AppRuntime::savedUrlSetting();
const QString kAgentKeySecret = AppRuntime::savedKeySecret();
}

ChatBackend::ChatBackend(AppRuntime *runtime, QObject *parent)
    : QObject(parent), m_runtime(runtime), m_sessions(new SessionListModel(runtime->sessions(), this)),
      m_chat(new ChatModel(this)), m_queue(new QueueModel(this)), m_relay(new RelayHost(runtime, this))
{
    chat::SessionManager *manager = runtime->sessions();
    connect(manager, &chat::SessionManager::sessionEvent, this, &ChatBackend::onSessionEvent);
    connect(manager, &chat::SessionManager::sessionStateChanged, this, [this](const QString &sessionId) {
        if (sessionId != m_currentId)
            return;
        if (auto *c = current())
            m_queue->setItems(c->queuedItems());
        Q_EMIT sessionStateChanged();
    });
    connect(manager, &chat::SessionManager::sessionsChanged, this, &ChatBackend::currentTitleChanged);
    connect(manager, &chat::SessionManager::agentReachabilityChanged, this,
            [this](const QString &, bool reachable, const QString &reason) {
                m_agentStatus = reachable ? QStringLiteral("connected") : QStringLiteral("unreachable");
                m_agentReason = reason;
                Q_EMIT agentChanged();
            });
    connect(runtime->secrets(), &SecretStore::fallbackActivated, this, &ChatBackend::setNotice);
    connect(m_relay, &RelayHost::runningChanged, this, &ChatBackend::relayChanged);
    // The agent's label is translated when it is read ("Demo agent"): a language switch re-reads it.
    if (Translations *translations = Translations::instance())
        connect(translations, &Translations::languageChanged, this, &ChatBackend::agentChanged);
    applySettings();

    const QString last = m_settings.value(kLastSession).toString();
    if (!last.isEmpty() && manager->store()->session(last))
        openSession(last);
    else if (const auto recent = manager->listSessions(1); !recent.isEmpty())
        openSession(recent.first().id);
    else
        newSession();
}

ChatBackend::~ChatBackend() = default;

void ChatBackend::applySettings()
{
    chat::ChatSettings settings = m_runtime->sessions()->settings();
    settings.systemPrompt = m_settings.value(QStringLiteral("chat/systemPrompt")).toString();
    settings.graceMs = qBound(500, m_settings.value(QStringLiteral("chat/graceMs"), 5000).toInt(), 60'000);
    m_runtime->sessions()->setSettings(settings);
    m_graceMs = settings.graceMs;
}

chat::SessionController *ChatBackend::current() const
{
    return m_currentId.isEmpty() ? nullptr : m_runtime->sessions()->controller(m_currentId);
}

QString ChatBackend::currentTitle() const
{
    const auto s = m_runtime->store()->session(m_currentId);
    if (!s)
        return tr("New chat");
    return s->title.isEmpty() ? (s->preview.isEmpty() ? tr("New chat") : s->preview) : s->title;
}

bool ChatBackend::working() const
{
    const auto *c = current();
    return c && c->isWorking();
}

bool ChatBackend::aborting() const
{
    const auto *c = current();
    return c && c->isAborting();
}

int ChatBackend::queueLength() const
{
    const auto *c = current();
    return c ? c->queueLength() : 0;
}

QVariantList ChatBackend::pendingApprovals() const
{
    const auto *c = current();
    return c ? c->pendingApprovals().toVariantList() : QVariantList{};
}

bool ChatBackend::steerSupported() const
{
    const auto *c = current();
    return c && c->steerSupported();
}

qint64 ChatBackend::usedTokens() const
{
    const auto *c = current();
    return c ? c->inputTokens() + c->outputTokens() : 0;
}

qint64 ChatBackend::contextLength() const
{
    const qint64 fromProfile = m_runtime->sessions()->agent(currentProfile()).contextLength;
    return fromProfile > 0 ? fromProfile : 200'000;
}

QString ChatBackend::agentLabel() const
{
    if (demoAgent())
        return tr("Demo agent");
    const QString label = m_runtime->sessions()->agent(currentProfile()).label;
    return label.isEmpty() ? m_runtime->agentDescription() : label;
}

bool ChatBackend::demoAgent() const
{
    return m_runtime->agentSource() == AppRuntime::AgentSource::Demo;
}

QStringList ChatBackend::profiles() const
{
    return m_runtime->sessions()->profiles();
}

QString ChatBackend::currentProfile() const
{
    return m_runtime->sessions()->defaultProfile();
}

void ChatBackend::setCurrentProfile(const QString &profile)
{
    if (!profiles().contains(profile) || profile == currentProfile())
        return;
    m_runtime->sessions()->setDefaultProfile(profile);
    m_agentStatus = QStringLiteral("connecting");
    Q_EMIT agentChanged();
    if (auto *client = m_runtime->sessions()->client(profile)) {
        client->health(this, [this](const hermes::ApiResult &r) {
            m_agentStatus = r.ok() ? QStringLiteral("connected") : QStringLiteral("unreachable");
            m_agentReason = r.message;
            Q_EMIT agentChanged();
        });
    }
}

bool ChatBackend::relayRunning() const
{
    return m_relay->isRunning();
}

QString ChatBackend::relayUrl() const
{
    return m_relay->url();
}

QString ChatBackend::relayToken() const
{
    return QString::fromLatin1(m_relay->token());
}

QString ChatBackend::version() const
{
    return QStringLiteral(CADUCEUS_VERSION_STRING);
}

void ChatBackend::setAgentConnected(bool ok, const QString &message)
{
    const AppRuntime::RefusedCertificate &refused = m_runtime->refusedCertificate();
    m_untrusted.clear();
    if (!ok && !refused.host.isEmpty())
        m_untrusted = QVariantMap{{QStringLiteral("url"), refused.url.toString()},
                                  {QStringLiteral("host"), refused.host},
                                  {QStringLiteral("fingerprint"), refused.fingerprint},
                                  {QStringLiteral("message"), refused.message}};
    m_agentStatus = ok ? QStringLiteral("connected") : QStringLiteral("unreachable");
    m_agentReason = ok ? QString() : message;
    Q_EMIT agentChanged();
    if (ok && m_settings.value(QStringLiteral("relay/enabled"), false).toBool())
        setRelayEnabled(true, m_settings.value(QStringLiteral("relay/port"), 8648).toInt());
}

void ChatBackend::setNotice(const QString &notice)
{
    m_notice = notice;
    Q_EMIT noticeChanged();
}

void ChatBackend::dismissNotice()
{
    setNotice(QString());
}

void ChatBackend::dismissCompression()
{
    m_compression.clear();
    Q_EMIT compressionChanged();
}

void ChatBackend::newSession()
{
    // A session exists in the store from its first message; until then it is only this id.
    openSession(chat::SessionManager::newSessionId());
}

void ChatBackend::openSession(const QString &sessionId)
{
    auto *controller = m_runtime->sessions()->controller(sessionId);
    if (!controller)
        return;
    if (!m_currentId.isEmpty())
        m_runtime->sessions()->release(m_currentId, this);
    m_runtime->sessions()->hold(sessionId, this); // the transcript model keeps its pointer
    m_currentId = sessionId;
    m_abortConfirmed = false;
    m_chat->setController(controller);
    m_queue->setItems(controller->queuedItems());
    m_compression.clear();
    if (m_runtime->store()->session(sessionId))
        m_settings.setValue(kLastSession, sessionId);
    Q_EMIT currentSessionChanged();
    Q_EMIT currentTitleChanged();
    Q_EMIT sessionStateChanged();
    Q_EMIT compressionChanged();
}

QString ChatBackend::send(const QString &text, const QVariantList &attachmentPaths, bool steer)
{
    auto *c = current();
    if (!c)
        return tr("No session is open.");
    if (steer && c->isWorking()) {
        if (c->steer(text))
            return {};
        return tr("This agent cannot take guidance during a run; the message was not sent.");
    }
    chat::SessionController::RunInput input;
    if (attachmentPaths.isEmpty()) {
        input.input = text;
    } else {
        QJsonArray blocks;
        if (!text.trimmed().isEmpty())
            blocks.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), text}});
        static const QMimeDatabase mimes;
        for (const QVariant &v : attachmentPaths) {
            QString path = v.toString();
            if (path.startsWith(QLatin1String("file:")))
                path = QUrl(path).toLocalFile();
            const QFileInfo info(path);
            if (!info.isFile() || !info.isReadable())
                return tr("Cannot attach %1: it is not a readable file.").arg(path);
            const QString mime = mimes.mimeTypeForFile(info).name();
            const bool image = mime.startsWith(QLatin1String("image/"));
            blocks.append(QJsonObject{{QStringLiteral("type"), image ? QStringLiteral("image") : QStringLiteral("file")},
                                      {QStringLiteral("name"), info.fileName()},
                                      {QStringLiteral("path"), info.absoluteFilePath()},
                                      {QStringLiteral("media_type"), mime}});
        }
        // A path for an agent on this computer, the contents for one elsewhere; each block says which
        // ("delivery", shown on the message), and what cannot be sent is refused here, before it is queued.
        const QString refused =
            chat::AgentInput::planDelivery(blocks, m_runtime->sessions()->agent(currentProfile()).readsLocalFiles());
        if (!refused.isEmpty())
            return refused;
        input.input = blocks;
    }
    input.profile = currentProfile();
    input.model = m_settings.value(QStringLiteral("chat/defaultModel")).toString();
    m_abortConfirmed = false;
    const QString error = c->submit(input);
    if (error.isEmpty()) {
        m_settings.setValue(kLastSession, m_currentId);
        Q_EMIT currentTitleChanged();
    }
    return error;
}

void ChatBackend::stop()
{
    if (auto *c = current())
        c->abort();
}

bool ChatBackend::cancelQueued(const QString &queueId)
{
    auto *c = current();
    return c && c->cancelQueued(queueId);
}

bool ChatBackend::editQueued(const QString &queueId, const QString &text)
{
    auto *c = current();
    return c && c->editQueued(queueId, text);
}

void ChatBackend::respondApproval(const QString &choice, bool all)
{
    if (auto *c = current())
        c->respondApproval(choice, all);
}

bool ChatBackend::renameSession(const QString &sessionId, const QString &title)
{
    const bool ok = m_runtime->sessions()->renameSession(sessionId, title.trimmed());
    if (ok && sessionId == m_currentId)
        Q_EMIT currentTitleChanged();
    return ok;
}

bool ChatBackend::deleteSession(const QString &sessionId)
{
    const bool ok = m_runtime->sessions()->deleteSession(sessionId);
    if (ok && sessionId == m_currentId) {
        const auto recent = m_runtime->sessions()->listSessions(1);
        if (recent.isEmpty())
            newSession();
        else
            openSession(recent.first().id);
    }
    return ok;
}

bool ChatBackend::setPinned(const QString &sessionId, bool pinned)
{
    return m_runtime->sessions()->setPinned(sessionId, pinned);
}

QVariantList ChatBackend::search(const QString &query, int limit) const
{
    QVariantList out;
    if (query.trimmed().isEmpty())
        return out;
    for (const store::SearchHit &hit : m_runtime->store()->search(query, qBound(1, limit, 200))) {
        const auto s = m_runtime->store()->session(hit.sessionId);
        out << QVariantMap{{QStringLiteral("sessionId"), hit.sessionId},
                           {QStringLiteral("messageId"), QString::number(hit.messageId)},
                           {QStringLiteral("title"), s ? (s->title.isEmpty() ? s->preview : s->title) : hit.sessionId},
                           {QStringLiteral("snippet"), hit.snippet},
                           {QStringLiteral("role"), hit.role},
                           {QStringLiteral("timestamp"), hit.timestamp}};
    }
    return out;
}

QVariant ChatBackend::setting(const QString &key, const QVariant &fallback) const
{
    return m_settings.value(key, fallback);
}

void ChatBackend::setSetting(const QString &key, const QVariant &value)
{
    m_settings.setValue(key, value);
    if (key.startsWith(QLatin1String("chat/")))
        applySettings();
    if (key == QLatin1String("agent/inlineAttachments")) {
        // Applies to the agents in use now, not only at the next connect.
        for (const QString &profile : m_runtime->sessions()->profiles()) {
            hermes::AgentEndpoint endpoint = m_runtime->sessions()->agent(profile);
            endpoint.inlineAttachments = value.toBool();
            m_runtime->sessions()->setAgent(endpoint);
        }
    }
}

void ChatBackend::connectAgent(const QString &url, const QString &key)
{
    // A typed address that cannot be an agent's is refused here, with the reason, instead of quietly
    // falling back to the local profiles or the Demo agent.
    const QUrl typed = QUrl::fromUserInput(url.trimmed());
    if (!url.trimmed().isEmpty() &&
        (!typed.isValid() || typed.host().isEmpty() ||
         (typed.scheme() != QLatin1String("http") && typed.scheme() != QLatin1String("https")))) {
        const QString reason =
            tr("\"%1\" is not an agent address: use http://host:port or https://host, e.g. http://127.0.0.1:8642.")
                .arg(url.trimmed().left(200));
        m_agentUrlError = reason;
        Q_EMIT agentChanged();
        return;
    }
    m_agentUrlError.clear();
    m_agentStatus = QStringLiteral("connecting");
    m_agentReason.clear();
    Q_EMIT agentChanged();
    m_settings.setValue(kAgentUrl, url.trimmed());
    const auto proceed = [this, url]() {
        m_runtime->secrets()->read(kAgentKeySecret, [this, url](const QString &storedKey, const QString &) {
            AppRuntime::AgentOptions options;
            options.url = QUrl::fromUserInput(url.trimmed());
            if (url.trimmed().isEmpty())
                options.url = QUrl();
            options.key = storedKey;
            m_runtime->connectAgent(options, [this](bool ok, const QString &message) {
                setAgentConnected(ok, message);
                if (!ok)
                    Q_EMIT errorMessage(message);
            });
        });
    };
    if (key.isEmpty()) {
        proceed();
        return;
    }
    m_runtime->secrets()->write(kAgentKeySecret, key, [this, proceed](const QString &error) {
        if (!error.isEmpty())
            Q_EMIT errorMessage(tr("The key could not be saved in the keychain: %1").arg(error));
        proceed();
    });
}

QVariantList ChatBackend::trustedCertificates() const
{
    return AgentTrust().all();
}

void ChatBackend::trustCertificate(const QString &url, const QString &fingerprint)
{
    if (!AgentTrust().trust(QUrl(url), fingerprint)) {
        Q_EMIT errorMessage(tr("\"%1\" cannot be trusted for %2: a SHA-256 fingerprint of an https address is needed.")
                                .arg(fingerprint.left(120), url.left(200)));
        return;
    }
    Q_EMIT trustChanged();
    m_untrusted.clear();
    m_runtime->network()->clearConnectionCache(); // connections (and TLS sessions) made under the old trust
    // Connect again to the agent that was refused: the one saved in Settings (its key from the keychain), or
    // the one given at start (--agent, CADUCEUS_AGENT_URL and its key) without saving it.
    const QString saved = m_settings.value(kAgentUrl).toString().trimmed();
    if (!saved.isEmpty() && AgentTrust::originOf(QUrl::fromUserInput(saved)) == AgentTrust::originOf(QUrl(url))) {
        connectAgent(saved, QString());
        return;
    }
    m_agentStatus = QStringLiteral("connecting");
    m_agentReason.clear();
    Q_EMIT agentChanged();
    AppRuntime::AgentOptions options;
    options.url = QUrl(url);
    m_runtime->connectAgent(options, [this](bool ok, const QString &message) {
        setAgentConnected(ok, message);
        if (!ok)
            Q_EMIT errorMessage(message);
    });
}

void ChatBackend::removeTrustedCertificate(const QString &origin, const QString &fingerprint)
{
    AgentTrust().remove(origin, fingerprint);
    Q_EMIT trustChanged();
    // The agents in use stop trusting it now, not at the next connect.
    const AgentTrust trust;
    for (const QString &profile : m_runtime->sessions()->profiles()) {
        hermes::AgentEndpoint endpoint = m_runtime->sessions()->agent(profile);
        if (AgentTrust::originOf(endpoint.baseUrl) != origin)
            continue;
        endpoint.trustedCertificates = trust.fingerprints(endpoint.baseUrl);
        m_runtime->sessions()->setAgent(endpoint);
    }
    // A kept-alive connection or a resumed TLS session would skip the check the removal is about.
    m_runtime->network()->clearConnectionCache();
}

void ChatBackend::setRelayEnabled(bool enabled, int port)
{
    m_settings.setValue(QStringLiteral("relay/enabled"), enabled);
    m_settings.setValue(QStringLiteral("relay/port"), port);
    m_relayError.clear();
    if (!enabled) {
        m_relay->stop();
        Q_EMIT relayChanged();
        return;
    }
    m_relay->stop();
    m_relay->start(QHostAddress::LocalHost, quint16(qBound(0, port, 65535)), [this](bool ok, const QString &error) {
        m_relayError = ok ? QString() : error;
        Q_EMIT relayChanged();
    });
}

void ChatBackend::regenerateRelayToken()
{
    m_relay->regenerateToken([this](const QString &error) {
        m_relayError = error;
        Q_EMIT relayChanged();
    });
}

void ChatBackend::onSessionEvent(const QString &sessionId, const QString &name, const QJsonObject &payload)
{
    const auto titleOf = [this, &sessionId]() {
        const auto s = m_runtime->store()->session(sessionId);
        return s ? (s->title.isEmpty() ? s->preview : s->title) : QString();
    };
    if (name == EventName::RunCompleted || name == EventName::RunFailed)
        Q_EMIT runFinished(sessionId, titleOf(), name == EventName::RunFailed);
    else if (name == EventName::ApprovalRequest)
        Q_EMIT approvalRequested(sessionId, titleOf(), payload.value(QLatin1String("command")).toString());
    if (sessionId != m_currentId)
        return;
    if (name == EventName::AbortStarted) {
        m_abortConfirmed = false;
        m_graceMs = payload.value(QLatin1String("graceMs")).toInt(m_graceMs);
        Q_EMIT sessionStateChanged();
    } else if (name == EventName::AbortCompleted) {
        m_abortConfirmed = true;
        Q_EMIT sessionStateChanged();
    } else if (name == EventName::CompressionStarted || name == EventName::CompressionCompleted) {
        m_compression = payload.toVariantMap();
        m_compression.insert(QStringLiteral("running"), name == EventName::CompressionStarted);
        Q_EMIT compressionChanged();
    } else if (name == EventName::UsageUpdated || name == EventName::RunStarted) {
        Q_EMIT sessionStateChanged();
    }
}
