#pragma once
// The step between "the user turn is stored" and "POST /v1/runs" (SPEC 3.2 step 2): decide whether the
// history must be compressed first (SPEC 5.2), run the compressor when it must, and hand over the
// conversation_history to send.
//
// When to compress: the estimated context (ContextBuilder::usage().total(), the figure usage.updated shows)
// exceeds half the context length, or more than CompressionOptions::messageThreshold items arrived since the
// last summary; never when the history has CompressionOptions::minimumItems items or fewer, nor when no more
// than the verbatim tail came after the last summary (nothing would be left to summarise).
//
// What is summarised: the items after the current snapshot up to the verbatim tail, on top of the previous
// summary. The new snapshot's last_message_index / last_message_id name the last summarised item in the
// full-history index space of ContextBuilder.
//
// The events (payloads without session_id/event, the caller adds them):
//   compression.started   {message_count, token_count}: items considered (since the snapshot, or all without
//                         one) and the context estimate.
//   compression.completed {compressed, llmCompressed, totalMessages, resultMessages, beforeTokens,
//   afterTokens,
//                         summaryTokens, verbatimCount, compressedStartIndex, lastMessageIndex, error?}
//     compressed: the history sent starts with a summary (a new one, or the previous one after a failure);
//     llmCompressed: a new summary was made now; totalMessages: items of the full history; resultMessages:
//     items sent (summary included); verbatimCount: items sent word for word after the summary;
//     compressedStartIndex: index of the first item folded in by this compression (-1 when none was);
//     lastMessageIndex: index of the last item the summary in use covers (-1 without summary);
//     error: why no new summary was made; the previous summary (or the full history) is sent instead.
#include "chat/CompressionOptions.h"
#include "chat/ContextBuilder.h"
#include "chat/ContextCompressor.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>

namespace caduceus::hermes {
class HermesClient;
}
namespace caduceus::store {
class SessionStore;
}

namespace caduceus::chat {

class HistoryPreparation : public QObject
{
    Q_OBJECT
public:
    struct Inputs
    {
        ContextBuilder *context = nullptr; // must outlive the preparation while it runs
        store::SessionStore *store = nullptr;
        hermes::HermesClient *client = nullptr;
        QString sessionId;
        QString profile;
        QString model;
        qint64 beforeMessageId = 0; // the new user turn: history is what came before it
        qint64 contextLength = 200'000;
        CompressionOptions options;
    };

    explicit HistoryPreparation(const Inputs &inputs, QObject *parent = nullptr);
    ~HistoryPreparation() override;

    // Emits ready() before returning when no compression is needed; else compressionStarted() now and
    // compressionCompleted() then ready() when the summary run ends.
    void start();
    // Stops a summary run in flight; no signal after this. Does not touch the ContextBuilder.
    void cancel();
    bool isCompressing() const { return m_compressor != nullptr; }

    static bool shouldCompress(const ContextBuilder::Window &window, qint64 contextLength,
                               const CompressionOptions &options);

Q_SIGNALS:
    void compressionStarted(const QJsonObject &payload);
    void compressionCompleted(const QJsonObject &payload);
    void ready(const QJsonArray &history);

private:
    void onSummary(bool ok, const QString &summary, const QString &error);

    Inputs m_in;
    ContextBuilder::Window m_window;
    int m_newSummarised = 0;
    qint64 m_newLastId = 0;
    QPointer<ContextCompressor> m_compressor;
    bool m_cancelled = false;
};

} // namespace caduceus::chat
