#pragma once
// conversation_history and the token estimate of one session, kept incrementally (SPEC 5.1, 5.3): the
// transcript is read and estimated once, then only rows newer than the cache are read. The reference
// relay re-read and re-tokenised the whole history on every run (SPEC 9.8).
#include "store/StoreTypes.h"

#include <QJsonArray>
#include <QList>

namespace caduceus::store {
class SessionStore;
}

namespace caduceus::chat {

class ContextBuilder
{
public:
    struct Usage
    {
        qint64 inputTokens = 0;  // user messages
        qint64 outputTokens = 0; // assistant + tool content
    };

    ContextBuilder(store::SessionStore *store, const QString &sessionId);

    // History items of every stored row older than `beforeMessageId` (0 = all).
    QJsonArray history(qint64 beforeMessageId = 0);
    Usage usage();
    // Stored rows changed or were replaced (transcript sync, deletion): re-read from there on.
    void invalidateFrom(qint64 messageId);
    void invalidateAll();
    int cachedRows() const { return int(m_entries.size()); }

private:
    struct Entry
    {
        qint64 id = 0;
        QJsonObject item; // empty when the row is not part of the history
        int tokens = 0;
        bool input = false;
    };
    void refresh();

    store::SessionStore *m_store;
    QString m_sessionId;
    QList<Entry> m_entries;
    qint64 m_lastId = 0;
    Usage m_usage;
};

} // namespace caduceus::chat
