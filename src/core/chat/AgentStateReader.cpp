#include "chat/AgentStateReader.h"

#include "store/AgentStateDb.h"

#include <QThread>
#include <memory>

namespace caduceus::chat {

AgentStateReader::AgentStateReader(QObject *parent)
    : QObject(parent), m_busyBudgetMs(store::AgentStateDb::DefaultBusyBudgetMs)
{
}

void AgentStateReader::runInWorker(std::function<void()> work, std::function<void()> deliver)
{
    ++m_inFlight;
    QThread *thread = QThread::create(std::move(work));
    thread->setObjectName(QStringLiteral("agent-state-reader"));
    // finished is emitted by the worker thread: the connection queues `deliver` to this object's thread, and
    // drops it when this object is gone. The thread object itself is freed either way.
    connect(thread, &QThread::finished, this, [this, deliver = std::move(deliver)]() {
        --m_inFlight;
        deliver();
    });
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
}

void AgentStateReader::readTranscript(const QString &stateDbPath, const QString &agentSessionId,
                                      std::function<void(const Transcript &)> done)
{
    auto result = std::make_shared<Transcript>();
    const int budget = m_busyBudgetMs;
    runInWorker(
        [result, stateDbPath, agentSessionId, budget]() {
            store::AgentStateDb db;
            db.setBusyBudgetMs(budget);
            if (!db.open(stateDbPath, &result->error))
                return;
            result->rows = db.messagesForSession(agentSessionId);
            result->error = db.lastError();
        },
        [result, done = std::move(done)]() { done(*result); });
}

void AgentStateReader::listSessions(const QString &stateDbPath, int limit,
                                    std::function<void(const Sessions &)> done)
{
    auto result = std::make_shared<Sessions>();
    const int budget = m_busyBudgetMs;
    runInWorker(
        [result, stateDbPath, limit, budget]() {
            store::AgentStateDb db;
            db.setBusyBudgetMs(budget);
            if (!db.open(stateDbPath, &result->error))
                return;
            result->sessions = db.listSessions(limit);
            result->error = db.lastError();
        },
        [result, done = std::move(done)]() { done(*result); });
}

} // namespace caduceus::chat
