#pragma once
// One chat session's state machine (SPEC 3): idle → starting → running → (aborting) → idle, a
// persisted FIFO queue, pending approvals, the replay buffer of state events for the current run, token
// figures, and the in-memory mirror of the streaming turn. Front ends (QML models, the relay) only
// listen to its signals and call its commands; neither knows the other.
#include "chat/ChatSettings.h"
#include "chat/ContextBuilder.h"
#include "hermes/RunEvent.h"
#include "store/StoreTypes.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <memory>

namespace caduceus::hermes {
class HermesClient;
class RunEventStream;
struct ApiResult;
}

namespace caduceus::chat {

class SessionManager;

class SessionController : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Starting, Running, Aborting };
    Q_ENUM(State)

    struct RunInput
    {
        QJsonValue input;      // string or ContentBlock[]
        QString model;
        QString instructions;
        QString queueId;       // optional, client-chosen id for the queue
        QString profile;       // agent profile for a new session (ignored once the session exists)
    };

    SessionController(const QString &sessionId, SessionManager *manager);
    ~SessionController() override;

    QString sessionId() const { return m_sessionId; }
    QString profile() const;
    State state() const { return m_state; }
    bool isWorking() const { return m_state != State::Idle; }
    bool isAborting() const { return m_state == State::Aborting; }
    // The run has ended and its end is being written (transcript sync) before its terminal event goes out:
    // to a newcomer the run is finished (resumePayload says so), though isWorking() is still true.
    bool isEndingTurn() const;
    QString runId() const;
    int queueLength() const { return int(m_queue.size()); }
    QList<store::QueueItem> queuedItems() const { return m_queue; }
    QJsonArray pendingApprovals() const { return m_pendingApprovals; }
    // Token figures (SPEC 5.3); computed shortly after the session loads, or now by ensureTokens().
    void ensureTokens();
    qint64 inputTokens() const { return m_inputTokens; }
    qint64 outputTokens() const { return m_outputTokens; }
    bool steerSupported() const;
    // Nothing in flight and nothing only in memory: no run (or its sync), queue, pending approval or
    // unsaved text. Such a controller can be deleted and later reloaded from the store unchanged.
    bool isUnloadable() const;

    // In-memory tail of the transcript, including the streaming turn (oldest first).
    const QList<store::MessageRecord> &messages() const { return m_messages; }
    bool hasOlderMessages() const { return m_hasOlder; }
    // SPEC 2 `resumed` payload (session_id included).
    QJsonObject resumePayload() const;
    // The `resumed.messages[]` / REST message shape of one row.
    static QJsonObject messageToJson(const store::MessageRecord &m);

    // --- commands (every outcome is reported as protocol events)
    // Runs now when idle, else queues. Returns an error sentence for invalid input, else "".
    QString submit(const RunInput &input);
    bool cancelQueued(const QString &queueId);
    bool editQueued(const QString &queueId, const QJsonValue &input);
    void abort();
    // choice: once|session|always|deny. Invalid choices are answered with an error event.
    void respondApproval(const QString &choice, bool all);
    // Back-pressure from a front end whose clients fall behind: stops reading the agent's event stream
    // (this run's and the next ones') until called with false. Nothing is lost or reordered.
    void setEventFlowPaused(bool paused);
    // Injects guidance into the running turn (agents with run_steer); false when not possible now.
    bool steer(const QString &text);
    // Restart recovery (SPEC 3.7) for a run that was in flight when Caduceus stopped.
    void recoverRun(const store::RunRecord &run);
    // Restart recovery for a turn whose input was stored but whose start the agent never confirmed to us:
    // asks again with the same Idempotency-Key, so the agent either replays the run it did start or starts
    // it now — never twice.
    void recoverUnstartedTurn(const store::MessageRecord &user);
    // A user row of a turn that was being started (see recoverUnstartedTurn).
    static bool isUnstartedTurn(const store::MessageRecord &m);
    // Starts the next queued input when idle (after load or recovery).
    void resumeQueue();

Q_SIGNALS:
    // Every protocol event of SPEC 2 for this session, payload complete (session_id and event set).
    // `json`: the payload as JSON text when it came so from the agent (a passed-through event), so a
    // front end sending JSON need not encode it again; empty otherwise.
    void eventEmitted(const QString &sessionId, const QString &name, const QJsonObject &payload,
                      const QByteArray &json);
    void stateChanged();               // state, queue, approvals or tokens changed
    void messageAdded(const caduceus::store::MessageRecord &message);
    void messageChanged(const caduceus::store::MessageRecord &message);
    void transcriptReset();            // rows were replaced (sync): re-read messages()

private:
    struct ActiveRun;

    void loadFromStore();
    // `storedUser`: the turn's user row when it is already stored (recovery), else one is appended.
    // `fromQueue`: `item` was taken from the queue; its stored row goes in the transaction that stores the input.
    void startRun(const store::QueueItem &item, const store::MessageRecord *storedUser = nullptr,
                  bool fromQueue = false);
    // The agent answered the start (or it was given up): a restart must not ask for this turn again.
    void forgetUnstartedTurn();
    void onRunStarted(const hermes::ApiResult &result);
    void onRunEvent(const hermes::RunEvent &event);
    void onRunFinished(const hermes::RunEvent &terminal);
    void onRunFailed(const QString &error);
    void finishRun(const hermes::RunEvent &terminal);
    void finishAbort(bool confirmed);
    void completeTurn(const QString &terminalName, const QJsonObject &payload);
    void syncTranscript(std::function<void(bool)> done);
    void startNextQueued();

    store::MessageRecord *findMessage(qint64 id);
    store::MessageRecord &appendMessage(store::MessageRecord m, const QString &dequeueId = QString());
    void touchMessage(const store::MessageRecord &m, bool persistNow);
    void persistDirty();
    store::MessageRecord &openAssistant();
    void closeAssistant(const QString &status);
    void addNotice(const QString &text, const QJsonObject &extra = {});
    void addErrorRow(const QString &text);
    void clearPendingApprovals();
    void rememberState(const QString &name, const QJsonObject &payload, bool replaceSameName = true);
    // `upstreamJson`: the agent's JSON text of `payload` (RunEvent::raw), if any.
    void emitEvent(const QString &name, QJsonObject payload, const QByteArray &upstreamJson = {});
    void setState(State state);
    void recomputeTokens();
    void emitUsage();
    QJsonArray queueJson() const;
    hermes::HermesClient *client() const;
    QString buildInstructions(const QString &extra) const;

    QString m_sessionId;
    QByteArray m_sessionIdJson; // m_sessionId as a JSON string, made at the first use
    SessionManager *m_manager;
    State m_state = State::Idle;
    QList<store::MessageRecord> m_messages;
    bool m_hasOlder = false;
    bool m_loaded = false;
    QList<store::QueueItem> m_queue;
    QJsonArray m_pendingApprovals;
    QList<QPair<QString, QJsonObject>> m_replay; // state events of the current run
    qint64 m_inputTokens = 0;
    qint64 m_outputTokens = 0;
    bool m_tokensKnown = false;
    bool m_eventFlowPaused = false;
    std::unique_ptr<ActiveRun> m_run;
    ContextBuilder m_context;
    QTimer m_persistTimer;
    QTimer m_graceTimer;
    QList<qint64> m_dirty;
};

} // namespace caduceus::chat
