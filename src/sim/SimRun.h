#pragma once
// One agent run: plays its script on timers from the moment it is created, buffers its SSE frames
// until the single consumer subscribes, and answers status, stop, approval and steer requests the
// way the real agent does (SPEC section 1).

#include "ScriptBuilder.h"
#include "TranscriptStore.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <deque>

namespace caduceus::net {
class HttpResponder;
}

namespace caduceus::sim {

class SimRun : public QObject
{
    Q_OBJECT
public:
    enum class Status
    {
        Queued,
        Running,
        WaitingForApproval,
        Stopping,
        Completed,
        Failed,
        Cancelled
    };

    SimRun(const QString &runId, const RunInput &input, const SimOptions &options,
           TranscriptStore *transcripts, QObject *parent = nullptr);

    const QString &runId() const { return m_runId; }
    const QString &sessionId() const { return m_input.sessionId; }
    Status status() const { return m_status; }
    bool isTerminal() const;
    // Milliseconds since the run ended (0 while it runs).
    qint64 msSinceFinished() const;
    QJsonObject statusJson() const;
    // GET /v1/runs/{id} in the agent's key order.
    OrderedFields statusFields() const;

    // Attaches the single SSE consumer. False when the stream is not available (a consumer came
    // before, or the scenario refuses it): answer 404 run_not_found.
    bool subscribe(net::HttpResponder *responder);
    // False when the run already ended (404).
    bool requestStop();
    // Resolves the oldest pending approval (or all). Returns how many were resolved; 0: none pending.
    int resolveApprovals(const QString &choice, bool all);
    // False when the run already ended.
    bool steer(const QString &guidance);
    // True while an approval waits for an answer.
    bool hasPendingApprovals() const { return !m_pendingApprovals.isEmpty(); }
    // Whether "always" may be offered for the pending approvals.
    static QStringList choicesFor(bool allowPermanent);

    static QString statusName(Status status);

Q_SIGNALS:
    void finished();

private:
    struct PendingApproval
    {
        int index; // into the gate's approvals
        QString approvalId;
    };

    void advance();
    // Plays one turn of the front step; returns the delay before the next turn, or -1 to wait.
    int playFrontStep();
    int playSay(ScriptStep &step, bool reasoning);
    int playRunTool(ScriptStep &step);
    int playApprovalGate(ScriptStep &step);
    void finishGate();
    void endModelCall(const QList<ToolCallSpec> &toolCalls);
    void complete();
    void fail(const QString &error);
    void cancel();
    void finishWith(Status status);
    bool backPressured();

    // `leading`: fields written before "event" (the agent's approval.request starts with its own fields).
    void emitEvent(const char *name, const OrderedFields &fields = {}, const OrderedFields &leading = {});
    void deliver(const QByteArray &frame);
    void flush();
    void detachSubscriber();
    void dropStreamWhenDrained();
    void writeKeepalive();
    QJsonObject usageJson() const;
    void recordRow(TranscriptRow row);
    // The assistant row of the model call in progress.
    void recordAnswer(const QString &finishReason);

    QString m_runId;
    QByteArray m_runIdBytes; // as written into every frame
    RunInput m_input;
    SimOptions m_options;
    ScriptBuilder m_builder;
    TranscriptStore *m_transcripts;
    std::deque<ScriptStep> m_steps;
    Status m_status = Status::Queued;
    QTimer m_stepTimer;
    QTimer m_keepaliveTimer;
    QTimer m_approvalTimer;
    QElapsedTimer m_finishedClock;
    double m_createdAt = 0;

    // Text and reasoning of the model call in progress; the last call's text is the run's output.
    QString m_callText;
    QString m_callReasoning;
    QString m_output;
    QString m_error;
    qint64 m_outputChars = 0;
    QStringList m_pendingToolCallIds;
    bool m_stopRequested = false;

    // Approvals of the gate being played.
    QList<bool> m_gateDecisions;
    QList<bool> m_gateAsked; // approval.request sent (and the tool started) for approvals[i]
    bool m_gateTimedOut = false;
    bool m_textFollowsTool = false; // the next message.delta starts a model call after a tool
    QString m_lastEvent;
    double m_updatedAt = 0;
    QList<PendingApproval> m_pendingApprovals;
    QSet<QString> m_sessionApprovedPatterns;

    // The SSE side: frames wait in m_buffered until the first (and only) consumer arrives.
    QPointer<net::HttpResponder> m_subscriber;
    bool m_subscribed = false;
    bool m_streamEnded = false;   // ": stream closed" was produced
    bool m_dropping = false;      // the drop scenario cut (or is cutting) the stream
    qsizetype m_dropAtFrame = -1; // drop happened before anyone subscribed: cut after this frame
    QList<QByteArray> m_buffered;
    qint64 m_bufferedBytes = 0;
    QByteArray m_outgoing; // frames of this turn, written as one chunk
    bool m_pausedForBackPressure = false;
};

} // namespace caduceus::sim
