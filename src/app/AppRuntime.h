#pragma once
// Everything a front end (window, CLI, relay) needs, built once: the database, the session manager,
// the agent connection (explicit, saved, discovered, or the Demo agent) and the keychain.
#include "hermes/AgentEndpoint.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>
#include <functional>
#include <memory>

namespace caduceus::store {
class Database;
class SessionStore;
}
namespace caduceus::chat {
class SessionManager;
class AgentSessionGc;
}
class DemoAgent;
class SecretStore;

class AppRuntime : public QObject
{
    Q_OBJECT
public:
    struct AgentOptions
    {
        QUrl url;          // --agent / CADUCEUS_AGENT_URL
        QString key;       // --key / CADUCEUS_AGENT_KEY
        QString profile;   // --profile: a discovered local profile
        QString hermesHome; // --hermes-home / HERMES_HOME
        bool demo = false; // --demo: always use the simulated agent
        bool saved = false; // url and key are the ones saved in Settings (set by connectAgent itself)
    };
    // Where Settings › Agent keeps the address (QSettings) and the key (the keychain, SecretStore).
    static QString savedUrlSetting() { return QStringLiteral("agent/url"); }
    static QString savedKeySecret() { return QStringLiteral("agent-key"); }
    enum class AgentSource { None, Explicit, Saved, Discovered, Demo };

    explicit AppRuntime(QObject *parent = nullptr);
    ~AppRuntime() override;

    // Opens (or recovers) the database. *notice gets a user-facing sentence when a corrupt file was
    // moved aside. Returns false with *error when no database can be used at all.
    bool openStore(const QString &path, QString *error, QString *notice);

    // Resolves the agent: --agent/CADUCEUS_AGENT_URL, else the one saved in Settings (its key read back from
    // the keychain), else the local profiles, else the Demo agent. Then checks it and recovers in-flight runs and queues. `done` gets a one-line
    // description of the agent in use, or ok=false and the reason.
    void connectAgent(const AgentOptions &options, std::function<void(bool ok, const QString &message)> done);

    caduceus::chat::SessionManager *sessions() const { return m_sessions.get(); }
    caduceus::store::SessionStore *store() const { return m_store.get(); }
    SecretStore *secrets() const { return m_secrets; }
    DemoAgent *demoAgent() const { return m_demo; }
    QNetworkAccessManager *network() { return &m_nam; }
    AgentSource agentSource() const { return m_source; }
    QString agentDescription() const { return m_description; }

    // The TLS certificate the last connect refused (empty fingerprint when none was), so the window can
    // show its fingerprint and offer to trust it (AgentTrust).
    struct RefusedCertificate
    {
        QUrl url;
        QString host;
        QString fingerprint;
        QString message;
    };
    const RefusedCertificate &refusedCertificate() const { return m_refused; }

private:
    void useDemo(const QString &why, std::function<void(bool, const QString &)> done);
    void finishConnect(const QString &description, AgentSource source, std::function<void(bool, const QString &)> done);

    QNetworkAccessManager m_nam;
    std::unique_ptr<caduceus::store::Database> m_database;
    std::unique_ptr<caduceus::store::SessionStore> m_store;
    std::unique_ptr<caduceus::chat::SessionManager> m_sessions;
    caduceus::chat::AgentSessionGc *m_gc = nullptr;
    SecretStore *m_secrets;
    DemoAgent *m_demo;
    AgentSource m_source = AgentSource::None;
    QString m_description;
    RefusedCertificate m_refused;
};
