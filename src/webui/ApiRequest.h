#pragma once
// One request to the web UI's REST API as its handlers see it: the parsed request, where to answer, the
// headers every answer carries (CORS, no caching) and the agent profile the page asked for.
#include "net/HttpRequest.h"
#include "net/HttpServer.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QPointer>

namespace caduceus::webui {

class ApiRequest
{
public:
    ApiRequest(const net::HttpRequest &request, net::HttpResponder *responder,
               net::HttpResponder::Headers headers, QString profile);

    const net::HttpRequest &request() const { return m_request; }
    net::HttpResponder *responder() const { return m_responder; }
    const net::HttpResponder::Headers &headers() const { return m_headers; }
    // X-Hermes-Profile, else ?profile=, else empty (the default profile).
    const QString &profile() const { return m_profile; }
    QString query(const QString &name) const;
    // ?name=N clamped to [min, max]; `fallback` when absent or not a number.
    int intQuery(const QString &name, int fallback, int min, int max) const;

    // The JSON object body, or false with a sentence for the 400 answer.
    bool jsonBody(QJsonObject *body, QString *error) const;

    bool json(int status, const QJsonValue &value, net::HttpResponder::Headers extra = {}) const;
    bool error(int status, const QString &message) const;
    bool ok() const; // 200 {"ok":true}
    bool send(int status, const QByteArray &contentType, const QByteArray &body,
              net::HttpResponder::Headers extra = {}) const;

private:
    net::HttpRequest m_request;
    QPointer<net::HttpResponder> m_responder;
    net::HttpResponder::Headers m_headers;
    QString m_profile;
};

} // namespace caduceus::webui
