#pragma once
// The relay token guards the REST API exactly as it guards the /chat-run socket: "Authorization: Bearer
// <token>" (REST calls) or "?token=<token>" only where the page cannot set a header: the GET download and
// export URLs it puts in <img>/<a> (WEB-UI.md). A token in a URL ends up in history and logs, so no
// other call (nothing that changes anything) takes it there. Compared in constant time; an empty
// configured token authorizes nothing (SPEC 8).
#include "net/HttpRequest.h"

#include <QByteArray>

namespace caduceus::webui {

class ApiAuth
{
public:
    explicit ApiAuth(QByteArray token);

    bool isAuthorized(const net::HttpRequest &request) const;
    // The Bearer token when there is an Authorization header, else the token query item where it is
    // accepted (acceptsQueryToken), else empty.
    static QByteArray presentedToken(const net::HttpRequest &request);
    // GET/HEAD of /api/hermes/download or /api/hermes/sessions/<id>/export: URLs the browser opens.
    static bool acceptsQueryToken(const net::HttpRequest &request);

private:
    QByteArray m_token;
};

} // namespace caduceus::webui
