#pragma once
// Reads the agent's state.db without blocking the caller's thread. store::AgentStateDb is synchronous and may
// wait up to its busy budget (3 s) while the agent holds a write lock; on the GUI thread that would freeze
// the window. Each read here runs on a worker thread of its own, with its own read-only connection, and
// the result comes back to the thread of this object by a queued signal (QThread::finished).
//
// Every call answers exactly once through its callback, unless this object was destroyed first; a worker
// still reading then finishes on its own and its result is dropped.
#include "store/AgentStateTypes.h"
#include "store/StoreTypes.h"

#include <QList>
#include <QObject>
#include <functional>

namespace caduceus::chat {

class AgentStateReader : public QObject
{
    Q_OBJECT
public:
    struct Transcript
    {
        QList<store::MessageRecord> rows; // oldest first, compressed ancestors included, active rows only
        QString error;                    // empty when the read succeeded (rows may then be empty)
    };
    struct Sessions
    {
        QList<store::AgentSessionInfo> sessions; // newest first
        QString error;
    };

    explicit AgentStateReader(QObject *parent = nullptr);

    void setBusyBudgetMs(int milliseconds) { m_busyBudgetMs = milliseconds; }
    int busyBudgetMs() const { return m_busyBudgetMs; }
    int readsInFlight() const { return m_inFlight; }

    void readTranscript(const QString &stateDbPath, const QString &agentSessionId,
                        std::function<void(const Transcript &)> done);
    void listSessions(const QString &stateDbPath, int limit, std::function<void(const Sessions &)> done);

private:
    // Runs `work` on a new thread, then `deliver` on this object's thread.
    void runInWorker(std::function<void()> work, std::function<void()> deliver);

    int m_busyBudgetMs;
    int m_inFlight = 0;
};

} // namespace caduceus::chat
