#include "AppRuntime.h"

#include "AgentTrust.h"

#include "DemoAgent.h"
#include "SecretStore.h"
#include "chat/AgentSessionGc.h"
#include "chat/SessionManager.h"
#include "hermes/HermesClient.h"
#include "hermes/ProfileDiscovery.h"
#include "store/Database.h"
#include "store/SessionStore.h"

#include <QLoggingCategory>
#include <QSettings>

Q_LOGGING_CATEGORY(lcApp, "caduceus.app")

using namespace caduceus;

AppRuntime::AppRuntime(QObject *parent)
    : QObject(parent), m_secrets(new SecretStore(this)), m_demo(new DemoAgent(this))
{
}

AppRuntime::~AppRuntime()
{
    delete m_gc;
    m_sessions.reset(); // controllers flush streamed text into the store first
    m_store.reset();
    m_database.reset();
}

bool AppRuntime::openStore(const QString &path, QString *error, QString *notice)
{
    m_database = std::make_unique<store::Database>();
    const store::Database::OpenResult result = m_database->open(path.isEmpty() ? store::Database::defaultPath() : path);
    if (!result.ok) {
        *error = result.error;
        return false;
    }
    if (!result.movedAsidePath.isEmpty())
        *notice = result.error.isEmpty()
                      ? QStringLiteral("The database was damaged; it was moved aside to %1 and a new one was created.")
                            .arg(result.movedAsidePath)
                      : result.error;
    m_store = std::make_unique<store::SessionStore>(*m_database);
    m_sessions = std::make_unique<chat::SessionManager>(m_store.get(), &m_nam);
    return true;
}

void AppRuntime::connectAgent(const AgentOptions &options, std::function<void(bool, const QString &)> done)
{
    m_refused = RefusedCertificate();
    if (options.demo) {
        useDemo(QStringLiteral("as asked"), done);
        return;
    }
    QUrl url = options.url;
    QString key = options.key;
    if (!url.isValid() || url.isEmpty())
        url = QUrl(qEnvironmentVariable("CADUCEUS_AGENT_URL"));
    if (key.isEmpty())
        key = qEnvironmentVariable("CADUCEUS_AGENT_KEY");

    // The agent chosen in Settings › Agent survives a restart: its address from the settings, its key from
    // the keychain (which answers asynchronously).
    const QString savedUrl = QSettings().value(savedUrlSetting()).toString().trimmed();
    if ((!url.isValid() || url.isEmpty()) && !options.saved && !savedUrl.isEmpty()) {
        m_secrets->read(savedKeySecret(), [this, options, savedUrl, key, done](const QString &storedKey,
                                                                              const QString &error) {
            if (!error.isEmpty())
                qCWarning(lcApp) << "the saved agent key could not be read from the keychain:" << error;
            AgentOptions saved = options;
            saved.url = QUrl::fromUserInput(savedUrl);
            saved.key = key.isEmpty() ? storedKey : key;
            saved.saved = true;
            connectAgent(saved, done);
        });
        return;
    }

    if (url.isValid() && !url.host().isEmpty()) {
        hermes::AgentEndpoint endpoint;
        endpoint.baseUrl = url;
        endpoint.apiKey = key;
        endpoint.profile = options.profile.isEmpty() ? QStringLiteral("default") : options.profile;
        endpoint.label = url.toDisplayString();
        endpoint.trustedCertificates = AgentTrust().fingerprints(url);
        // Settings › "The agent runs on another computer": a loopback address that is a tunnel elsewhere.
        endpoint.inlineAttachments = QSettings().value(QStringLiteral("agent/inlineAttachments"), false).toBool();
        m_sessions->setAgent(endpoint);
        m_sessions->setDefaultProfile(endpoint.profile);
        m_sessions->client(endpoint.profile)->health(this, [this, endpoint, done, saved = options.saved](
                                                               const hermes::ApiResult &r) {
            if (!r.ok()) {
                if (!r.untrustedHost.isEmpty())
                    m_refused = {endpoint.baseUrl, r.untrustedHost, r.untrustedCertificate, r.message};
                done(false, r.message);
                return;
            }
            finishConnect(QStringLiteral("Hermes Agent at %1").arg(endpoint.baseUrl.toDisplayString()),
                          saved ? AgentSource::Saved : AgentSource::Explicit, done);
        });
        return;
    }

    // Local profiles of Hermes Agent (~/.hermes): a local user only has to press "connect".
    const QString home = options.hermesHome.isEmpty() ? hermes::ProfileDiscovery::defaultHermesHome() : options.hermesHome;
    QString discoveryError;
    const QList<hermes::AgentProfile> profiles = hermes::ProfileDiscovery::discover(home, &discoveryError);
    if (profiles.isEmpty()) {
        useDemo(discoveryError.isEmpty() ? QStringLiteral("no Hermes Agent profile was found in %1").arg(home)
                                         : discoveryError,
                done);
        return;
    }
    QString chosen = options.profile;
    for (const hermes::AgentProfile &p : profiles) {
        for (const QString &w : p.warnings)
            qCWarning(lcApp) << "profile" << p.name << ":" << w;
        hermes::AgentEndpoint endpoint;
        endpoint.baseUrl = p.baseUrl();
        endpoint.apiKey = p.apiKey;
        endpoint.profile = p.name;
        endpoint.label = QStringLiteral("Hermes (%1)").arg(p.name);
        endpoint.stateDbPath = p.stateDbPath;
        endpoint.contextLength = p.contextLength;
        endpoint.defaultModel = p.defaultModel;
        endpoint.inlineAttachments = QSettings().value(QStringLiteral("agent/inlineAttachments"), false).toBool();
        m_sessions->setAgent(endpoint);
        if (chosen.isEmpty() && p.active)
            chosen = p.name;
    }
    if (chosen.isEmpty())
        chosen = profiles.first().name;
    m_sessions->setDefaultProfile(chosen);
    hermes::HermesClient *client = m_sessions->client(chosen);
    client->health(this, [this, client, chosen, explicitProfile = !options.profile.isEmpty(), done](const hermes::ApiResult &r) {
        if (r.ok()) {
            finishConnect(QStringLiteral("Hermes Agent, profile \"%1\" at %2")
                              .arg(chosen, client->endpoint().baseUrl.toDisplayString()),
                          AgentSource::Discovered, done);
            return;
        }
        if (explicitProfile) {
            done(false, r.message);
            return;
        }
        useDemo(QStringLiteral("the local Hermes Agent (profile \"%1\") did not answer: %2").arg(chosen, r.message), done);
    });
}

void AppRuntime::useDemo(const QString &why, std::function<void(bool, const QString &)> done)
{
    qCInfo(lcApp) << "using the Demo agent:" << why;
    auto answered = std::make_shared<bool>(false);
    const auto useUrl = [this, why, done, answered](const QUrl &url) {
        if (std::exchange(*answered, true))
            return;
        hermes::AgentEndpoint endpoint;
        endpoint.baseUrl = url;
        endpoint.profile = QStringLiteral("default");
        endpoint.label = QStringLiteral("Demo agent");
        for (const QString &profile : m_sessions->profiles())
            m_sessions->removeAgent(profile);
        m_sessions->setAgent(endpoint);
        m_sessions->setDefaultProfile(endpoint.profile);
        finishConnect(QStringLiteral("Demo agent (simulated; %1)").arg(why), AgentSource::Demo, done);
    };
    // Already running (a second "connect" that ends on the Demo agent): it will not start again.
    if (m_demo->isRunning()) {
        useUrl(m_demo->url());
        return;
    }
    connect(m_demo, &DemoAgent::started, this, useUrl, Qt::SingleShotConnection);
    connect(m_demo, &DemoAgent::failed, this, [done, answered](const QString &error) {
        if (std::exchange(*answered, true))
            return;
        done(false, QStringLiteral("No agent is available: %1").arg(error));
    }, Qt::SingleShotConnection);
    m_demo->start();
}

void AppRuntime::finishConnect(const QString &description, AgentSource source,
                               std::function<void(bool, const QString &)> done)
{
    m_source = source;
    m_description = description;
    m_sessions->recoverAfterStart();
    if (!m_gc) {
        m_gc = new chat::AgentSessionGc(m_sessions.get());
        m_gc->start();
    }
    done(true, description);
}
