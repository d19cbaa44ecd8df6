#include "webui/ApiAuth.h"

#include "relay/ChatRunNamespace.h"

namespace caduceus::webui {

ApiAuth::ApiAuth(QByteArray token) : m_token(std::move(token)) {}

QByteArray ApiAuth::presentedToken(const net::HttpRequest &request)
{
    const QByteArray bearer = request.bearerToken();
    if (!bearer.isEmpty())
        return bearer;
    return request.query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded).toUtf8();
}

bool ApiAuth::isAuthorized(const net::HttpRequest &request) const
{
    if (m_token.isEmpty())
        return false;
    return relay::ChatRunNamespace::constantTimeEquals(presentedToken(request), m_token);
}

} // namespace caduceus::webui
