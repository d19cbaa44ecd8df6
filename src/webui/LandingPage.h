#pragma once
// What "/" answers when no web UI folder is configured: what this server is and how to connect to it,
// as a small HTML page for a browser and as JSON for anything else.
#include "net/HttpRequest.h"

#include <QByteArray>
#include <QJsonObject>

namespace caduceus::webui {

class LandingPage
{
public:
    static QJsonObject json(const QString &version);
    static QByteArray html(const QString &version);
    static bool prefersHtml(const net::HttpRequest &request);
};

} // namespace caduceus::webui
