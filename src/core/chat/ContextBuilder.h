#pragma once
// conversation_history and the token estimate of one session, kept incrementally (SPEC 5.1, 5.3): the
// transcript is read and estimated once, then only rows newer than the cache are read. The reference
// relay re-read and re-tokenised the whole history on every run (SPEC 9.8).
//
// Index space. Every stored row that becomes a history item (HistoryBuilder::toHistoryItem is not empty)
// gets the next item index, oldest first, counted over the whole transcript and never over a page of it
// (the reference applied an index computed on the full history to its last 500 messages, SPEC 9.4).
// A compression snapshot's last_message_index is an item index in this space; its last_message_id is the
// stored id of that item, which is what the boundary is found by when known.
//
// With a snapshot, what the agent gets is the summary as the first item (summaryItem) followed by every item
// after the boundary; usage() then counts the summary as input plus the rows after the boundary (SPEC 5.3).
// A row's estimate is that of what the agent is sent: a long tool output counts as its cut form (SPEC 5.1),
// not as the megabytes stored (an assistant row's tool calls count too, though only its text is sent: the
// estimate errs high there, the safe side). HistoryPreparation then fits what contextItems() returns to the window.
// So a session with a snapshot is read from its boundary on: opening a compressed 15 000-message session
// reads the few hundred rows after its summary. The rows before are read only when asked for (history(),
// items() before the boundary).
#include "store/StoreTypes.h"

#include <QJsonArray>
#include <QList>
#include <optional>

namespace caduceus::store {
class SessionStore;
}

namespace caduceus::chat {

class ContextBuilder
{
public:
    struct Usage
    {
        qint64 inputTokens = 0;  // the summary and user messages
        qint64 outputTokens = 0; // assistant + tool content
        qint64 total() const { return inputTokens + outputTokens; }
    };

    // What a run starting before a given message would be sent.
    struct Window
    {
        int totalItems = 0;         // history items before that message (the full history)
        int summarisedItems = 0;    // of those, the ones the snapshot covers (0 without a snapshot)
        int itemsSinceSnapshot = 0; // totalItems - summarisedItems
        // The conversation as it would be sent without compressing or cutting: historyTokens + inputTokens.
        qint64 contextTokens = 0;
        qint64 historyTokens = 0; // the summary in use and the items after it
        qint64 inputTokens = 0;   // the message `beforeMessageId` names (the new input), 0 when none
        // Of itemsSinceSnapshot, the newest ones a verbatim tail would keep; window() sets it to
        // min(itemsSinceSnapshot, verbatimTail), HistoryPreparation bounds it by tokens too (tailItems()).
        int verbatimItems = 0;
        bool hasSnapshot = false;
    };

    // Items [from, to) of the full history with their token estimates.
    struct ItemRange
    {
        QJsonArray items;
        QList<int> tokens;
        qint64 lastMessageId = 0; // stored id of the last item of the range (0 when empty)
        int olderLeftOut = 0;     // contextItems() with a token limit: older items not in the range
    };

    ContextBuilder(store::SessionStore *store, const QString &sessionId);

    // The full history (no summary) of every stored row older than `beforeMessageId` (0 = all).
    QJsonArray history(qint64 beforeMessageId = 0);
    // What the agent is sent: with a snapshot, the summary then the items after it; else history().
    QJsonArray contextHistory(qint64 beforeMessageId = 0);
    // What contextHistory() returns with each item's estimate (the summary first, when there is one). With
    // maxTokens >= 0, only the newest items that fit it together and the one before them (older ones could
    // never be sent: HistoryPreparation::fit stops there), so that a long history is not copied for nothing.
    ItemRange contextItems(qint64 beforeMessageId = 0, qint64 maxTokens = -1);
    Window window(qint64 beforeMessageId = 0, int verbatimTail = 20);
    ItemRange items(int from, int to);
    // How many of the newest items before `beforeMessageId` and after the snapshot a verbatim tail keeps: at
    // most maxItems, and as many as fit maxTokens together, but never none when there is one (the newest
    // item stays even when larger than maxTokens: it is cut to fit when sent rather than summarised away).
    // Counted on the rows read so far: call it after window() for the same message.
    int tailItems(qint64 beforeMessageId, int maxItems, qint64 maxTokens);
    Usage usage();

    std::optional<store::CompressionSnapshot> snapshot();
    // A snapshot that was just saved becomes the current one (no need to read it back).
    void adoptSnapshot(const store::CompressionSnapshot &snapshot);

    // The first history item of a compressed history: a notice that this is reference context, then the
    // summary.
    static QJsonObject summaryItem(const QString &summary);
    static int summaryTokens(const QString &summary);
    static QString summaryNotice();

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
        bool output = false;
    };
    static Entry entryOf(const store::MessageRecord &m);
    const QJsonObject &itemAt(int index) const;
    void refresh();
    // Reads the rows before the snapshot boundary when they were skipped.
    void loadPrefix();
    bool prefixSkipped(qint64 beforeMessageId) const
    {
        return m_prefixEndId > 0 && beforeMessageId > 0 && beforeMessageId <= m_prefixEndId;
    }
    // Number of items whose stored id is below `beforeMessageId` (0 = all).
    int itemsBefore(qint64 beforeMessageId) const;
    const Entry &entryOfItem(int index) const { return m_entries[m_itemPositions[index - m_skippedItems]]; }
    // The estimate of the stored row with that id (0 when it was not read).
    int rowTokens(qint64 messageId) const;
    // Number of items the snapshot covers, and the stored id at its boundary.
    int summarisedItems() const;
    qint64 boundaryId() const;

    store::SessionStore *m_store;
    QString m_sessionId;
    QList<Entry> m_entries;
    QList<qsizetype> m_itemPositions; // entry position of each history item (after the skipped ones)
    int m_skippedItems = 0;           // items before the snapshot boundary that were not read
    qint64 m_prefixEndId = 0;         // rows up to this id were not read (0: every row was)
    qint64 m_lastId = 0;
    Usage m_usage; // over every row, without the snapshot
    std::optional<store::CompressionSnapshot> m_snapshot;
    bool m_snapshotLoaded = false;
};

} // namespace caduceus::chat
