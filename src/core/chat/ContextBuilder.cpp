#include "chat/ContextBuilder.h"

#include "chat/HistoryBuilder.h"
#include "chat/TokenEstimator.h"
#include "store/SessionStore.h"

namespace caduceus::chat {

using store::MessageRecord;

ContextBuilder::ContextBuilder(store::SessionStore *store, const QString &sessionId)
    : m_store(store), m_sessionId(sessionId)
{
}

void ContextBuilder::refresh()
{
    constexpr int page = 2000;
    for (;;) {
        const QList<MessageRecord> rows = m_store->messagesAfter(m_sessionId, m_lastId, page);
        for (const MessageRecord &m : rows) {
            // A streaming row is not final yet: stop before it and read it again next time.
            if (m.status == QLatin1String(store::MessageStatus::Streaming))
                return;
            Entry e;
            e.id = m.id;
            e.item = HistoryBuilder::toHistoryItem(m);
            const bool input = m.role == QLatin1String("user");
            const bool output = m.role == QLatin1String("assistant") || m.role == QLatin1String("tool");
            if (input || output) {
                e.tokens = TokenEstimator::estimateMessage(m);
                e.input = input;
                (input ? m_usage.inputTokens : m_usage.outputTokens) += e.tokens;
            }
            m_entries.append(e);
            m_lastId = m.id;
        }
        if (rows.size() < page)
            return;
    }
}

QJsonArray ContextBuilder::history(qint64 beforeMessageId)
{
    refresh();
    QJsonArray out;
    for (const Entry &e : std::as_const(m_entries)) {
        if (beforeMessageId > 0 && e.id >= beforeMessageId)
            break;
        if (!e.item.isEmpty())
            out.append(e.item);
    }
    return out;
}

ContextBuilder::Usage ContextBuilder::usage()
{
    refresh();
    return m_usage;
}

void ContextBuilder::invalidateFrom(qint64 messageId)
{
    while (!m_entries.isEmpty() && m_entries.last().id >= messageId) {
        const Entry e = m_entries.takeLast();
        (e.input ? m_usage.inputTokens : m_usage.outputTokens) -= e.tokens;
    }
    m_lastId = m_entries.isEmpty() ? 0 : m_entries.last().id;
}

void ContextBuilder::invalidateAll()
{
    m_entries.clear();
    m_usage = {};
    m_lastId = 0;
}

} // namespace caduceus::chat
