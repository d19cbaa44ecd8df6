#include "TranscriptStore.h"

#include <QDateTime>

#include <algorithm>

namespace caduceus::sim {

namespace {

QJsonValue stringOrNull(const QString &text)
{
    return text.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

} // namespace

qint64 TranscriptStore::append(const QString &sessionId, const TranscriptRow &row, const QString &model)
{
    if (!m_sessions.contains(sessionId)) {
        evictIfFull();
        Session session;
        session.id = sessionId;
        session.startedAt = row.timestamp;
        session.model = model;
        m_sessions.insert(sessionId, session);
    }
    Session &session = m_sessions[sessionId];
    if (session.title.isEmpty() && row.role == QLatin1String("user"))
        session.title = row.content.simplified().left(100);
    session.lastActive = row.timestamp;
    const qint64 id = m_nextId++;
    session.rows.append({id, row});
    return id;
}

QString TranscriptStore::nextToolCallId(const QString &sessionId)
{
    auto it = m_sessions.find(sessionId);
    const int number = it == m_sessions.end() ? 1 : ++it->toolCallCounter;
    return QStringLiteral("call_%1").arg(number);
}

QJsonArray TranscriptStore::messages(const QString &sessionId) const
{
    QJsonArray messages;
    const auto it = m_sessions.constFind(sessionId);
    if (it == m_sessions.constEnd())
        return messages;
    for (const auto &[id, row] : it->rows) {
        messages.append(QJsonObject{
            {QStringLiteral("id"), id},
            {QStringLiteral("session_id"), sessionId},
            {QStringLiteral("role"), row.role},
            {QStringLiteral("content"), row.content},
            {QStringLiteral("tool_call_id"), stringOrNull(row.toolCallId)},
            {QStringLiteral("tool_calls"),
             row.toolCalls.isEmpty() ? QJsonValue(QJsonValue::Null) : row.toolCalls},
            {QStringLiteral("tool_name"), stringOrNull(row.toolName)},
            {QStringLiteral("timestamp"), row.timestamp},
            {QStringLiteral("token_count"), QJsonValue(QJsonValue::Null)},
            {QStringLiteral("finish_reason"), stringOrNull(row.finishReason)},
            {QStringLiteral("reasoning"), stringOrNull(row.reasoning)},
            {QStringLiteral("active"), 1},
        });
    }
    return messages;
}

QJsonArray TranscriptStore::sessions() const
{
    QList<const Session *> ordered;
    for (const Session &session : m_sessions)
        ordered.append(&session);
    std::sort(ordered.begin(), ordered.end(),
              [](const Session *a, const Session *b) { return a->lastActive > b->lastActive; });
    QJsonArray sessions;
    for (const Session *session : std::as_const(ordered)) {
        sessions.append(QJsonObject{
            {QStringLiteral("id"), session->id},
            {QStringLiteral("source"), QStringLiteral("api_server")},
            {QStringLiteral("model"),
             session->model.isEmpty() ? QStringLiteral("hermes-agent") : session->model},
            {QStringLiteral("title"),
             session->title.isEmpty() ? QJsonValue(QJsonValue::Null) : session->title},
            {QStringLiteral("started_at"), session->startedAt},
            {QStringLiteral("last_active"), session->lastActive},
            {QStringLiteral("message_count"), session->rows.size()},
        });
    }
    return sessions;
}

void TranscriptStore::evictIfFull()
{
    while (m_sessions.size() >= kMaxSessions) {
        auto oldest = m_sessions.begin();
        for (auto it = m_sessions.begin(); it != m_sessions.end(); ++it) {
            if (it->lastActive < oldest->lastActive)
                oldest = it;
        }
        m_sessions.erase(oldest);
    }
}

} // namespace caduceus::sim
