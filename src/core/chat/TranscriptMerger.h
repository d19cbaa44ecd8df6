#pragma once
// After a run, the agent's own transcript knows what the SSE stream did not carry (tool calls with
// arguments, tool results, real reasoning). TranscriptMerger turns the agent's rows of one run into
// Caduceus rows, keeping what only the stream knew (reasoning timing, tool previews/durations, approval
// notices). TranscriptSync fetches the agent rows (REST, else the profile's state.db read-only, on a worker
// thread) and swaps the run's rows in one transaction (SPEC 6).
#include "chat/AgentStateReader.h"
#include "store/StoreTypes.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace caduceus::hermes {
class HermesClient;
}

namespace caduceus::chat {

class SessionManager;

class TranscriptMerger
{
public:
    // Decodes the agent REST `messages` array (state.db row shape) into records.
    static QList<store::MessageRecord> fromAgentJson(const QJsonArray &rows);
    // The agent rows that belong to the run: those after the run's user turn (the last user row whose
    // text equals `userText`, else the last user row), without user rows.
    static QList<store::MessageRecord> runRows(const QList<store::MessageRecord> &agentRows, const QString &userText);
    // Rows to store for the run, or an empty list when the agent rows would lose what was streamed
    // (no agent text while the stream had some): then the streamed rows stay.
    static QList<store::MessageRecord> merge(const QList<store::MessageRecord> &streamed,
                                             const QList<store::MessageRecord> &agentRunRows, const QString &runId,
                                             bool cancelled);
};

class TranscriptSync : public QObject
{
    Q_OBJECT
public:
    TranscriptSync(SessionManager *manager, const QString &sessionId, const QString &runId,
                   const QString &agentSessionId, const QString &profile, hermes::HermesClient *client,
                   QObject *parent = nullptr);
    void start(int timeoutMs);
    // Reads the state.db fallback; its busy budget is the longest wait for the agent's write lock.
    AgentStateReader &stateReader() { return m_reader; }
    // After a successful finished(): whether the stored rows of the run were replaced. When the agent's
    // transcript says what was streamed (the common case for a plain answer) nothing is written, and the rows
    // keep their ids.
    bool changedRows() const { return m_changedRows; }

Q_SIGNALS:
    void finished(bool synced, const QString &note);

private:
    void attempt();
    void apply(const QList<store::MessageRecord> &agentRows);
    void fromStateDb();
    void finish(bool synced, const QString &note);

    SessionManager *m_manager;
    QString m_sessionId;
    QString m_runId;
    QString m_agentSessionId;
    QString m_profile;
    QPointer<hermes::HermesClient> m_client;
    QTimer m_deadline;
    AgentStateReader m_reader;
    int m_attempts = 0;
    bool m_done = false;
    bool m_changedRows = false;
};

} // namespace caduceus::chat
