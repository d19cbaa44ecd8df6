#pragma once
// Cross-origin access to the REST API, for the origins the user configured and no other. Serving the
// page from Caduceus itself (same origin) needs none of this; a page served elsewhere (a dev server)
// does. Other origins get no CORS headers, so the browser keeps their scripts from reading answers.
#include "net/HttpRequest.h"
#include "net/HttpServer.h"

#include <QStringList>

namespace caduceus::webui {

class CorsPolicy
{
public:
    explicit CorsPolicy(const QStringList &allowedOrigins);

    // Exact match on scheme://host[:port], case-insensitive; "null" and empty never match.
    bool allows(const QByteArray &origin) const;
    // Headers for an actual request (none when the Origin is not allowed or absent).
    net::HttpResponder::Headers responseHeaders(const net::HttpRequest &request) const;
    // Headers answering a preflight (OPTIONS with Access-Control-Request-Method).
    net::HttpResponder::Headers preflightHeaders(const net::HttpRequest &request) const;

    static QByteArray normalizedOrigin(const QString &origin);

private:
    QList<QByteArray> m_origins;
};

} // namespace caduceus::webui
