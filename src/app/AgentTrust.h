#pragma once
// TLS certificates the user trusted explicitly, per agent URL (scheme, host and port), by SHA-256
// fingerprint (hermes::TlsTrust). Kept in QSettings: a fingerprint is public, not a secret. Every front end
// (window, CLI, relay) connects with the same list, so trusting a certificate in Settings is enough.
#include <QSettings>
#include <QStringList>
#include <QUrl>
#include <QVariantList>

class AgentTrust
{
public:
    // "https://host:port": what the trust is stored under (a path or a query in the URL does not matter).
    static QString originOf(const QUrl &url);

    QStringList fingerprints(const QUrl &url) const;
    // Returns false when the fingerprint is not a SHA-256 fingerprint or the URL is not https.
    bool trust(const QUrl &url, const QString &fingerprint);
    void remove(const QString &origin, const QString &fingerprint);
    // [{origin, fingerprint}] for Settings.
    QVariantList all() const;

private:
    QVariantMap load() const;
    void save(const QVariantMap &map);

    QSettings m_settings;
};
