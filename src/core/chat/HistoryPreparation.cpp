#include "chat/HistoryPreparation.h"

#include "chat/ContextCompressor.h"
#include "store/SessionStore.h"

#include <QDateTime>
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcSession)

namespace caduceus::chat {

HistoryPreparation::HistoryPreparation(const Inputs &inputs, QObject *parent) : QObject(parent), m_in(inputs)
{
}

HistoryPreparation::~HistoryPreparation()
{
    cancel();
}

bool HistoryPreparation::shouldCompress(const ContextBuilder::Window &w, qint64 contextLength,
                                        const CompressionOptions &o)
{
    if (!o.enabled || w.totalItems <= o.minimumItems || w.itemsSinceSnapshot <= qMax(0, o.verbatimTail))
        return false;
    const qint64 threshold = qMax<qint64>(contextLength, 1) / 2;
    return w.contextTokens > threshold || w.itemsSinceSnapshot > o.messageThreshold;
}

void HistoryPreparation::start()
{
    ContextBuilder &context = *m_in.context;
    m_window = context.window(m_in.beforeMessageId);
    if (!shouldCompress(m_window, m_in.contextLength, m_in.options)) {
        Q_EMIT ready(context.contextHistory(m_in.beforeMessageId));
        return;
    }
    const auto previous = context.snapshot();
    m_newSummarised = m_window.totalItems - qMax(0, m_in.options.verbatimTail);
    const ContextBuilder::ItemRange range = context.items(m_window.summarisedItems, m_newSummarised);
    m_newLastId = range.lastMessageId;
    qCInfo(lcSession) << m_in.sessionId << "compressing" << range.items.size() << "of" << m_window.totalItems
                      << "history items, about" << m_window.contextTokens << "tokens, context length"
                      << m_in.contextLength;
    Q_EMIT compressionStarted(
        QJsonObject{{QStringLiteral("message_count"),
                     m_window.hasSnapshot ? m_window.itemsSinceSnapshot : m_window.totalItems},
                    {QStringLiteral("token_count"), m_window.contextTokens}});

    ContextCompressor::Request request;
    request.sessionId = m_in.sessionId;
    request.profile = m_in.profile;
    request.model = m_in.model;
    request.previousSummary = previous ? previous->summary : QString();
    request.items = range.items;
    request.itemTokens = range.tokens;
    // One summary run must fit the model too: half its context, less room for the prompt and the answer.
    request.chunkTokens =
        qMax<qint64>(4000, m_in.contextLength / 2 - 2 * qint64(m_in.options.summaryBudgetTokens));
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
    const QJsonArray history = context.contextHistory(m_in.beforeMessageId);
    const auto inUse = context.snapshot();
    const ContextBuilder::Window after = context.window(m_in.beforeMessageId);
    QJsonObject completed{
        {QStringLiteral("compressed"), inUse.has_value()},
        {QStringLiteral("llmCompressed"), ok},
        {QStringLiteral("totalMessages"), m_window.totalItems},
        {QStringLiteral("resultMessages"), history.size()},
        {QStringLiteral("beforeTokens"), m_window.contextTokens},
        {QStringLiteral("afterTokens"), after.contextTokens},
        {QStringLiteral("summaryTokens"), inUse ? ContextBuilder::summaryTokens(inUse->summary) : 0},
        {QStringLiteral("verbatimCount"), after.itemsSinceSnapshot},
        {QStringLiteral("compressedStartIndex"), ok ? m_window.summarisedItems : -1},
        {QStringLiteral("lastMessageIndex"), after.summarisedItems - 1},
    };
    if (!problem.isEmpty())
        completed.insert(QStringLiteral("error"), problem);
    Q_EMIT compressionCompleted(completed);
    Q_EMIT ready(history);
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
