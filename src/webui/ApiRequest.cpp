#include "webui/ApiRequest.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace caduceus::webui {

ApiRequest::ApiRequest(const net::HttpRequest &request, net::HttpResponder *responder,
                       net::HttpResponder::Headers headers, QString profile)
    : m_request(request), m_responder(responder), m_headers(std::move(headers)), m_profile(std::move(profile))
{
}

QString ApiRequest::query(const QString &name) const
{
    return m_request.query.queryItemValue(name, QUrl::FullyDecoded);
}

int ApiRequest::intQuery(const QString &name, int fallback, int min, int max) const
{
    bool ok = false;
    const int value = query(name).trimmed().toInt(&ok);
    return ok ? qBound(min, value, max) : fallback;
}

bool ApiRequest::jsonBody(QJsonObject *body, QString *error) const
{
    if (m_request.body.trimmed().isEmpty()) {
        *error = QStringLiteral("The request has no JSON body");
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(m_request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        *error = parseError.error != QJsonParseError::NoError
                     ? QStringLiteral("The body is not valid JSON: %1").arg(parseError.errorString())
                     : QStringLiteral("The body must be a JSON object");
        return false;
    }
    *body = document.object();
    return true;
}

bool ApiRequest::json(int status, const QJsonValue &value, net::HttpResponder::Headers extra) const
{
    if (!m_responder)
        return false;
    return m_responder->sendJson(status, value, m_headers + extra);
}

bool ApiRequest::error(int status, const QString &message) const
{
    return json(status, QJsonObject{{QStringLiteral("error"), message}});
}

bool ApiRequest::ok() const
{
    return json(200, QJsonObject{{QStringLiteral("ok"), true}});
}

bool ApiRequest::send(int status, const QByteArray &contentType, const QByteArray &body,
                      net::HttpResponder::Headers extra) const
{
    if (!m_responder)
        return false;
    return m_responder->send(status, contentType, body, m_headers + extra);
}

} // namespace caduceus::webui
