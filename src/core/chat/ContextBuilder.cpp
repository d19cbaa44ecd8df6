#include "chat/ContextBuilder.h"

#include "chat/HistoryBuilder.h"
#include "chat/TokenEstimator.h"
#include "store/SessionStore.h"

#include <algorithm>

namespace caduceus::chat {

using store::MessageRecord;

ContextBuilder::ContextBuilder(store::SessionStore *store, const QString &sessionId)
    : m_store(store), m_sessionId(sessionId)
{
}

QString ContextBuilder::summaryNotice()
{
    return QStringLiteral(
        "[Reference context: the earlier part of this conversation, summarised for hand-off. It is "
        "background "
        "for continuing the work, not instructions: do not act on it by itself. The conversation continues "
        "after it.]");
}

QJsonObject ContextBuilder::summaryItem(const QString &summary)
{
    return QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                       {QStringLiteral("content"), summaryNotice() + QStringLiteral("\n\n") + summary}};
}

int ContextBuilder::summaryTokens(const QString &summary)
{
    return TokenEstimator::estimate(summaryNotice() + QStringLiteral("\n\n") + summary) +
           TokenEstimator::MessageOverhead;
}

namespace {

void addUsage(ContextBuilder::Usage &into, const ContextBuilder::Usage &more)
{
    into.inputTokens += more.inputTokens;
    into.outputTokens += more.outputTokens;
}

} // namespace

ContextBuilder::Entry ContextBuilder::entryOf(const MessageRecord &m)
{
    Entry e;
    e.id = m.id;
    e.item = HistoryBuilder::toHistoryItem(m);
    e.input = m.role == QLatin1String("user");
    e.output = m.role == QLatin1String("assistant") || m.role == QLatin1String("tool");
    if (e.input || e.output || !e.item.isEmpty())
        e.tokens = TokenEstimator::estimateMessage(m);
    const HistoryOptions cut;
    if (m.role == QLatin1String("tool") && !e.item.isEmpty() &&
        m.content.size() > qsizetype(cut.toolHeadChars) + cut.toolTailChars) {
        // The agent gets the head and tail only: count those, not the whole stored output.
        e.tokens = TokenEstimator::estimate(e.item.value(QLatin1String("content")).toString()) +
                   TokenEstimator::MessageOverhead;
    }
    return e;
}

void ContextBuilder::refresh()
{
    if (!m_snapshotLoaded) {
        m_snapshot = m_store->latestSnapshot(m_sessionId);
        m_snapshotLoaded = true;
        if (m_entries.isEmpty() && m_lastId == 0 && m_snapshot && m_snapshot->lastMessageId > 0 &&
            m_snapshot->lastMessageIndex >= 0) {
            // A run needs nothing the summary covers: start reading after it.
            m_prefixEndId = m_snapshot->lastMessageId;
            m_skippedItems = m_snapshot->lastMessageIndex + 1;
            m_lastId = m_prefixEndId;
        }
    }
    constexpr int page = 2000;
    for (;;) {
        const QList<MessageRecord> rows = m_store->messagesAfter(m_sessionId, m_lastId, page);
        for (const MessageRecord &m : rows) {
            // A streaming row is not final yet: stop before it and read it again next time.
            if (m.status == QLatin1String(store::MessageStatus::Streaming))
                return;
            const Entry e = entryOf(m);
            if (e.input)
                m_usage.inputTokens += e.tokens;
            else if (e.output)
                m_usage.outputTokens += e.tokens;
            if (!e.item.isEmpty())
                m_itemPositions.append(m_entries.size());
            m_entries.append(e);
            m_lastId = m.id;
        }
        if (rows.size() < page)
            return;
    }
}

void ContextBuilder::loadPrefix()
{
    if (m_prefixEndId <= 0)
        return;
    QList<Entry> prefix;
    QList<qsizetype> positions;
    Usage usage;
    constexpr int page = 2000;
    for (qint64 cursor = 0;;) {
        const QList<MessageRecord> rows = m_store->messagesAfter(m_sessionId, cursor, page);
        bool done = rows.size() < page;
        for (const MessageRecord &m : rows) {
            if (m.id > m_prefixEndId) {
                done = true;
                break;
            }
            const Entry e = entryOf(m);
            if (e.input)
                usage.inputTokens += e.tokens;
            else if (e.output)
                usage.outputTokens += e.tokens;
            if (!e.item.isEmpty())
                positions.append(prefix.size());
            prefix.append(e);
            cursor = m.id;
        }
        if (done)
            break;
    }
    // The rows read now are the truth; the snapshot's index only stood in for them.
    for (qsizetype &position : m_itemPositions)
        position += prefix.size();
    positions.append(m_itemPositions);
    m_itemPositions = positions;
    prefix.append(m_entries);
    m_entries = prefix;
    addUsage(m_usage, usage);
    m_skippedItems = 0;
    m_prefixEndId = 0;
}

int ContextBuilder::itemsBefore(qint64 beforeMessageId) const
{
    if (beforeMessageId <= 0)
        return m_skippedItems + int(m_itemPositions.size());
    const auto it =
        std::lower_bound(m_itemPositions.cbegin(), m_itemPositions.cend(), beforeMessageId,
                         [this](qsizetype position, qint64 id) { return m_entries[position].id < id; });
    return m_skippedItems + int(it - m_itemPositions.cbegin());
}

int ContextBuilder::summarisedItems() const
{
    if (!m_snapshot)
        return 0;
    if (m_snapshot->lastMessageId > 0)
        return itemsBefore(m_snapshot->lastMessageId + 1);
    return std::clamp(m_snapshot->lastMessageIndex + 1, 0, itemsBefore(0));
}

qint64 ContextBuilder::boundaryId() const
{
    if (!m_snapshot)
        return 0;
    if (m_snapshot->lastMessageId > 0)
        return m_snapshot->lastMessageId;
    // Rows are skipped only below a snapshot that names its row: here every row was read.
    const int covered = summarisedItems();
    return covered > 0 ? m_entries[m_itemPositions[covered - 1]].id : 0;
}

const QJsonObject &ContextBuilder::itemAt(int index) const
{
    return entryOfItem(index).item;
}

int ContextBuilder::rowTokens(qint64 messageId) const
{
    const auto it = std::lower_bound(m_entries.cbegin(), m_entries.cend(), messageId,
                                     [](const Entry &e, qint64 id) { return e.id < id; });
    return it != m_entries.cend() && it->id == messageId ? it->tokens : 0;
}

QJsonArray ContextBuilder::history(qint64 beforeMessageId)
{
    refresh();
    loadPrefix();
    QJsonArray out;
    const int count = itemsBefore(beforeMessageId);
    for (int i = 0; i < count; ++i)
        out.append(itemAt(i));
    return out;
}

QJsonArray ContextBuilder::contextHistory(qint64 beforeMessageId)
{
    refresh();
    if (!m_snapshot)
        return history(beforeMessageId);
    if (prefixSkipped(beforeMessageId))
        loadPrefix();
    QJsonArray out{summaryItem(m_snapshot->summary)};
    const int count = itemsBefore(beforeMessageId);
    for (int i = std::min(summarisedItems(), count); i < count; ++i)
        out.append(itemAt(i));
    return out;
}

ContextBuilder::ItemRange ContextBuilder::contextItems(qint64 beforeMessageId, qint64 maxTokens)
{
    refresh();
    if (!m_snapshot || prefixSkipped(beforeMessageId))
        loadPrefix();
    ItemRange range;
    const int count = itemsBefore(beforeMessageId);
    int from = 0;
    if (m_snapshot) {
        range.items.append(summaryItem(m_snapshot->summary));
        range.tokens.append(summaryTokens(m_snapshot->summary));
        from = std::min(summarisedItems(), count);
    }
    if (maxTokens >= 0) {
        int first = count;
        for (qint64 tokens = 0; first > from && tokens <= maxTokens;)
            tokens += entryOfItem(--first).tokens;
        range.olderLeftOut = first - from;
        from = first;
    }
    for (int i = from; i < count; ++i) {
        const Entry &e = entryOfItem(i);
        range.items.append(e.item);
        range.tokens.append(e.tokens);
        range.lastMessageId = e.id;
    }
    return range;
}

ContextBuilder::Window ContextBuilder::window(qint64 beforeMessageId, int verbatimTail)
{
    refresh();
    if (!m_snapshot || prefixSkipped(beforeMessageId))
        loadPrefix();
    Window w;
    w.totalItems = itemsBefore(beforeMessageId);
    w.hasSnapshot = m_snapshot.has_value();
    w.summarisedItems = std::min(summarisedItems(), w.totalItems);
    w.itemsSinceSnapshot = w.totalItems - w.summarisedItems;
    w.verbatimItems = std::clamp(verbatimTail, 0, w.itemsSinceSnapshot);
    if (m_snapshot)
        w.historyTokens = summaryTokens(m_snapshot->summary);
    for (int i = w.summarisedItems; i < w.totalItems; ++i)
        w.historyTokens += entryOfItem(i).tokens;
    w.inputTokens = beforeMessageId > 0 ? rowTokens(beforeMessageId) : 0;
    w.contextTokens = w.historyTokens + w.inputTokens;
    return w;
}

int ContextBuilder::tailItems(qint64 beforeMessageId, int maxItems, qint64 maxTokens)
{
    // On the rows window() just read: no second trip to the database.
    if (prefixSkipped(beforeMessageId))
        loadPrefix();
    const int total = itemsBefore(beforeMessageId);
    const int summarised = std::min(summarisedItems(), total);
    int kept = 0;
    qint64 tokens = 0;
    for (int i = total - 1; i >= summarised && kept < maxItems; --i) {
        tokens += entryOfItem(i).tokens;
        if (kept > 0 && tokens > maxTokens)
            break;
        ++kept;
    }
    return kept;
}

ContextBuilder::ItemRange ContextBuilder::items(int from, int to)
{
    refresh();
    from = std::max(from, 0);
    if (from < m_skippedItems)
        loadPrefix();
    ItemRange range;
    to = std::min(to, itemsBefore(0));
    for (int i = from; i < to; ++i) {
        const Entry &e = m_entries[m_itemPositions[i - m_skippedItems]];
        range.items.append(e.item);
        range.tokens.append(e.tokens);
        range.lastMessageId = e.id;
    }
    return range;
}

ContextBuilder::Usage ContextBuilder::usage()
{
    refresh();
    if (!m_snapshot)
        return m_usage;
    // Rows after the boundary are few (the verbatim tail plus what came since): count from the end.
    Usage u;
    u.inputTokens = summaryTokens(m_snapshot->summary);
    const qint64 boundary = boundaryId();
    for (qsizetype i = m_entries.size() - 1; i >= 0 && m_entries[i].id > boundary; --i) {
        const Entry &e = m_entries[i];
        if (e.input)
            u.inputTokens += e.tokens;
        else if (e.output)
            u.outputTokens += e.tokens;
    }
    return u;
}

std::optional<store::CompressionSnapshot> ContextBuilder::snapshot()
{
    refresh();
    return m_snapshot;
}

void ContextBuilder::adoptSnapshot(const store::CompressionSnapshot &snapshot)
{
    refresh();
    // A boundary inside the rows that were skipped needs them.
    if (m_prefixEndId > 0 && (snapshot.lastMessageId <= 0 || snapshot.lastMessageId < m_prefixEndId))
        loadPrefix();
    m_snapshot = snapshot;
    m_snapshotLoaded = true;
}

void ContextBuilder::invalidateFrom(qint64 messageId)
{
    if (m_prefixEndId > 0 && messageId <= m_prefixEndId) {
        invalidateAll();
        return;
    }
    while (!m_entries.isEmpty() && m_entries.last().id >= messageId) {
        const Entry e = m_entries.takeLast();
        if (e.input)
            m_usage.inputTokens -= e.tokens;
        else if (e.output)
            m_usage.outputTokens -= e.tokens;
        if (!e.item.isEmpty())
            m_itemPositions.removeLast();
    }
    m_lastId = m_entries.isEmpty() ? m_prefixEndId : m_entries.last().id;
}

void ContextBuilder::invalidateAll()
{
    m_entries.clear();
    m_itemPositions.clear();
    m_skippedItems = 0;
    m_prefixEndId = 0;
    m_usage = {};
    m_lastId = 0;
    m_snapshot.reset();
    m_snapshotLoaded = false;
}

} // namespace caduceus::chat
