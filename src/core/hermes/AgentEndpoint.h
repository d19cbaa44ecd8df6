#pragma once
#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace caduceus::hermes {

// Where one agent profile is reached. The key comes from the keychain or the profile's .env and is
// never written to logs or settings files.
struct AgentEndpoint
{
    QUrl baseUrl;        // e.g. http://127.0.0.1:8642
    QString apiKey;      // Bearer token, may be empty for an agent without auth
    QString profile = QStringLiteral("default");
    QString label;       // shown to the user, e.g. "Demo agent" or "Local Hermes (default)"
    QString stateDbPath; // the profile's state.db for transcript sync fallback (may be empty)
    qint64 contextLength = 0;
    QString defaultModel;
    // SHA-256 fingerprints of TLS certificates the user trusted for this agent's URL (TlsTrust).
    QStringList trustedCertificates;
    // The agent cannot open this computer's files although its address is a loopback one (an SSH tunnel to
    // another machine): attachments are sent inline as for any remote agent (chat::AgentInput).
    bool inlineAttachments = false;

    // Whether an attachment's local path means something to the agent: it runs on this computer.
    bool readsLocalFiles() const
    {
        if (inlineAttachments)
            return false;
        const QString host = baseUrl.host().toLower();
        return host == QLatin1String("localhost") || host.endsWith(QLatin1String(".localhost")) ||
               QHostAddress(host).isLoopback();
    }

    bool isValid() const { return baseUrl.isValid() && !baseUrl.host().isEmpty(); }
};

} // namespace caduceus::hermes
