#include "chat/HistoryPreparation.h"

#include "chat/ContextCompressor.h"
#include "chat/HistoryBuilder.h"
#include "chat/TokenEstimator.h"
#include "store/SessionStore.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QStringList>

Q_DECLARE_LOGGING_CATEGORY(lcSession)

namespace caduceus::chat {

HistoryPreparation::HistoryPreparation(const Inputs &inputs, QObject *parent) : QObject(parent), m_in(inputs)
{
}

HistoryPreparation::~HistoryPreparation()
{
    cancel();
}

HistoryPreparation::Budget HistoryPreparation::budgetFor(qint64 contextLength, qint64 inputTokens,
                                                         const CompressionOptions &o)
{
    Budget b;
    b.conversation = qMax<qint64>(contextLength, 1) / 2;
    b.history = qMax<qint64>(0, b.conversation - qMax<qint64>(0, inputTokens));
    b.summaryRequest = int(qMin<qint64>(qMax(0, o.summaryBudgetTokens), b.history / 4));
    b.summaryLimit = 2 * qint64(b.summaryRequest);
    b.tail = b.history - b.summaryLimit;
    return b;
}

namespace {

QJsonObject withContent(QJsonObject item, const QString &content)
{
    item.insert(QStringLiteral("content"), content);
    return item;
}

QString itemsPhrase(int n)
{
    return n == 1 ? QStringLiteral("1 earlier message") : QStringLiteral("%1 earlier messages").arg(n);
}

} // namespace

HistoryPreparation::Fitted HistoryPreparation::fit(const ContextBuilder::ItemRange &range, bool hasSummary,
                                                   const Budget &budget)
{
    constexpr int overhead = TokenEstimator::MessageOverhead;
    Fitted f;
    qint64 room = budget.history;
    const int first = hasSummary && !range.items.isEmpty() ? 1 : 0;
    auto tokensOf = [&range](qsizetype i) {
        return i < range.tokens.size()
                   ? qint64(range.tokens.at(i))
                   : qint64(TokenEstimator::estimate(
                                range.items.at(i).toObject().value(QLatin1String("content")).toString()) +
                            overhead);
    };
    // Cuts item i to at most `limit` tokens; an empty object when nothing useful fits.
    auto cutItem = [&range](qsizetype i, qint64 limit) {
        const QJsonObject item = range.items.at(i).toObject();
        const QString cut =
            HistoryBuilder::cutToTokens(item.value(QLatin1String("content")).toString(), limit - overhead);
        return cut.isEmpty() ? QJsonObject() : withContent(item, cut);
    };

    QJsonObject summary;
    bool summaryCut = false;
    bool summaryDropped = false;
    if (first == 1) {
        const qint64 limit = qMin(budget.summaryLimit, room);
        summary = range.items.at(0).toObject();
        qint64 cost = tokensOf(0);
        if (cost > limit) {
            summary = cutItem(0, limit);
            summaryCut = !summary.isEmpty();
            summaryDropped = summary.isEmpty();
            cost = summaryCut ? TokenEstimator::estimate(summary.value(QLatin1String("content")).toString()) +
                                    overhead
                              : 0;
        }
        f.summaryTokens = cost;
        room -= cost;
    }

    QList<QJsonObject> kept; // newest first
    int cutMessages = 0;
    int omittedMessages = 0;
    for (qsizetype i = range.items.size() - 1; i >= first; --i) {
        const qint64 cost = tokensOf(i);
        if (cost <= room) {
            kept.append(range.items.at(i).toObject());
            room -= cost;
            f.tokens += cost;
            continue;
        }
        // The first item that does not fit keeps its head and tail; everything older is left out.
        const QJsonObject cut = cutItem(i, room);
        if (!cut.isEmpty()) {
            const QString content = cut.value(QLatin1String("content")).toString();
            const qint64 cutCost = TokenEstimator::estimate(content) + overhead;
            kept.append(cut);
            room -= cutCost;
            f.tokens += cutCost;
            // The cached estimate counts an assistant row's tool calls, which are not sent: it may fit whole.
            if (content == range.items.at(i).toObject().value(QLatin1String("content")).toString())
                continue;
            ++cutMessages;
            --i;
        }
        omittedMessages = int(i - first + 1);
        break;
    }
    omittedMessages += range.olderLeftOut;

    if (!summary.isEmpty())
        f.history.append(summary);
    for (qsizetype i = kept.size() - 1; i >= 0; --i)
        f.history.append(kept.at(i));
    f.verbatimItems = int(kept.size());
    f.tokens += f.summaryTokens;
    f.cutItems = cutMessages + (summaryCut ? 1 : 0);
    f.omittedItems = omittedMessages + (summaryDropped ? 1 : 0);

    if (range.items.isEmpty())
        return f; // nothing to send, nothing given up
    if (budget.history <= 0) {
        f.notice =
            QStringLiteral("The new message alone is over the %1-token budget for the conversation, so "
                           "no history was sent")
                .arg(budget.conversation);
        return f;
    }
    QStringList parts;
    if (summaryDropped)
        parts << QStringLiteral("the summary of the earlier conversation left out");
    else if (summaryCut)
        parts << QStringLiteral("the summary cut");
    if (cutMessages > 0)
        parts << QStringLiteral("%1 cut").arg(itemsPhrase(cutMessages));
    if (omittedMessages > 0)
        parts << QStringLiteral("%1 left out").arg(itemsPhrase(omittedMessages));
    if (!parts.isEmpty()) {
        f.notice =
            parts.join(QStringLiteral(", ")) +
            QStringLiteral(" to fit the context window (%1 tokens for the history and the new message)")
                .arg(budget.conversation);
        f.notice[0] = f.notice[0].toUpper();
    }
    return f;
}

bool HistoryPreparation::shouldCompress(const ContextBuilder::Window &w, qint64 contextLength,
                                        const CompressionOptions &o)
{
    if (!o.enabled || w.totalItems <= o.minimumItems || w.itemsSinceSnapshot <= w.verbatimItems)
        return false;
    const qint64 threshold = qMax<qint64>(contextLength, 1) / 2;
    return w.contextTokens > threshold || w.itemsSinceSnapshot > o.messageThreshold;
}

HistoryPreparation::Fitted HistoryPreparation::fitted()
{
    ContextBuilder &context = *m_in.context;
    const bool hasSummary = context.snapshot().has_value();
    Fitted f = fit(context.contextItems(m_in.beforeMessageId, m_budget.history), hasSummary, m_budget);
    if (!f.notice.isEmpty())
        qCWarning(lcSession) << m_in.sessionId << f.notice << "- sending" << f.history.size()
                             << "items, about" << f.tokens << "tokens of history and" << m_window.inputTokens
                             << "of input";
    return f;
}

void HistoryPreparation::start()
{
    ContextBuilder &context = *m_in.context;
    const int tail = qMax(0, m_in.options.verbatimTail);
    m_window = context.window(m_in.beforeMessageId, tail);
    m_budget = budgetFor(m_in.contextLength, m_window.inputTokens, m_in.options);
    m_window.verbatimItems = context.tailItems(m_in.beforeMessageId, tail, m_budget.tail);
    if (!shouldCompress(m_window, m_in.contextLength, m_in.options)) {
        Q_EMIT ready(fitted().history);
        return;
    }
    const auto previous = context.snapshot();
    m_newSummarised = m_window.totalItems - m_window.verbatimItems;
    const ContextBuilder::ItemRange range = context.items(m_window.summarisedItems, m_newSummarised);
    m_newLastId = range.lastMessageId;
    qCInfo(lcSession) << m_in.sessionId << "compressing" << range.items.size() << "of" << m_window.totalItems
                      << "history items, about" << m_window.contextTokens
                      << "tokens with the new input, budget" << m_budget.conversation << "of context length"
                      << m_in.contextLength;
    Q_EMIT compressionStarted(
        QJsonObject{{QStringLiteral("message_count"),
                     m_window.hasSnapshot ? m_window.itemsSinceSnapshot : m_window.totalItems},
                    {QStringLiteral("token_count"), m_window.contextTokens}});

    if (m_budget.summaryLimit < HistoryBuilder::MinCutTokens) {
        // The new input leaves no room for a summary: a summary run would be of no use to this run.
        onSummary(
            false, {},
            QStringLiteral("the new message alone (about %1 tokens) is over the budget of %2 tokens for "
                           "the conversation, so no summary can be sent with it")
                .arg(m_window.inputTokens)
                .arg(m_budget.conversation));
        return;
    }
    ContextCompressor::Request request;
    request.sessionId = m_in.sessionId;
    request.profile = m_in.profile;
    request.model = m_in.model;
    request.previousSummary = previous ? previous->summary : QString();
    request.items = range.items;
    request.itemTokens = range.tokens;
    // A summary run is a run like any other: it gets the same conversation budget.
    request.runBudgetTokens = m_budget.conversation;
    request.summaryTokens = m_budget.summaryRequest;
    request.summaryLimitTokens = m_budget.summaryLimit;
    request.options = m_in.options;
    m_compressor = new ContextCompressor(m_in.client, m_in.store, this);
    connect(m_compressor, &ContextCompressor::finished, this, [this](const ContextCompressor::Result &r) {
        m_compressor->deleteLater();
        m_compressor = nullptr;
        onSummary(r.ok, r.summary, r.error);
    });
    m_compressor->start(request);
}

void HistoryPreparation::onSummary(bool ok, const QString &summary, const QString &error)
{
    if (m_cancelled)
        return;
    ContextBuilder &context = *m_in.context;
    QString problem = error;
    if (ok) {
        store::CompressionSnapshot snapshot;
        snapshot.sessionId = m_in.sessionId;
        snapshot.summary = summary;
        snapshot.lastMessageIndex = m_newSummarised - 1;
        snapshot.lastMessageId = m_newLastId;
        snapshot.messageCount = m_window.totalItems;
        snapshot.createdAt = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
        // Unsaved, the summary still serves this run; the next one will summarise again.
        if (!m_in.store->saveSnapshot(snapshot))
            problem = QStringLiteral("the summary was made but not saved: %1").arg(m_in.store->lastError());
        context.adoptSnapshot(snapshot);
    }
    const Fitted sent = fitted();
    const auto inUse = context.snapshot();
    const ContextBuilder::Window after = context.window(m_in.beforeMessageId);
    QJsonObject completed{
        {QStringLiteral("compressed"), inUse.has_value() && sent.summaryTokens > 0},
        {QStringLiteral("llmCompressed"), ok},
        {QStringLiteral("totalMessages"), m_window.totalItems},
        {QStringLiteral("resultMessages"), sent.history.size()},
        {QStringLiteral("beforeTokens"), m_window.contextTokens},
        {QStringLiteral("afterTokens"), sent.tokens + m_window.inputTokens},
        {QStringLiteral("summaryTokens"), sent.summaryTokens},
        {QStringLiteral("verbatimCount"), sent.verbatimItems},
        {QStringLiteral("compressedStartIndex"), ok ? m_window.summarisedItems : -1},
        {QStringLiteral("lastMessageIndex"), after.summarisedItems - 1},
        {QStringLiteral("budgetTokens"), m_budget.conversation},
        {QStringLiteral("inputTokens"), m_window.inputTokens},
        {QStringLiteral("cutMessages"), sent.cutItems},
        {QStringLiteral("omittedMessages"), sent.omittedItems},
    };
    if (!problem.isEmpty())
        completed.insert(QStringLiteral("error"), problem);
    if (!sent.notice.isEmpty())
        completed.insert(QStringLiteral("notice"), sent.notice);
    Q_EMIT compressionCompleted(completed);
    Q_EMIT ready(sent.history);
}

void HistoryPreparation::cancel()
{
    m_cancelled = true;
    if (m_compressor) {
        m_compressor->cancel();
        m_compressor->deleteLater();
        m_compressor = nullptr;
    }
}

} // namespace caduceus::chat
