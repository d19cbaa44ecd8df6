#pragma once
// Follows one agent run to its end: reads GET /v1/runs/{id}/events, and when the stream breaks,
// 404s (single consumer) or goes quiet, polls GET /v1/runs/{id} until the run is terminal (SPEC 3.2
// step 6). Gives up with failed() only after the agent stayed unreachable for a bounded time.
#include "hermes/RunEvent.h"
#include "hermes/SseParser.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace caduceus::hermes {

class EventStreamConnection;
class HermesClient;
struct ApiResult;

class RunEventStream : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int pollIntervalMs = 1000;
        int maxPollIntervalMs = 5000;
        int giveUpAfterMs = 120'000;   // agent unreachable this long → failed()
        int quietCheckMs = 60'000;     // no event this long (keepalives aside) → ask the status once
        int silentStreamMs = 95'000;   // not even a keepalive this long → the stream is dead
    };

    RunEventStream(HermesClient *client, const QString &runId, QObject *parent = nullptr);
    ~RunEventStream() override;

    void setOptions(const Options &options) { m_options = options; }
    void start();        // open the SSE stream
    void startPolling(); // skip the stream (it is gone, e.g. after a restart): poll the status
    void stop();         // close everything; no signal after this
    // Back-pressure: while paused no more of the stream is read (the agent is slowed down by TCP); the
    // silence watchdog does not count paused time. Events already read are still delivered.
    void setPaused(bool paused);
    QString runId() const { return m_runId; }
    bool isPolling() const { return m_polling; }
    int droppedFrames() const { return m_droppedFrames; }

    // A terminal event made from a GET /v1/runs/{id} answer, or nullopt when the run is not terminal.
    static std::optional<RunEvent> terminalFromStatus(const QJsonObject &status, const QString &runId);

Q_SIGNALS:
    void eventReceived(const caduceus::hermes::RunEvent &event); // every non-terminal event, in order
    void streamLost(const QString &reason);                      // switched to status polling
    void finished(const caduceus::hermes::RunEvent &terminal);   // exactly once, unless failed()/stop()
    void failed(const QString &error);

private:
    void onData(const QByteArray &bytes);
    void onStreamFinished();
    // The watchdogs are armed once and, when they fire, look at the time of the last event / bytes: a
    // stream delivering thousands of events a second does not restart two timers for each.
    void onQuietTimer();
    void onSilenceTimer();
    void handleEvents(const QList<SseEvent> &events);
    void switchToPolling(const QString &reason);
    void pollOnce();
    void onStatus(const ApiResult &result, bool quietCheck);
    void finish(const RunEvent &terminal);
    void closeConnection();

    QPointer<HermesClient> m_client;
    QString m_runId;
    Options m_options;
    EventStreamConnection *m_connection = nullptr;
    SseParser m_parser;
    QTimer m_pollTimer;
    QTimer m_quietTimer;
    QTimer m_silenceTimer;
    QElapsedTimer m_clock;    // started with the stream; the times below are its elapsed() values
    qint64 m_lastEventAt = 0; // last event (or status check) — the quiet watchdog
    qint64 m_lastBytesAt = 0; // last bytes, keepalives included — the silence watchdog
    bool m_paused = false;
    QElapsedTimer m_unreachableSince;
    int m_pollDelayMs = 0;
    bool m_polling = false;
    bool m_done = false;
    bool m_statusInFlight = false;
    int m_droppedFrames = 0;
};

} // namespace caduceus::hermes
