#include "webui/WebUiServer.h"

#include "chat/SessionManager.h"
#include "relay/RelayServer.h"
#include "relay/SocketServer.h"
#include "version.h"
#include "webui/LandingPage.h"
#include "webui/ModelCatalog.h"
#include "webui/StaticFiles.h"

#include <QJsonArray>
#include <QPointer>
#include <QRegularExpression>

namespace caduceus::webui {

namespace {

// What the page shows when the agent's context window is not known (the web UI's own fallback).
constexpr qint64 kUnknownContextLength = 200'000;
// Multipart framing around the files: boundaries, part headers, a few plain fields.
constexpr qint64 kMultipartOverheadBytes = 1024 * 1024;
// The server's body limit fits an upload; every other call sends a small JSON object at most.
constexpr qint64 kMaxJsonBodyBytes = 1024 * 1024;

bool isApiPath(const QString &path)
{
    return path.startsWith(QLatin1String("/api/")) || path == QLatin1String("/api") ||
           path == QLatin1String("/upload");
}

bool isProfileName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_.-]{1,64}$"));
    return pattern.match(name).hasMatch() && !name.contains(QLatin1String(".."));
}

} // namespace

WebUiServer::WebUiServer(chat::SessionManager *manager, const QByteArray &token, const WebUiOptions &options,
                         QObject *parent)
    : QObject(parent), m_manager(manager), m_options(options), m_auth(token), m_cors(options.corsOrigins),
      m_sessions(manager), m_files(manager, options),
      m_models(new ModelCatalog(manager, options.modelsDeadlineMs, options.modelsCacheMs, this))
{
    if (!options.staticDir.isEmpty() && StaticFiles::checkRoot(options.staticDir).isEmpty())
        m_static = std::make_unique<StaticFiles>(options.staticDir);
}

WebUiServer::~WebUiServer() = default;

qint64 WebUiServer::requiredBodyBytes() const
{
    return m_options.maxUploadBytes + kMultipartOverheadBytes;
}

void WebUiServer::install(relay::RelayServer *server)
{
    m_authFailures = &server->socketServer()->authFailures();
    const QPointer<WebUiServer> self(this);
    server->setHttpHeadFallback([self](const net::HttpRequest &head) {
        return self ? self->headVerdict(head) : net::HttpHeadVerdict::proceed();
    });
    server->setHttpFallback([self](const net::HttpRequest &request, net::HttpResponder *responder) {
        if (self)
            self->handle(request, responder);
        else
            responder->sendError(503, QStringLiteral("The web UI service is stopping"));
    });
}

QString WebUiServer::requestedProfile(const net::HttpRequest &request) const
{
    QString profile = QString::fromUtf8(request.header("x-hermes-profile")).trimmed();
    if (profile.isEmpty())
        profile = request.query.queryItemValue(QStringLiteral("profile"), QUrl::FullyDecoded).trimmed();
    return isProfileName(profile) ? profile : QString();
}

net::HttpResponder::Headers WebUiServer::baseHeaders(const net::HttpRequest &request) const
{
    net::HttpResponder::Headers headers = m_cors.responseHeaders(request);
    // No other site may show these pages in a frame (clickjacking the chat or the sign-in).
    headers.emplaceBack("X-Frame-Options", "SAMEORIGIN");
    headers.emplaceBack("Content-Security-Policy", "frame-ancestors 'self'");
    return headers;
}

net::HttpHeadVerdict WebUiServer::headVerdict(const net::HttpRequest &head)
{
    const QString &path = head.path;
    if (head.method == "OPTIONS" || !isApiPath(path) ||
        (path == QLatin1String("/api/auth/status") && head.method == "GET"))
        return net::HttpHeadVerdict::proceed(); // the server's small default limit
    if (!m_auth.isAuthorized(head)) {
        const int delayMs = m_authFailures->recordFailure(
            head.peerAddress, QStringLiteral("REST %1 %2").arg(QString::fromLatin1(head.method), path));
        net::HttpResponder::Headers headers = baseHeaders(head);
        headers.emplaceBack("Cache-Control", "no-store");
        return net::HttpHeadVerdict::refuse(401, QStringLiteral("Unauthorized"), headers, delayMs);
    }
    if (path == QLatin1String("/upload") && head.method == "POST")
        return net::HttpHeadVerdict::proceed(requiredBodyBytes());
    return net::HttpHeadVerdict::proceed(kMaxJsonBodyBytes);
}

void WebUiServer::handle(const net::HttpRequest &request, net::HttpResponder *responder)
{
    const net::HttpResponder::Headers cors = baseHeaders(request);
    if (request.method == "OPTIONS") {
        // Preflights carry no credentials: answered without auth, and with a JSON body like every 2xx.
        net::HttpResponder::Headers headers = m_cors.preflightHeaders(request);
        headers.emplaceBack("Allow", "GET, HEAD, POST, PUT, DELETE, OPTIONS");
        responder->sendJson(200, QJsonObject{{QStringLiteral("ok"), true}}, headers);
        return;
    }
    const QString &path = request.path;
    if (!isApiPath(path)) {
        handlePublic(request, responder, cors);
        return;
    }
    net::HttpResponder::Headers headers = cors;
    headers.emplaceBack("Cache-Control", "no-store");
    if (path == QLatin1String("/api/auth/status") && request.method == "GET") {
        // The login page asks before it has a token: token-only sign-in, nothing secret here.
        responder->sendJson(200,
                            QJsonObject{{QStringLiteral("hasPasswordLogin"), false},
                                        {QStringLiteral("username"), QJsonValue(QJsonValue::Null)}},
                            headers);
        return;
    }
    if (!m_auth.isAuthorized(request)) {
        // Normally refused from the head already (headVerdict); this is for callers without that stage.
        m_authFailures->recordFailure(
            request.peerAddress, QStringLiteral("REST %1 %2").arg(QString::fromLatin1(request.method), path));
        responder->sendError(401, QStringLiteral("Unauthorized"), headers);
        return;
    }
    if (path != QLatin1String("/upload") && request.body.size() > kMaxJsonBodyBytes) {
        responder->sendError(413, QStringLiteral("The request body is over %1 bytes").arg(kMaxJsonBodyBytes),
                             headers);
        return;
    }
    const ApiRequest api(request, responder, headers, requestedProfile(request));
    handleApi(api, path.split(QLatin1Char('/'), Qt::SkipEmptyParts));
}

void WebUiServer::handlePublic(const net::HttpRequest &request, net::HttpResponder *responder,
                               const net::HttpResponder::Headers &headers)
{
    const bool isRead = request.method == "GET" || request.method == "HEAD";
    if (request.path == QLatin1String("/health") && isRead) {
        // No node_version: the page warns about old Node versions when it sees one.
        responder->sendJson(200,
                            QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")},
                                        {QStringLiteral("webui_update_available"), false},
                                        {QStringLiteral("platform"), QStringLiteral("caduceus")},
                                        {QStringLiteral("version"), QStringLiteral(CADUCEUS_VERSION_STRING)}},
                            headers + net::HttpResponder::Headers{{"Cache-Control", "no-store"}});
        return;
    }
    if (isRead && m_static && m_static->serve(request, responder, headers))
        return;
    if (isRead && !m_static && request.path == QLatin1String("/")) {
        const QString version = QStringLiteral(CADUCEUS_VERSION_STRING);
        if (LandingPage::prefersHtml(request))
            responder->send(200, "text/html; charset=utf-8", LandingPage::html(version), headers);
        else
            responder->sendJson(200, LandingPage::json(version), headers);
        return;
    }
    responder->sendError(404, QStringLiteral("Not found"), headers);
}

void WebUiServer::handleApi(const ApiRequest &api, const QStringList &s)
{
    const QByteArray &method = api.request().method;
    const bool get = method == "GET" || method == "HEAD";
    const bool post = method == "POST";
    auto wrongMethod = [&api](const QByteArray &allowed) {
        api.json(405, QJsonObject{{QStringLiteral("error"), QStringLiteral("Method not allowed")}},
                 {{"Allow", allowed}});
    };

    if (s == QStringList{QStringLiteral("upload")})
        return post ? m_files.upload(api) : wrongMethod("POST");
    if (s.size() < 3 || s[0] != QLatin1String("api") || s[1] != QLatin1String("hermes")) {
        api.error(404, QStringLiteral("Not found"));
        return;
    }
    const QString area = s[2];
    if (s.size() == 3) {
        if (area == QLatin1String("sessions"))
            return get ? m_sessions.list(api) : wrongMethod("GET");
        if (area == QLatin1String("profiles"))
            return get ? answerProfiles(api) : wrongMethod("GET");
        if (area == QLatin1String("config"))
            return get ? answerConfig(api) : wrongMethod("GET");
        if (area == QLatin1String("available-models"))
            return get ? answerModels(api) : wrongMethod("GET");
        if (area == QLatin1String("download"))
            return get ? m_files.download(api) : wrongMethod("GET");
    }
    if (s.size() == 4 && area == QLatin1String("search") && s[3] == QLatin1String("sessions"))
        return get ? m_sessions.search(api) : wrongMethod("GET");
    if (s.size() == 4 && area == QLatin1String("files") && s[3] == QLatin1String("list")) {
        // A drawer the chat page keeps hidden asks for this; Caduceus has no file browser to offer.
        if (!get)
            return wrongMethod("GET");
        api.json(200,
                 QJsonObject{{QStringLiteral("entries"), QJsonArray()}, {QStringLiteral("path"), QString()}});
        return;
    }
    if (area == QLatin1String("sessions") && s.size() == 4) {
        const QString &id = s[3];
        if (id == QLatin1String("context-length"))
            return get ? answerContextLength(api) : wrongMethod("GET");
        if (id == QLatin1String("batch-delete"))
            return post ? m_sessions.batchRemove(api) : wrongMethod("POST");
        if (get)
            return m_sessions.detail(api, id);
        if (method == "DELETE")
            return m_sessions.remove(api, id);
        return wrongMethod("GET, DELETE");
    }
    if (area == QLatin1String("sessions") && s.size() == 5) {
        if (s[4] == QLatin1String("rename"))
            return post ? m_sessions.rename(api, s[3]) : wrongMethod("POST");
        if (s[4] == QLatin1String("export"))
            return get ? m_sessions.exportSession(api, s[3]) : wrongMethod("GET");
    }
    api.error(404, QStringLiteral("Not found"));
}

void WebUiServer::answerProfiles(const ApiRequest &api) const
{
    QStringList names = m_manager->profiles();
    const QString active = m_manager->defaultProfile();
    if (names.isEmpty())
        names.append(active); // no agent configured yet: sessions still belong to the default profile
    QJsonArray profiles;
    for (const QString &name : std::as_const(names)) {
        const hermes::AgentEndpoint endpoint = m_manager->agent(name);
        QJsonObject profile{{QStringLiteral("name"), name}, {QStringLiteral("active"), name == active}};
        if (!endpoint.label.isEmpty())
            profile.insert(QStringLiteral("label"), endpoint.label);
        if (!endpoint.defaultModel.isEmpty())
            profile.insert(QStringLiteral("model"), endpoint.defaultModel);
        profiles.append(profile);
    }
    api.json(200, QJsonObject{{QStringLiteral("profiles"), profiles}});
}

void WebUiServer::answerConfig(const ApiRequest &api) const
{
    api.json(200, QJsonObject{{QStringLiteral("display"),
                               QJsonObject{{QStringLiteral("bell_on_complete"), m_options.bellOnComplete},
                                           {QStringLiteral("show_reasoning"), m_options.showReasoning}}}});
}

void WebUiServer::answerContextLength(const ApiRequest &api) const
{
    const QString profile = api.profile().isEmpty() ? m_manager->defaultProfile() : api.profile();
    const qint64 known = m_manager->agent(profile).contextLength;
    api.json(200, QJsonObject{{QStringLiteral("context_length"), known > 0 ? known : kUnknownContextLength},
                              {QStringLiteral("known"), known > 0}});
}

void WebUiServer::answerModels(const ApiRequest &api)
{
    const QPointer<net::HttpResponder> responder = api.responder();
    const net::HttpResponder::Headers headers = api.headers();
    m_models->fetch(api.profile(), [responder, headers](const QJsonObject &models) {
        if (responder)
            responder->sendJson(200, models, headers);
    });
}

} // namespace caduceus::webui
