#include "webui/LandingPage.h"

#include <QJsonArray>

namespace caduceus::webui {

QJsonObject LandingPage::json(const QString &version)
{
    return QJsonObject{
        {QStringLiteral("name"), QStringLiteral("Caduceus relay")},
        {QStringLiteral("version"), version},
        {QStringLiteral("description"),
         QStringLiteral("A local relay for Hermes Agent that speaks the hermes-web-ui chat protocol.")},
        {QStringLiteral("socket_io"),
         QJsonObject{{QStringLiteral("path"), QStringLiteral("/socket.io/")},
                     {QStringLiteral("namespace"), QStringLiteral("/chat-run")},
                     {QStringLiteral("auth"), QStringLiteral("{\"token\": <relay token>}")}}},
        {QStringLiteral("rest"), QStringLiteral("/api/hermes/… with Authorization: Bearer <relay token>")},
        {QStringLiteral("web_ui"), false},
        {QStringLiteral("how_to_connect"),
         QStringLiteral(
             "Start Caduceus with --web-ui <hermes-web-ui dist/client folder> to open the chat page "
             "here, or point a hermes-web-ui client at this address and sign in with the token "
             "Caduceus printed at start.")},
    };
}

QByteArray LandingPage::html(const QString &version)
{
    const QString page =
        QStringLiteral(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>Caduceus relay</title>"
            "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 "
            "1rem;color:#222}"
            "code{background:#f1f1f1;padding:.1rem .3rem;border-radius:3px}</style></head><body>"
            "<h1>Caduceus relay %1</h1>"
            "<p>This is a local relay for Hermes Agent. It speaks the chat protocol of hermes-web-ui: "
            "Socket.IO at "
            "<code>/socket.io/</code>, namespace <code>/chat-run</code>, and the chat page's REST calls "
            "under "
            "<code>/api/hermes/</code>.</p>"
            "<h2>How to connect</h2><ol>"
            "<li>Build hermes-web-ui (<code>npm run build</code>) and start Caduceus with "
            "<code>caduceus --relay --web-ui &lt;hermes-web-ui&gt;/dist/client</code>; the chat page is then "
            "served "
            "here.</li>"
            "<li>Sign in with the token Caduceus printed when it started.</li></ol>"
            "<p>Other programs: send <code>Authorization: Bearer &lt;token&gt;</code> with REST calls and "
            "<code>{\"token\": …}</code> as the Socket.IO auth.</p></body></html>\n")
            .arg(version.toHtmlEscaped());
    return page.toUtf8();
}

bool LandingPage::prefersHtml(const net::HttpRequest &request)
{
    return request.header("accept").contains("text/html");
}

} // namespace caduceus::webui
