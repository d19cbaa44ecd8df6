#include "hermes/RunEventStream.h"

#include "hermes/EventStreamConnection.h"
#include "hermes/HermesClient.h"

#include <QDateTime>
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcHermes)

namespace caduceus::hermes {

RunEventStream::RunEventStream(HermesClient *client, const QString &runId, QObject *parent)
    : QObject(parent), m_client(client), m_runId(runId)
{
    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &RunEventStream::pollOnce);
    m_quietTimer.setSingleShot(true);
    connect(&m_quietTimer, &QTimer::timeout, this, &RunEventStream::onQuietTimer);
    m_silenceTimer.setSingleShot(true);
    connect(&m_silenceTimer, &QTimer::timeout, this, &RunEventStream::onSilenceTimer);
}

RunEventStream::~RunEventStream()
{
    closeConnection();
}

void RunEventStream::start()
{
    if (!m_client || m_done)
        return;
    m_connection = m_client->openEventStream(m_runId, this);
    m_connection->setPaused(m_paused);
    connect(m_connection, &EventStreamConnection::dataReceived, this, &RunEventStream::onData);
    connect(m_connection, &EventStreamConnection::finished, this, &RunEventStream::onStreamFinished);
    m_clock.start();
    m_lastEventAt = m_lastBytesAt = 0;
    m_quietTimer.start(m_options.quietCheckMs);
    m_silenceTimer.start(m_options.silentStreamMs);
}

void RunEventStream::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (m_connection)
        m_connection->setPaused(paused);
    // Time spent paused is our own doing, not the agent's silence.
    if (!paused && m_clock.isValid())
        m_lastBytesAt = m_clock.elapsed();
}

void RunEventStream::onQuietTimer()
{
    if (m_done || m_polling || m_statusInFlight || !m_client)
        return;
    const qint64 due = m_lastEventAt + m_options.quietCheckMs - m_clock.elapsed();
    if (due > 0) {
        m_quietTimer.start(int(due));
        return;
    }
    // The stream is open but says nothing: make sure the run did not end without telling us.
    m_statusInFlight = true;
    m_client->runStatus(m_runId, this, [this](const ApiResult &r) { onStatus(r, true); });
}

void RunEventStream::onSilenceTimer()
{
    if (m_done || m_polling)
        return;
    const qint64 due =
        m_paused ? m_options.silentStreamMs : m_lastBytesAt + m_options.silentStreamMs - m_clock.elapsed();
    if (due > 0) {
        m_silenceTimer.start(int(due));
        return;
    }
    switchToPolling(QStringLiteral("the event stream went silent"));
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
    closeConnection();
}

void RunEventStream::closeConnection()
{
    if (!m_connection)
        return;
    EventStreamConnection *connection = std::exchange(m_connection, nullptr);
    connection->disconnect(this);
    connection->abort();
    connection->deleteLater();
}

void RunEventStream::onData(const QByteArray &bytes)
{
    if (!m_connection || m_done || m_connection->status() != 200)
        return; // another 2xx than 200 is not an event stream: it ends as one that broke off
    m_lastBytesAt = m_clock.elapsed();
    handleEvents(m_parser.feed(bytes));
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
        m_lastEventAt = m_clock.elapsed();
        if (event->isTerminal()) {
            finish(*event);
            return;
        }
        Q_EMIT eventReceived(*event);
    }
}

void RunEventStream::onStreamFinished()
{
    if (!m_connection || m_done)
        return;
    const int status = m_connection->status();
    if (status == 200)
        handleEvents(m_parser.finish());
    if (m_done)
        return;
    QString reason;
    if (status == 401 || status == 403) {
        const ApiResult r = HermesClient::resultFromHttp(status, m_connection->errorBody());
        closeConnection();
        stop();
        Q_EMIT failed(r.message);
        return;
    }
    if (status == 404)
        reason = QStringLiteral("the agent no longer serves this run's event stream (404)");
    else if (status == 0)
        reason = QStringLiteral("the event stream broke: %1").arg(m_connection->errorString());
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
    closeConnection();
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
            m_lastEventAt = m_clock.elapsed();
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
        m_lastEventAt = m_clock.elapsed();
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
