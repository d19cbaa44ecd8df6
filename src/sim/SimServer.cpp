#include "SimServer.h"

#include "RandomIds.h"
#include "RunInputParts.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace caduceus::sim {

namespace {

constexpr int kMaxIdLength = 256;
constexpr int kThrottledAttempts = 2; // rate429 / unavailable503 refuse this many times, then accept

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    const qsizetype length = std::max(a.size(), b.size());
    unsigned char difference = a.size() == b.size() ? 0 : 1;
    for (qsizetype i = 0; i < length; ++i) {
        const unsigned char left = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        const unsigned char right = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        difference |= left ^ right;
    }
    return difference == 0;
}

bool isReadMethod(const net::HttpRequest &request)
{
    return request.method == "GET" || request.method == "HEAD";
}

bool isValidId(const QString &id)
{
    if (id.isEmpty() || id.size() > kMaxIdLength)
        return false;
    for (const QChar ch : id) {
        if (!(ch.isLetterOrNumber() || ch == QLatin1Char('_') || ch == QLatin1Char('-') ||
              ch == QLatin1Char('.') || ch == QLatin1Char(':')))
            return false;
    }
    return true;
}

QJsonObject endpoint(const char *method, const char *path)
{
    return QJsonObject{{QStringLiteral("method"), QLatin1String(method)},
                       {QStringLiteral("path"), QLatin1String(path)}};
}

QString errorTypeFor(int status)
{
    if (status == 429)
        return QStringLiteral("rate_limit_error");
    if (status >= 500)
        return QStringLiteral("server_error");
    return QStringLiteral("invalid_request_error");
}

QJsonObject envelope(const QString &message, const QString &type, const QJsonValue &code,
                     const QJsonValue &param)
{
    return QJsonObject{{QStringLiteral("error"), QJsonObject{{QStringLiteral("message"), message},
                                                             {QStringLiteral("type"), type},
                                                             {QStringLiteral("param"), param},
                                                             {QStringLiteral("code"), code}}}};
}

// Optional string field: absent and null are fine, any other type is an error.
bool readOptionalString(const QJsonObject &object, const QString &key, QString *value)
{
    const QJsonValue field = object.value(key);
    if (field.isUndefined() || field.isNull())
        return true;
    if (!field.isString())
        return false;
    *value = field.toString();
    return true;
}

} // namespace

SimServer::SimServer(const SimOptions &options, QObject *parent) : QObject(parent), m_options(options)
{
    net::HttpServerLimits limits;
    limits.maxBodyBytes = 10 * 1024 * 1024; // the agent's limit: 413 beyond
    m_http.setLimits(limits);
    m_http.setErrorBody([](int status, const QString &message) {
        return envelope(message, errorTypeFor(status),
                        status == 413 ? QJsonValue(QStringLiteral("request_too_large"))
                                      : QJsonValue(QJsonValue::Null),
                        QJsonValue::Null);
    });
    m_http.setHandler(
        [this](const net::HttpRequest &request, Responder *responder) { handle(request, responder); });

    m_expiryTimer.setInterval(60'000);
    connect(&m_expiryTimer, &QTimer::timeout, this, &SimServer::expireRuns);
    m_expiryTimer.start();
}

bool SimServer::listen(QString *error)
{
    const QHostAddress address(m_options.host == QLatin1String("localhost") ? QStringLiteral("127.0.0.1")
                                                                            : m_options.host);
    if (address.isNull()) {
        *error = QStringLiteral("\"%1\" is not an IP address to listen on").arg(m_options.host);
        return false;
    }
    if (!m_http.listen(address, m_options.port)) {
        *error = QStringLiteral("Cannot listen on %1:%2: %3")
                     .arg(m_options.host)
                     .arg(m_options.port)
                     .arg(m_http.errorString());
        return false;
    }
    return true;
}

QString SimServer::baseUrl() const
{
    const QString host = m_options.host.contains(QLatin1Char(':'))
                             ? QStringLiteral("[%1]").arg(m_options.host)
                             : m_options.host;
    return QStringLiteral("http://%1:%2").arg(host).arg(port());
}

void SimServer::sendJson(Responder *responder, int status, const OrderedFields &fields,
                         const net::HttpResponder::Headers &extra)
{
    responder->send(status, "application/json", python_json::object(fields), extra);
}

void SimServer::sendError(Responder *responder, int status, const QString &message, const QString &type,
                          const QJsonValue &code, const QJsonValue &param,
                          const net::HttpResponder::Headers &extra)
{
    QByteArray body;
    python_json::appendValue(body, envelope(message, type, code, param));
    responder->send(status, "application/json", body, extra);
}

void SimServer::sendRunNotFound(Responder *responder, const QString &runId)
{
    sendError(responder, 404, QStringLiteral("Run not found: %1").arg(runId),
              QStringLiteral("invalid_request_error"), QStringLiteral("run_not_found"));
}

bool SimServer::isAuthorized(const net::HttpRequest &request) const
{
    if (m_options.apiKey.isEmpty())
        return true;
    return constantTimeEquals(request.bearerToken(), m_options.apiKey.toUtf8());
}

void SimServer::handle(const net::HttpRequest &request, Responder *responder)
{
    const QStringList segments = request.path.split(QLatin1Char('/'), Qt::SkipEmptyParts);

    if (request.path == QLatin1String("/health") && isReadMethod(request)) {
        sendJson(responder, 200,
                 {{QStringLiteral("status"), QStringLiteral("ok")},
                  {QStringLiteral("platform"), QStringLiteral("hermes-agent")},
                  {QStringLiteral("version"), m_options.version}});
        return;
    }
    if (!isAuthorized(request)) {
        sendError(responder, 401,
                  QStringLiteral("Invalid API key. Send it as \"Authorization: Bearer <key>\"."),
                  QStringLiteral("invalid_request_error"), QStringLiteral("invalid_api_key"));
        return;
    }

    if (segments.size() >= 2 && segments.at(0) == QLatin1String("v1")) {
        if (segments.size() == 2 && segments.at(1) == QLatin1String("capabilities") &&
            isReadMethod(request)) {
            QByteArray body;
            python_json::appendValue(body, capabilities());
            responder->send(200, "application/json", body);
            return;
        }
        if (segments.size() == 2 && segments.at(1) == QLatin1String("models") && isReadMethod(request)) {
            const QJsonObject model{{QStringLiteral("id"), QStringLiteral("hermes-agent")},
                                    {QStringLiteral("object"), QStringLiteral("model")},
                                    {QStringLiteral("owned_by"), QStringLiteral("hermes")},
                                    {QStringLiteral("created"), 1764072000}};
            sendJson(responder, 200,
                     {{QStringLiteral("object"), QStringLiteral("list")},
                      {QStringLiteral("data"), QJsonArray{model}}});
            return;
        }
        if (segments.at(1) == QLatin1String("runs")) {
            routeRun(request, segments, responder);
            return;
        }
    }
    if (segments.size() >= 2 && segments.at(0) == QLatin1String("api") &&
        segments.at(1) == QLatin1String("sessions")) {
        routeSessions(request, segments, responder);
        return;
    }
    sendError(responder, 404,
              QStringLiteral("Not found: %1 %2").arg(QString::fromLatin1(request.method), request.path),
              QStringLiteral("invalid_request_error"), QStringLiteral("not_found"));
}

QJsonObject SimServer::capabilities() const
{
    QJsonObject endpoints{
        {QStringLiteral("runs"), endpoint("POST", "/v1/runs")},
        {QStringLiteral("run_events"), endpoint("GET", "/v1/runs/{run_id}/events")},
        {QStringLiteral("run_status"), endpoint("GET", "/v1/runs/{run_id}")},
        {QStringLiteral("run_stop"), endpoint("POST", "/v1/runs/{run_id}/stop")},
        {QStringLiteral("models"), endpoint("GET", "/v1/models")},
        {QStringLiteral("session_messages"), endpoint("GET", "/api/sessions/{session_id}/messages")},
        {QStringLiteral("session_delete"), endpoint("DELETE", "/api/sessions/{session_id}")},
    };
    if (m_options.approvalsFeature)
        endpoints.insert(QStringLiteral("run_approval"), endpoint("POST", "/v1/runs/{run_id}/approval"));
    if (m_options.steerFeature)
        endpoints.insert(QStringLiteral("run_steer"), endpoint("POST", "/v1/runs/{run_id}/steer"));
    const QJsonObject features{
        {QStringLiteral("run_approval_response"), m_options.approvalsFeature},
        {QStringLiteral("approval_events"), m_options.approvalsFeature},
        {QStringLiteral("run_stop"), true},
        {QStringLiteral("run_steer"), m_options.steerFeature},
        {QStringLiteral("runs_idempotency"), true},
        {QStringLiteral("session_messages"), true},
        {QStringLiteral("session_delete"), true},
    };
    return QJsonObject{{QStringLiteral("features"), features},
                       {QStringLiteral("endpoints"), endpoints},
                       {QStringLiteral("version"), m_options.version}};
}

void SimServer::routeRun(const net::HttpRequest &request, const QStringList &segments, Responder *responder)
{
    if (segments.size() == 2 && request.method == "POST") {
        startRun(request, responder);
        return;
    }
    if (segments.size() == 3 || segments.size() == 4) {
        const QString runId = segments.at(2);
        SimRun *run = isValidId(runId) ? m_runs.value(runId) : nullptr;
        const QString action = segments.size() == 4 ? segments.at(3) : QString();
        const bool known =
            (action.isEmpty() && isReadMethod(request)) ||
            (action == QLatin1String("events") && isReadMethod(request)) ||
            (action == QLatin1String("stop") && request.method == "POST") ||
            (action == QLatin1String("approval") && request.method == "POST" && m_options.approvalsFeature) ||
            (action == QLatin1String("steer") && request.method == "POST" && m_options.steerFeature);
        if (known && !run) {
            sendRunNotFound(responder, runId);
            return;
        }
        if (known && action.isEmpty()) {
            QByteArray body;
            python_json::appendValue(body, run->statusJson());
            responder->send(200, "application/json", body);
            return;
        }
        if (known && action == QLatin1String("events")) {
            // Single consumer: a second subscriber (or a scenario without a stream) gets 404.
            if (!run->subscribe(responder))
                sendRunNotFound(responder, runId);
            return;
        }
        if (known && action == QLatin1String("stop")) {
            if (!run->requestStop()) {
                sendError(responder, 404,
                          QStringLiteral("Run %1 is not running (status %2)")
                              .arg(runId, SimRun::statusName(run->status())),
                          QStringLiteral("invalid_request_error"), QStringLiteral("run_not_found"));
                return;
            }
            sendJson(responder, 200, {{QStringLiteral("status"), QStringLiteral("stopping")}});
            return;
        }
        if (known && action == QLatin1String("approval")) {
            answerApproval(request, run, responder);
            return;
        }
        if (known && action == QLatin1String("steer")) {
            answerSteer(request, run, responder);
            return;
        }
    }
    sendError(responder, 404,
              QStringLiteral("Not found: %1 %2").arg(QString::fromLatin1(request.method), request.path),
              QStringLiteral("invalid_request_error"), QStringLiteral("not_found"));
}

void SimServer::startRun(const net::HttpRequest &request, Responder *responder)
{
    const auto invalid = [responder](const QString &message, const QJsonValue &param) {
        sendError(responder, 400, message, QStringLiteral("invalid_request_error"), QJsonValue::Null, param);
    };
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        invalid(QStringLiteral("The request body must be a JSON object (%1)")
                    .arg(parseError.error != QJsonParseError::NoError
                             ? parseError.errorString()
                             : QStringLiteral("got another JSON value")),
                QJsonValue::Null);
        return;
    }
    const QJsonObject body = document.object();

    RunInput input;
    // A string, or messages whose content may be OpenAI-style parts (images as data URLs), as the server reads it.
    const RunInputParts parts = RunInputParts::parse(body.value(QStringLiteral("input")));
    if (!parts.error.isEmpty()) {
        sendError(responder, 400, parts.error, QStringLiteral("invalid_request_error"),
                  parts.code.isEmpty() ? QJsonValue::Null : QJsonValue(parts.code), QStringLiteral("input"));
        return;
    }
    input.input = parts.text;
    if (!readOptionalString(body, QStringLiteral("session_id"), &input.sessionId) ||
        input.sessionId.size() > kMaxIdLength ||
        (!input.sessionId.isEmpty() && !isValidId(input.sessionId))) {
        invalid(QStringLiteral("'session_id' must be a string of up to %1 letters, digits and _-.:")
                    .arg(kMaxIdLength),
                QStringLiteral("session_id"));
        return;
    }
    if (!readOptionalString(body, QStringLiteral("model"), &input.model)) {
        invalid(QStringLiteral("'model' must be a string"), QStringLiteral("model"));
        return;
    }
    if (!readOptionalString(body, QStringLiteral("instructions"), &input.instructions)) {
        invalid(QStringLiteral("'instructions' must be a string"), QStringLiteral("instructions"));
        return;
    }
    const QJsonValue history = body.value(QStringLiteral("conversation_history"));
    if (!history.isUndefined() && !history.isNull()) {
        if (!history.isArray()) {
            invalid(QStringLiteral("'conversation_history' must be a list of {role, content}"),
                    QStringLiteral("conversation_history"));
            return;
        }
        for (const QJsonValue &item : history.toArray()) {
            const QJsonObject message = item.toObject();
            if (!item.isObject() || !message.value(QStringLiteral("role")).isString()) {
                invalid(QStringLiteral("Every 'conversation_history' item needs a string 'role'"),
                        QStringLiteral("conversation_history"));
                return;
            }
            const QJsonValue content = message.value(QStringLiteral("content"));
            input.historyChars +=
                content.isString() ? content.toString().size()
                                   : QJsonDocument(QJsonArray{content}).toJson(QJsonDocument::Compact).size();
            ++input.historyCount;
        }
    }
    if (input.historyCount == 0 && parts.historyCount > 0) { // earlier messages of a list input
        input.historyCount = parts.historyCount;
        input.historyChars = parts.historyChars;
    }
    if (request.header("x-hermes-session-key").size() > kMaxIdLength) {
        invalid(QStringLiteral("X-Hermes-Session-Key must be at most %1 characters").arg(kMaxIdLength),
                QStringLiteral("X-Hermes-Session-Key"));
        return;
    }
    const QString idempotencyKey = QString::fromUtf8(request.header("idempotency-key"));
    if (idempotencyKey.size() > kMaxIdLength) {
        invalid(QStringLiteral("Idempotency-Key must be at most %1 characters").arg(kMaxIdLength),
                QStringLiteral("Idempotency-Key"));
        return;
    }

    // A retry with the same key never starts a second run.
    if (!idempotencyKey.isEmpty()) {
        const QString existing = m_idempotencyKeys.value(idempotencyKey);
        if (!existing.isEmpty() && m_runs.contains(existing)) {
            sendJson(responder, 202,
                     {{QStringLiteral("run_id"), existing},
                      {QStringLiteral("status"), QStringLiteral("started")},
                      {QStringLiteral("replayed"), true}});
            return;
        }
    }

    const ScenarioRequest scenario = ScenarioRequest::parse(input.input);
    const bool rateLimited = scenario.has(QStringLiteral("rate429"));
    if (rateLimited || scenario.has(QStringLiteral("unavailable503"))) {
        if (m_throttledInputs.size() >= kMaxRuns && !m_throttledInputs.contains(input.input))
            m_throttledInputs.clear(); // bounded: forgetting only means a few more refusals
        int &refusals = m_throttledInputs[input.input];
        if (refusals < kThrottledAttempts) {
            ++refusals;
            const net::HttpResponder::Headers retryAfter{{"Retry-After", "1"}};
            if (rateLimited)
                sendError(responder, 429, QStringLiteral("Rate limit reached; retry after 1 second"),
                          QStringLiteral("rate_limit_error"), QStringLiteral("rate_limit_exceeded"),
                          QJsonValue::Null, retryAfter);
            else
                sendError(responder, 503, QStringLiteral("The agent is busy; retry after 1 second"),
                          QStringLiteral("server_error"), QStringLiteral("service_unavailable"),
                          QJsonValue::Null, retryAfter);
            return;
        }
        m_throttledInputs.remove(input.input); // the next identical input is refused twice again
    }

    if (!makeRoomForRun()) {
        sendError(responder, 503, QStringLiteral("Too many runs in progress; retry later"),
                  QStringLiteral("server_error"), QStringLiteral("service_unavailable"), QJsonValue::Null,
                  {{"Retry-After", "5"}});
        return;
    }
    if (input.sessionId.isEmpty())
        input.sessionId = QStringLiteral("sess_") + randomHex(8);
    const QString runId = QStringLiteral("run_") + randomHex(16);
    auto *run = new SimRun(runId, input, m_options, &m_transcripts, this);
    m_runs.insert(runId, run);
    if (!idempotencyKey.isEmpty())
        m_idempotencyKeys.insert(idempotencyKey, runId);
    sendJson(responder, 202,
             {{QStringLiteral("run_id"), runId}, {QStringLiteral("status"), QStringLiteral("started")}});
}

void SimServer::answerApproval(const net::HttpRequest &request, SimRun *run, Responder *responder)
{
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    const QString choice = body.value(QStringLiteral("choice")).toString();
    if (!SimRun::choicesFor(true).contains(choice)) {
        sendError(responder, 400, QStringLiteral("'choice' must be one of once, session, always, deny"),
                  QStringLiteral("invalid_request_error"), QJsonValue::Null, QStringLiteral("choice"));
        return;
    }
    const QJsonValue all = body.value(QStringLiteral("all"));
    if (!all.isUndefined() && !all.isNull() && !all.isBool()) {
        sendError(responder, 400, QStringLiteral("'all' must be true or false"),
                  QStringLiteral("invalid_request_error"), QJsonValue::Null, QStringLiteral("all"));
        return;
    }
    const int resolved = run->resolveApprovals(choice, all.toBool(false));
    if (resolved == 0) {
        sendError(responder, 409, QStringLiteral("No approval is pending for run %1").arg(run->runId()),
                  QStringLiteral("invalid_request_error"), QStringLiteral("approval_not_pending"));
        return;
    }
    sendJson(responder, 200, {{QStringLiteral("resolved"), resolved}});
}

void SimServer::answerSteer(const net::HttpRequest &request, SimRun *run, Responder *responder)
{
    const QJsonValue guidance = QJsonDocument::fromJson(request.body).object().value(QStringLiteral("input"));
    if (!guidance.isString() || guidance.toString().trimmed().isEmpty()) {
        sendError(responder, 400, QStringLiteral("Missing 'input': the guidance to inject"),
                  QStringLiteral("invalid_request_error"), QJsonValue::Null, QStringLiteral("input"));
        return;
    }
    if (!run->steer(guidance.toString())) {
        sendError(responder, 409,
                  QStringLiteral("Run %1 is not running (status %2)")
                      .arg(run->runId(), SimRun::statusName(run->status())),
                  QStringLiteral("invalid_request_error"), QStringLiteral("run_not_active"));
        return;
    }
    sendJson(responder, 200, {{QStringLiteral("accepted"), true}});
}

void SimServer::routeSessions(const net::HttpRequest &request, const QStringList &segments,
                              Responder *responder)
{
    if (segments.size() == 2 && isReadMethod(request)) {
        sendJson(responder, 200, {{QStringLiteral("sessions"), m_transcripts.sessions()}});
        return;
    }
    const QString sessionId = segments.size() >= 3 ? segments.at(2) : QString();
    const bool messages =
        segments.size() == 4 && segments.at(3) == QLatin1String("messages") && isReadMethod(request);
    const bool remove = segments.size() == 3 && request.method == "DELETE";
    if (messages || remove) {
        if (!isValidId(sessionId) || !m_transcripts.contains(sessionId)) {
            sendError(responder, 404, QStringLiteral("Session not found: %1").arg(sessionId),
                      QStringLiteral("invalid_request_error"), QStringLiteral("session_not_found"));
            return;
        }
        if (messages) {
            sendJson(responder, 200,
                     {{QStringLiteral("session_id"), sessionId},
                      {QStringLiteral("messages"), m_transcripts.messages(sessionId)}});
        } else {
            m_transcripts.remove(sessionId);
            sendJson(responder, 200, {{QStringLiteral("ok"), true}});
        }
        return;
    }
    sendError(responder, 404,
              QStringLiteral("Not found: %1 %2").arg(QString::fromLatin1(request.method), request.path),
              QStringLiteral("invalid_request_error"), QStringLiteral("not_found"));
}

bool SimServer::makeRoomForRun()
{
    if (m_runs.size() < kMaxRuns)
        return true;
    SimRun *oldest = nullptr;
    for (SimRun *run : std::as_const(m_runs)) {
        if (run->isTerminal() && (!oldest || run->msSinceFinished() > oldest->msSinceFinished()))
            oldest = run;
    }
    if (!oldest)
        return false;
    m_runs.remove(oldest->runId());
    oldest->deleteLater();
    return true;
}

void SimServer::expireRuns()
{
    for (auto it = m_runs.begin(); it != m_runs.end();) {
        SimRun *run = it.value();
        if (run->isTerminal() && run->msSinceFinished() > m_options.runRetentionMs) {
            run->deleteLater();
            it = m_runs.erase(it);
        } else {
            ++it;
        }
    }
    for (auto it = m_idempotencyKeys.begin(); it != m_idempotencyKeys.end();) {
        if (m_runs.contains(it.value()))
            ++it;
        else
            it = m_idempotencyKeys.erase(it);
    }
}

} // namespace caduceus::sim
