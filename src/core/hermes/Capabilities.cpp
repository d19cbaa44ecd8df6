#include "hermes/Capabilities.h"

#include <QUrl>

namespace caduceus::hermes {

Capabilities Capabilities::fromJson(const QJsonObject &json)
{
    Capabilities c;
    c.m_known = true;
    c.m_json = json;
    return c;
}

bool Capabilities::has(const QString &feature) const
{
    return m_json.value(QLatin1String("features")).toObject().value(feature).toBool(false);
}

bool Capabilities::hasEndpoint(const QString &name) const
{
    const QJsonObject endpoint = m_json.value(QLatin1String("endpoints")).toObject().value(name).toObject();
    return endpoint.value(QLatin1String("path")).toString().startsWith(QLatin1Char('/'));
}

QString Capabilities::path(const QString &name, const QString &fallback, const QString &runId,
                           const QString &sessionId) const
{
    QString p = fallback;
    if (hasEndpoint(name))
        p = m_json.value(QLatin1String("endpoints")).toObject().value(name).toObject().value(QLatin1String("path")).toString();
    const auto encoded = [](const QString &s) { return QString::fromLatin1(QUrl::toPercentEncoding(s)); };
    p.replace(QLatin1String("{run_id}"), encoded(runId));
    p.replace(QLatin1String("{id}"), encoded(runId.isEmpty() ? sessionId : runId));
    p.replace(QLatin1String("{session_id}"), encoded(sessionId));
    return p;
}

bool Capabilities::supportsApprovals() const
{
    return has(QStringLiteral("approval_events")) && has(QStringLiteral("run_approval_response"));
}

} // namespace caduceus::hermes
