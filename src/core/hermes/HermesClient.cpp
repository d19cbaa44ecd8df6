#include "hermes/HermesClient.h"

#include "hermes/EventStreamConnection.h"
#include "hermes/TlsTrust.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrlQuery>
#include <QUuid>

Q_LOGGING_CATEGORY(lcHermes, "caduceus.hermes")

namespace caduceus::hermes {

HermesClient::HermesClient(const AgentEndpoint &endpoint, QNetworkAccessManager *nam, QObject *parent)
    : QObject(parent), m_endpoint(endpoint), m_nam(nam)
{
}

void HermesClient::setEndpoint(const AgentEndpoint &endpoint)
{
    m_endpoint = endpoint;
    m_capabilities = Capabilities();
    m_capabilitiesLoaded = false;
    m_reachable = -1;
}

QString HermesClient::sanitizeSessionKey(const QString &key)
{
    QString out;
    out.reserve(qMin(key.size(), qsizetype(256)));
    for (QChar c : key) {
        if (out.size() >= 256)
            break;
        out.append(c == QLatin1Char('\r') || c == QLatin1Char('\n') || c == QChar(0) ? QLatin1Char('_') : c);
    }
    return out;
}

QString HermesClient::newIdempotencyKey()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QNetworkRequest HermesClient::makeRequest(const QString &path, int timeoutMs) const
{
    QUrl url = m_endpoint.baseUrl;
    const qsizetype q = path.indexOf(QLatin1Char('?'));
    QString basePath = url.path();
    if (basePath.endsWith(QLatin1Char('/')))
        basePath.chop(1);
    url.setPath(basePath + (q < 0 ? path : path.left(q)), QUrl::TolerantMode);
    if (q >= 0)
        url.setQuery(path.mid(q + 1));
    QNetworkRequest request(url);
    if (!m_endpoint.apiKey.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_endpoint.apiKey.toUtf8());
    request.setRawHeader("Accept", "application/json");
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    if (timeoutMs > 0)
        request.setTransferTimeout(timeoutMs);
    return request;
}

void HermesClient::applyTlsTrust(QNetworkReply *reply, const QStringList &trustedCertificates)
{
    connect(reply, &QNetworkReply::sslErrors, reply, [reply, trustedCertificates](const QList<QSslError> &errors) {
        const QSslCertificate peer = reply->sslConfiguration().peerCertificate();
        const TlsTrust::Decision decision = TlsTrust::decide(reply->url().host(), peer, errors, trustedCertificates);
        if (decision.accepted) {
            reply->ignoreSslErrors(decision.ignore);
            return;
        }
        reply->setProperty("caduceusTlsRefusal", decision.refusal);
        reply->setProperty("caduceusTlsFingerprint", decision.fingerprint);
    });
}

ApiResult HermesClient::resultFromReply(QNetworkReply *reply, const QByteArray &body, const QUrl &baseUrl)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 0)
        return resultFromHttp(status, body, reply->rawHeader("Retry-After"));
    ApiResult r;
    const auto err = reply->error();
    r.error = err == QNetworkReply::TimeoutError || err == QNetworkReply::OperationCanceledError
                  ? ApiResult::Error::Timeout
                  : ApiResult::Error::Network;
    const QString tlsRefusal = reply->property("caduceusTlsRefusal").toString();
    if (!tlsRefusal.isEmpty()) {
        r.message = QStringLiteral("Cannot reach the agent at %1: %2").arg(baseUrl.toDisplayString(), tlsRefusal);
        r.untrustedCertificate = reply->property("caduceusTlsFingerprint").toString();
        r.untrustedHost = reply->url().host();
    } else if (reply->property("caduceusTooLarge").toBool()) {
        r.error = ApiResult::Error::BadResponse;
        r.message = QStringLiteral("The agent's answer was too large and was cut off.");
    } else if (r.error == ApiResult::Error::Timeout) {
        r.message = QStringLiteral("The agent at %1 did not answer in time.").arg(baseUrl.toDisplayString());
    } else {
        r.message = QStringLiteral("Cannot reach the agent at %1: %2. Is Hermes Agent running?")
                        .arg(baseUrl.toDisplayString(), reply->errorString());
    }
    return r;
}

ApiResult HermesClient::resultFromHttp(int status, const QByteArray &body, const QByteArray &retryAfter)
{
    ApiResult r;
    r.httpStatus = status;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject())
        r.json = doc.object();
    if (!retryAfter.isEmpty()) {
        bool ok = false;
        const int seconds = retryAfter.trimmed().toInt(&ok);
        r.retryAfterSeconds = ok && seconds >= 0 ? seconds : 1;
    }
    if (r.httpStatus >= 200 && r.httpStatus < 300) {
        if (!body.trimmed().isEmpty() && !doc.isObject()) {
            r.error = ApiResult::Error::BadResponse;
            r.message = QStringLiteral("The agent sent an answer that is not a JSON object (HTTP %1).").arg(r.httpStatus);
        }
        return r;
    }

    // OpenAI envelope {"error":{"message","type","param","code"}}; some builds send {"error":"text"}.
    QString detail;
    const QJsonValue error = r.json.value(QLatin1String("error"));
    if (error.isObject()) {
        const QJsonObject e = error.toObject();
        detail = e.value(QLatin1String("message")).toString();
        r.code = e.value(QLatin1String("code")).toString(e.value(QLatin1String("type")).toString());
    } else if (error.isString()) {
        detail = error.toString();
    }
    if (detail.isEmpty())
        detail = QString::fromUtf8(body.left(300)).trimmed();
    const QString suffix = detail.isEmpty() ? QString() : QStringLiteral(": ") + detail;
    switch (r.httpStatus) {
    case 401:
    case 403:
        r.error = ApiResult::Error::Unauthorized;
        r.message = QStringLiteral("The agent refused the API key (HTTP %1)%2. Check the key in Settings.")
                        .arg(r.httpStatus)
                        .arg(suffix);
        break;
    case 404:
        r.error = ApiResult::Error::NotFound;
        r.message = QStringLiteral("Not found on the agent (HTTP 404)%1.").arg(suffix);
        break;
    case 409:
        r.error = ApiResult::Error::Conflict;
        r.message = QStringLiteral("The agent reports a conflict (HTTP 409)%1.").arg(suffix);
        break;
    case 413:
        r.error = ApiResult::Error::TooLarge;
        r.message = QStringLiteral("The message is too large for the agent (over 10 MB).");
        break;
    case 429:
        r.error = ApiResult::Error::RateLimited;
        r.message = QStringLiteral("The agent is busy and asks to retry later (HTTP 429)%1.").arg(suffix);
        break;
    case 503:
        r.error = ApiResult::Error::Unavailable;
        r.message = QStringLiteral("The agent is temporarily unavailable (HTTP 503)%1.").arg(suffix);
        break;
    default:
        r.error = ApiResult::Error::Http;
        r.message = QStringLiteral("The agent answered HTTP %1%2.").arg(r.httpStatus).arg(suffix);
    }
    return r;
}

void HermesClient::noteReachability(const ApiResult &result)
{
    const bool reachable = result.httpStatus != 0;
    const int state = reachable ? 1 : 0;
    if (state == m_reachable)
        return;
    m_reachable = state;
    Q_EMIT reachabilityChanged(reachable, reachable ? QString() : result.message);
}

void HermesClient::send(Call call, QObject *context, Callback callback)
{
    QPointer<QObject> guard(context);
    QNetworkRequest request = makeRequest(call.path, call.timeoutMs);
    if (!call.body.isNull())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    for (const auto &[name, value] : call.headers)
        request.setRawHeader(name, value);

    QNetworkReply *reply = m_nam->sendCustomRequest(request, call.method, call.body);
    const qint64 maxBytes = m_options.maxResponseBytes;
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply, maxBytes](qint64 received, qint64) {
        if (received > maxBytes) {
            reply->setProperty("caduceusTooLarge", true);
            reply->abort();
        }
    });
    applyTlsTrust(reply, m_endpoint.trustedCertificates);
    connect(reply, &QNetworkReply::finished, this, [this, reply, call, guard, callback, context]() mutable {
        reply->deleteLater();
        const QByteArray body = reply->property("caduceusTooLarge").toBool() ? QByteArray() : reply->readAll();
        ApiResult result = resultFromReply(reply, body, m_endpoint.baseUrl);
        noteReachability(result);
        const bool retryable = result.error == ApiResult::Error::RateLimited ||
                               result.error == ApiResult::Error::Unavailable ||
                               (call.retryNetworkErrors && result.untrustedHost.isEmpty() &&
                                (result.error == ApiResult::Error::Network || result.error == ApiResult::Error::Timeout));
        if (retryable && call.attemptsLeft > 0 && !guard.isNull()) {
            int delaySeconds = result.retryAfterSeconds >= 0 ? result.retryAfterSeconds : 1;
            delaySeconds = qBound(0, delaySeconds, m_options.maxRetryAfterSeconds);
            --call.attemptsLeft;
            qCInfo(lcHermes) << call.method << call.path << "retrying in" << delaySeconds << "s:" << result.message;
            QTimer::singleShot(delaySeconds * 1000, this, [this, call, context, callback, guard]() {
                if (guard.isNull())
                    return;
                send(call, context, callback);
            });
            return;
        }
        if (!result.ok())
            qCInfo(lcHermes) << call.method << call.path << "failed:" << result.message;
        if (!guard.isNull())
            callback(result);
    });
}

void HermesClient::health(QObject *context, Callback callback)
{
    send(Call{"GET", QStringLiteral("/health"), {}, {}, m_options.requestTimeoutMs, false, 0}, context,
         std::move(callback));
}

void HermesClient::capabilities(QObject *context, CapabilitiesCallback callback, bool refresh)
{
    if (m_capabilitiesLoaded && !refresh) {
        callback(m_capabilities, ApiResult{});
        return;
    }
    send(Call{"GET", QStringLiteral("/v1/capabilities"), {}, {}, m_options.requestTimeoutMs, true, 1}, context,
         [this, callback](const ApiResult &r) {
             if (r.ok()) {
                 m_capabilities = Capabilities::fromJson(r.json);
                 m_capabilitiesLoaded = true;
             } else if (r.error == ApiResult::Error::NotFound) {
                 // An older agent without the endpoint: known to have no optional features.
                 m_capabilities = Capabilities();
                 m_capabilitiesLoaded = true;
             }
             callback(m_capabilities, r);
         });
}

void HermesClient::models(QObject *context, Callback callback)
{
    send(Call{"GET", QStringLiteral("/v1/models"), {}, {}, m_options.requestTimeoutMs, true, 1}, context,
         std::move(callback));
}

void HermesClient::startRun(const StartRun &request, QObject *context, Callback callback)
{
    // Whether a POST whose answer was lost may be sent again depends on runs_idempotency: learn it before
    // the first run, or a timed-out start is reported as failed while the agent runs it (and a second try
    // by the user starts it twice).
    if (!m_capabilitiesLoaded) {
        QPointer<QObject> guard(context);
        capabilities(this, [this, request, guard, callback](const Capabilities &, const ApiResult &) {
            if (!guard.isNull())
                sendStartRun(request, guard.data(), callback);
        });
        return;
    }
    sendStartRun(request, context, std::move(callback));
}

void HermesClient::sendStartRun(const StartRun &request, QObject *context, Callback callback)
{
    QJsonObject body;
    if (request.inputMessages.isEmpty())
        body.insert(QStringLiteral("input"), request.input);
    else
        body.insert(QStringLiteral("input"), request.inputMessages); // attachments inline (chat::AgentInput)
    if (!request.agentSessionId.isEmpty())
        body.insert(QStringLiteral("session_id"), request.agentSessionId);
    if (!request.model.isEmpty())
        body.insert(QStringLiteral("model"), request.model);
    if (!request.instructions.isEmpty())
        body.insert(QStringLiteral("instructions"), request.instructions);
    if (!request.history.isEmpty())
        body.insert(QStringLiteral("conversation_history"), request.history);

    Call call{"POST", QStringLiteral("/v1/runs"), QJsonDocument(body).toJson(QJsonDocument::Compact), {},
              m_options.startRunTimeoutMs, false, m_options.maxRetries};
    if (!request.sessionKey.isEmpty())
        call.headers.append({"X-Hermes-Session-Key", sanitizeSessionKey(request.sessionKey).toUtf8()});
    const QString key = request.idempotencyKey.isEmpty() ? newIdempotencyKey() : request.idempotencyKey;
    call.headers.append({"Idempotency-Key", key.toUtf8()});
    // With idempotent runs a POST that may have reached the agent can be retried safely.
    call.retryNetworkErrors = m_capabilities.supportsIdempotency();
    send(std::move(call), context, [callback](const ApiResult &r) {
        if (r.ok() && r.json.value(QLatin1String("run_id")).toString().isEmpty()) {
            ApiResult bad = r;
            bad.error = ApiResult::Error::BadResponse;
            bad.message = QStringLiteral("The agent accepted the run but sent no run_id.");
            callback(bad);
            return;
        }
        callback(r);
    });
}

void HermesClient::runStatus(const QString &runId, QObject *context, Callback callback)
{
    send(Call{"GET", m_capabilities.path(QStringLiteral("run_status"), QStringLiteral("/v1/runs/{run_id}"), runId), {}, {},
              m_options.requestTimeoutMs, false, 1},
         context, std::move(callback));
}

void HermesClient::stopRun(const QString &runId, QObject *context, Callback callback)
{
    send(Call{"POST", m_capabilities.path(QStringLiteral("run_stop"), QStringLiteral("/v1/runs/{run_id}/stop"), runId),
              QByteArray("{}"), {}, m_options.requestTimeoutMs, false, 1},
         context, std::move(callback));
}

void HermesClient::respondApproval(const QString &runId, const QString &choice, bool all, QObject *context,
                                   Callback callback)
{
    const QJsonObject body{{QStringLiteral("choice"), choice}, {QStringLiteral("all"), all}};
    send(Call{"POST",
              m_capabilities.path(QStringLiteral("run_approval"), QStringLiteral("/v1/runs/{run_id}/approval"), runId),
              QJsonDocument(body).toJson(QJsonDocument::Compact), {}, m_options.requestTimeoutMs, false, 1},
         context, std::move(callback));
}

void HermesClient::steer(const QString &runId, const QString &input, QObject *context, Callback callback)
{
    const QJsonObject body{{QStringLiteral("input"), input}};
    send(Call{"POST", m_capabilities.path(QStringLiteral("run_steer"), QStringLiteral("/v1/runs/{run_id}/steer"), runId),
              QJsonDocument(body).toJson(QJsonDocument::Compact), {}, m_options.requestTimeoutMs, false, 1},
         context, std::move(callback));
}

void HermesClient::sessionMessages(const QString &agentSessionId, QObject *context, Callback callback)
{
    send(Call{"GET",
              m_capabilities.path(QStringLiteral("session_messages"), QStringLiteral("/api/sessions/{session_id}/messages"),
                                  {}, agentSessionId),
              {}, {}, m_options.requestTimeoutMs, true, 1},
         context, std::move(callback));
}

void HermesClient::deleteSession(const QString &agentSessionId, QObject *context, Callback callback)
{
    send(Call{"DELETE",
              m_capabilities.path(QStringLiteral("session_delete"), QStringLiteral("/api/sessions/{session_id}"), {},
                                  agentSessionId),
              {}, {}, m_options.requestTimeoutMs, false, 0},
         context, std::move(callback));
}

EventStreamConnection *HermesClient::openEventStream(const QString &runId, QObject *parent)
{
    // A stream stays open for its whole run. Qt 6.4's manager opens at most six HTTP/1.1 connections per
    // host, so on the shared manager six running sessions would queue every other call behind their
    // streams; a manager per stream costs a thread per run. Streams get a connection of their own instead.
    const QNetworkRequest request = makeRequest(
        m_capabilities.path(QStringLiteral("run_events"), QStringLiteral("/v1/runs/{run_id}/events"), runId),
        0);
    EventStreamConnection::Request stream;
    stream.url = request.url();
    if (!m_endpoint.apiKey.isEmpty())
        stream.headers.append({QByteArray("Authorization"), "Bearer " + m_endpoint.apiKey.toUtf8()});
    stream.headers.append({QByteArray("Accept"), QByteArray("text/event-stream")});
    stream.headers.append({QByteArray("Cache-Control"), QByteArray("no-cache")});
    stream.proxy = m_nam->proxy();
    stream.trustedCertificates = m_endpoint.trustedCertificates;
    auto *connection = new EventStreamConnection(stream, parent);
    connection->open();
    return connection;
}

} // namespace caduceus::hermes
