#pragma once
// The HTTP side of the hermes-web-ui chat page on the relay's port (WEB-UI.md), beside Socket.IO:
//   - the REST calls the page makes, answered from Caduceus's own store and agents;
//   - the user's built web UI at "/" (or, without one, a page saying what this server is);
//   - the same token as the /chat-run socket (Bearer header or ?token=), CORS for configured origins.
// Its three rules: a request with the valid token never gets 401, nothing hangs (every answer is
// immediate or bounded by a deadline), and every 2xx of the API carries a JSON body.
//
//   auto *webUi = new WebUiServer(manager, token, options, relayServer);
//   webUi->install(relayServer);
#include "net/HttpServer.h"
#include "relay/AuthFailures.h"
#include "webui/ApiAuth.h"
#include "webui/CorsPolicy.h"
#include "webui/FilesApi.h"
#include "webui/SessionsApi.h"
#include "webui/WebUiOptions.h"

#include <QObject>
#include <memory>

namespace caduceus::chat {
class SessionManager;
}
namespace caduceus::relay {
class RelayServer;
}

namespace caduceus::webui {

class ModelCatalog;
class StaticFiles;

class WebUiServer : public QObject
{
    Q_OBJECT
public:
    WebUiServer(chat::SessionManager *manager, const QByteArray &token, const WebUiOptions &options,
                QObject *parent = nullptr);
    ~WebUiServer() override;

    // Answers every HTTP request the relay does not route to an Engine.IO endpoint, and decides on
    // their heads (headVerdict); failed token checks count with the /chat-run socket's.
    void install(relay::RelayServer *server);
    void handle(const net::HttpRequest &request, net::HttpResponder *responder);
    // Before the body is read: an API request without the token gets 401 (after a back-off delay when
    // its address keeps failing) and its body is never read; the token's uploads may send
    // requiredBodyBytes(), other API calls a small JSON body, public paths nearly nothing.
    net::HttpHeadVerdict headVerdict(const net::HttpRequest &head);

    const WebUiOptions &options() const { return m_options; }
    bool servesStaticFiles() const { return m_static != nullptr; }
    // Body limit an HTTP server needs for uploads: the files plus the multipart framing.
    qint64 requiredBodyBytes() const;

private:
    void handleApi(const ApiRequest &api, const QStringList &segments);
    void handlePublic(const net::HttpRequest &request, net::HttpResponder *responder,
                      const net::HttpResponder::Headers &headers);
    void answerProfiles(const ApiRequest &api) const;
    void answerConfig(const ApiRequest &api) const;
    void answerContextLength(const ApiRequest &api) const;
    void answerModels(const ApiRequest &api);
    QString requestedProfile(const net::HttpRequest &request) const;
    net::HttpResponder::Headers baseHeaders(const net::HttpRequest &request) const;

    chat::SessionManager *m_manager;
    WebUiOptions m_options;
    ApiAuth m_auth;
    relay::AuthFailures m_ownAuthFailures;
    relay::AuthFailures *m_authFailures = &m_ownAuthFailures;
    CorsPolicy m_cors;
    SessionsApi m_sessions;
    FilesApi m_files;
    ModelCatalog *m_models;
    std::unique_ptr<StaticFiles> m_static;
};

} // namespace caduceus::webui
