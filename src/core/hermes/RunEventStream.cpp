#include "hermes/RunEventStream.h"

#include "hermes/HermesClient.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QNetworkReply>

Q_DECLARE_LOGGING_CATEGORY(lcHermes)

namespace caduceus::hermes {

RunEventStream::RunEventStream(HermesClient *client, const QString &runId, QObject *parent)
    : QObject(parent), m_client(client), m_runId(runId)
{
    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &RunEventStream::pollOnce);
    m_quietTimer.setSingleShot(true);
    connect(&m_quietTimer, &QTimer::timeout, this, [this]() {
        if (m_done || m_polling || m_statusInFlight || !m_client)
            return;
        // The stream is open but says nothing: make sure the run did not end without telling us.
        m_statusInFlight = true;
        m_client->runStatus(m_runId, this, [this](const ApiResult &r) { onStatus(r, true); });
    });
    m_silenceTimer.setSingleShot(true);
    connect(&m_silenceTimer, &QTimer::timeout, this,
            [this]() { switchToPolling(QStringLiteral("the event stream went silent")); });
}

RunEventStream::~RunEventStream()
{
    closeReply();
}

void RunEventStream::start()
{
    if (!m_client || m_done)
        return;
    m_reply = m_client->openEventStream(m_runId);
    connect(m_reply, &QNetworkReply::readyRead, this, &RunEventStream::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &RunEventStream::onStreamFinished);
    m_quietTimer.start(m_options.quietCheckMs);
    m_silenceTimer.start(m_options.silentStreamMs);
}

void RunEventStream::startPolling()
{
    switchToPolling(QString());
}

void RunEventStream::stop()
{
    m_done = true;
    m_pollTimer.stop();
    m_quietTimer.stop();
    m_silenceTimer.stop();
    closeReply();
}

void RunEventStream::closeReply()
{
    if (!m_reply)
        return;
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    reply->disconnect(this);
    reply->abort();
    reply->deleteLater();
}

void RunEventStream::onReadyRead()
{
    if (!m_reply || m_done)
        return;
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200)
        return; // an error body; handled when the reply finishes
    m_silenceTimer.start(m_options.silentStreamMs);
    handleEvents(m_parser.feed(m_reply->readAll()));
}

void RunEventStream::handleEvents(const QList<SseEvent> &events)
{
    for (const SseEvent &frame : events) {
        if (m_done)
            return;
        QString error;
        const std::optional<RunEvent> event = RunEvent::decode(frame.data, frame.event, &error);
        if (!event) {
            ++m_droppedFrames;
            qCWarning(lcHermes) << "run" << m_runId << "dropped a bad event frame:" << error;
            continue;
        }
        m_quietTimer.start(m_options.quietCheckMs);
        if (event->isTerminal()) {
            finish(*event);
            return;
        }
        Q_EMIT eventReceived(*event);
    }
}

void RunEventStream::onStreamFinished()
{
    if (!m_reply || m_done)
        return;
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 200)
        handleEvents(m_parser.feed(m_reply->readAll()) + m_parser.finish());
    if (m_done)
        return;
    QString reason;
    if (status == 401 || status == 403) {
        const ApiResult r = HermesClient::resultFromReply(m_reply, m_reply->readAll(), m_client->endpoint().baseUrl);
        closeReply();
        stop();
        Q_EMIT failed(r.message);
        return;
    }
    if (status == 404)
        reason = QStringLiteral("the agent no longer serves this run's event stream (404)");
    else if (status == 0)
        reason = QStringLiteral("the event stream broke: %1").arg(m_reply->errorString());
    else if (status == 200)
        reason = QStringLiteral("the event stream ended before the run did");
    else
        reason = QStringLiteral("the event stream failed with HTTP %1").arg(status);
    switchToPolling(reason);
}

void RunEventStream::switchToPolling(const QString &reason)
{
    if (m_done || m_polling)
        return;
    closeReply();
    m_quietTimer.stop();
    m_silenceTimer.stop();
    m_polling = true;
    m_pollDelayMs = m_options.pollIntervalMs;
    if (!reason.isEmpty()) {
        qCInfo(lcHermes) << "run" << m_runId << "switching to status polling:" << reason;
        Q_EMIT streamLost(reason);
    }
    pollOnce();
}

void RunEventStream::pollOnce()
{
    if (m_done || !m_client || m_statusInFlight)
        return;
    m_statusInFlight = true;
    m_client->runStatus(m_runId, this, [this](const ApiResult &r) { onStatus(r, false); });
}

std::optional<RunEvent> RunEventStream::terminalFromStatus(const QJsonObject &status, const QString &runId)
{
    const QString state = status.value(QLatin1String("status")).toString();
    QJsonObject json;
    json.insert(QStringLiteral("run_id"), status.value(QLatin1String("run_id")).toString(runId));
    json.insert(QStringLiteral("timestamp"), double(QDateTime::currentMSecsSinceEpoch()) / 1000.0);
    if (state == QLatin1String("completed")) {
        json.insert(QStringLiteral("output"), status.value(QLatin1String("output")).toString());
        if (status.value(QLatin1String("usage")).isObject())
            json.insert(QStringLiteral("usage"), status.value(QLatin1String("usage")));
        return RunEvent::make(EventName::RunCompleted, json);
    }
    if (state == QLatin1String("failed")) {
        const QJsonValue error = status.value(QLatin1String("error"));
        json.insert(QStringLiteral("error"), error.isString() ? error.toString()
                                             : error.isObject()
                                                 ? error.toObject().value(QLatin1String("message")).toString()
                                                 : QStringLiteral("The run failed on the agent."));
        return RunEvent::make(EventName::RunFailed, json);
    }
    if (state == QLatin1String("cancelled"))
        return RunEvent::make(EventName::RunCancelled, json);
    return std::nullopt;
}

void RunEventStream::onStatus(const ApiResult &result, bool quietCheck)
{
    m_statusInFlight = false;
    if (m_done)
        return;
    if (result.ok()) {
        m_unreachableSince.invalidate();
        if (const auto terminal = terminalFromStatus(result.json, m_runId)) {
            finish(*terminal);
            return;
        }
        if (quietCheck) {
            m_quietTimer.start(m_options.quietCheckMs);
            return;
        }
        m_pollDelayMs = qMin(m_pollDelayMs + m_options.pollIntervalMs / 2, m_options.maxPollIntervalMs);
        m_pollTimer.start(m_pollDelayMs);
        return;
    }
    if (result.error == ApiResult::Error::NotFound || result.error == ApiResult::Error::Unauthorized) {
        stop();
        Q_EMIT failed(result.error == ApiResult::Error::NotFound
                          ? QStringLiteral("The agent no longer knows this run (it may have restarted); "
                                           "the answer so far was kept.")
                          : result.message);
        return;
    }
    if (quietCheck) {
        m_quietTimer.start(m_options.quietCheckMs);
        return;
    }
    if (!m_unreachableSince.isValid())
        m_unreachableSince.start();
    if (m_unreachableSince.elapsed() >= m_options.giveUpAfterMs) {
        stop();
        Q_EMIT failed(QStringLiteral("Lost contact with the agent for %1 s: %2")
                          .arg(m_options.giveUpAfterMs / 1000)
                          .arg(result.message));
        return;
    }
    m_pollDelayMs = qMin(m_pollDelayMs * 2, m_options.maxPollIntervalMs);
    m_pollTimer.start(m_pollDelayMs);
}

void RunEventStream::finish(const RunEvent &terminal)
{
    if (m_done)
        return;
    stop();
    Q_EMIT finished(terminal);
}

} // namespace caduceus::hermes
