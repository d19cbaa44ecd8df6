#include "webui/ApiAuth.h"

#include "relay/ChatRunNamespace.h"

namespace caduceus::webui {

ApiAuth::ApiAuth(QByteArray token) : m_token(std::move(token)) {}

QByteArray ApiAuth::presentedToken(const net::HttpRequest &request)
{
    const QByteArray bearer = request.bearerToken();
    if (!bearer.isEmpty())
        return bearer;
    if (!acceptsQueryToken(request))
        return {};
    return request.query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded).toUtf8();
}

bool ApiAuth::acceptsQueryToken(const net::HttpRequest &request)
{
    if (request.method != "GET" && request.method != "HEAD")
        return false;
    if (request.path == QLatin1String("/api/hermes/download"))
        return true;
    const QStringList segments = request.path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    return segments.size() == 5 && segments[0] == QLatin1String("api") &&
           segments[1] == QLatin1String("hermes") && segments[2] == QLatin1String("sessions") &&
           segments[4] == QLatin1String("export");
}

bool ApiAuth::isAuthorized(const net::HttpRequest &request) const
{
    if (m_token.isEmpty())
        return false;
    return relay::ChatRunNamespace::constantTimeEquals(presentedToken(request), m_token);
}

} // namespace caduceus::webui
