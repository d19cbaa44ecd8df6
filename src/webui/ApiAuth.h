#pragma once
// The relay token guards the REST API exactly as it guards the /chat-run socket: "Authorization: Bearer
// <token>" (REST calls) or "?token=<token>" (download, export and image URLs the page puts in <img>/<a>).
// Compared in constant time; an empty configured token authorizes nothing (SPEC 8).
#include "net/HttpRequest.h"

#include <QByteArray>

namespace caduceus::webui {

class ApiAuth
{
public:
    explicit ApiAuth(QByteArray token);

    bool isAuthorized(const net::HttpRequest &request) const;
    // The Bearer token when there is an Authorization header, else the token query item.
    static QByteArray presentedToken(const net::HttpRequest &request);

private:
    QByteArray m_token;
};

} // namespace caduceus::webui
