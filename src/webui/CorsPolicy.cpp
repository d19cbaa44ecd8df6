#include "webui/CorsPolicy.h"

#include <QUrl>

namespace caduceus::webui {

CorsPolicy::CorsPolicy(const QStringList &allowedOrigins)
{
    for (const QString &origin : allowedOrigins) {
        const QByteArray normalized = normalizedOrigin(origin);
        if (!normalized.isEmpty() && !m_origins.contains(normalized))
            m_origins.append(normalized);
    }
}

QByteArray CorsPolicy::normalizedOrigin(const QString &origin)
{
    QString text = origin.trimmed();
    while (text.endsWith(QLatin1Char('/')))
        text.chop(1);
    return text.toLower().toUtf8();
}

bool CorsPolicy::allows(const QByteArray &origin) const
{
    const QByteArray normalized = normalizedOrigin(QString::fromUtf8(origin));
    if (normalized.isEmpty() || normalized == "null")
        return false;
    return m_origins.contains(normalized);
}

net::HttpResponder::Headers CorsPolicy::responseHeaders(const net::HttpRequest &request) const
{
    net::HttpResponder::Headers headers;
    const QByteArray origin = request.header("origin");
    if (origin.isEmpty())
        return headers;
    // Caches must not hand one origin's answer to another.
    headers.emplaceBack("Vary", "Origin");
    if (!allows(origin))
        return headers;
    headers.emplaceBack("Access-Control-Allow-Origin", origin);
    headers.emplaceBack("Access-Control-Expose-Headers", "Content-Disposition");
    return headers;
}

net::HttpResponder::Headers CorsPolicy::preflightHeaders(const net::HttpRequest &request) const
{
    net::HttpResponder::Headers headers = responseHeaders(request);
    if (!allows(request.header("origin")))
        return headers;
    headers.emplaceBack("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE");
    headers.emplaceBack("Access-Control-Allow-Headers", "authorization, content-type, x-hermes-profile");
    headers.emplaceBack("Access-Control-Max-Age", "600");
    return headers;
}

} // namespace caduceus::webui
