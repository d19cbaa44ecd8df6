#pragma once
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

    bool isValid() const { return baseUrl.isValid() && !baseUrl.host().isEmpty(); }
};

} // namespace caduceus::hermes
