#pragma once
// The agent-side transcripts: per agent session_id, the rows its runs produced, in the shape of the
// agent's state.db `messages` table (served by GET /api/sessions/{id}/messages).

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace caduceus::sim {

struct TranscriptRow
{
    QString role; // user | assistant | tool
    QString content;
    QString toolCallId;   // tool rows
    QString toolName;     // tool rows
    QJsonArray toolCalls; // assistant rows that call tools
    QString finishReason; // assistant rows: stop | tool_calls | cancelled | error
    QString reasoning;    // assistant rows
    double timestamp = 0;
};

class TranscriptStore
{
public:
    // Appends a row (creating the session on first use) and returns its integer id.
    qint64 append(const QString &sessionId, const TranscriptRow &row, const QString &model = {});
    // "call_N", unique within the session.
    QString nextToolCallId(const QString &sessionId);

    bool contains(const QString &sessionId) const { return m_sessions.contains(sessionId); }
    bool remove(const QString &sessionId) { return m_sessions.remove(sessionId) > 0; }
    QJsonArray messages(const QString &sessionId) const;
    QJsonArray sessions() const; // newest activity first

    // Sessions beyond this are dropped oldest-first: memory stays bounded however many runs arrive.
    static constexpr int kMaxSessions = 5000;

private:
    struct Session
    {
        QString id;
        QString title;
        QString model;
        double startedAt = 0;
        double lastActive = 0;
        int toolCallCounter = 0;
        QList<QPair<qint64, TranscriptRow>> rows;
    };
    void evictIfFull();

    QHash<QString, Session> m_sessions;
    qint64 m_nextId = 1;
};

} // namespace caduceus::sim
