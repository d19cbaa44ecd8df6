#include "AgentTrust.h"

#include "hermes/TlsTrust.h"

namespace {
const QString kKey = QStringLiteral("agent/trustedCertificates");
}

QString AgentTrust::originOf(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    const int port = url.port(scheme == QLatin1String("https") ? 443 : 80);
    return QStringLiteral("%1://%2:%3").arg(scheme, url.host(QUrl::FullyEncoded).toLower()).arg(port);
}

// Stored as a readable list, one "<origin> <fingerprint>" entry each (a map would be a binary blob in the
// INI file, and a URL cannot be a settings key).
QVariantMap AgentTrust::load() const
{
    QVariantMap map;
    for (const QString &entry : m_settings.value(kKey).toStringList()) {
        const QString origin = entry.section(QLatin1Char(' '), 0, 0);
        const QString fingerprint =
            caduceus::hermes::TlsTrust::normalizeFingerprint(entry.section(QLatin1Char(' '), 1).trimmed());
        if (origin.isEmpty() || fingerprint.isEmpty())
            continue;
        QStringList list = map.value(origin).toStringList();
        if (!list.contains(fingerprint))
            list.append(fingerprint);
        map.insert(origin, list);
    }
    return map;
}

void AgentTrust::save(const QVariantMap &map)
{
    QStringList entries;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        for (const QString &fingerprint : it.value().toStringList())
            entries << it.key() + QLatin1Char(' ') + fingerprint;
    }
    if (entries.isEmpty())
        m_settings.remove(kKey);
    else
        m_settings.setValue(kKey, entries);
    m_settings.sync();
}

QStringList AgentTrust::fingerprints(const QUrl &url) const
{
    if (url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) != 0)
        return {};
    return load().value(originOf(url)).toStringList();
}

bool AgentTrust::trust(const QUrl &url, const QString &fingerprint)
{
    const QString normalized = caduceus::hermes::TlsTrust::normalizeFingerprint(fingerprint);
    if (normalized.isEmpty() || url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) != 0 ||
        url.host().isEmpty())
        return false;
    QVariantMap map = load();
    const QString origin = originOf(url);
    QStringList list = map.value(origin).toStringList();
    if (!list.contains(normalized))
        list.append(normalized);
    map.insert(origin, list);
    save(map);
    return true;
}

void AgentTrust::remove(const QString &origin, const QString &fingerprint)
{
    QVariantMap map = load();
    QStringList list = map.value(origin).toStringList();
    list.removeAll(caduceus::hermes::TlsTrust::normalizeFingerprint(fingerprint));
    if (list.isEmpty())
        map.remove(origin);
    else
        map.insert(origin, list);
    save(map);
}

QVariantList AgentTrust::all() const
{
    QVariantList out;
    const QVariantMap map = load();
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        for (const QString &fingerprint : it.value().toStringList())
            out << QVariantMap{{QStringLiteral("origin"), it.key()},
                               {QStringLiteral("fingerprint"), fingerprint}};
    }
    return out;
}
