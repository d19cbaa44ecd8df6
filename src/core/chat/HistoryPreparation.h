#pragma once
// The step between "the user turn is stored" and "POST /v1/runs" (SPEC 3.2 step 2): decide whether the
// history must be compressed first (SPEC 5.2), run the compressor when it must, and hand over the
// conversation_history to send.
//
// The budget (all in TokenEstimator tokens, for a context length L, the new input's estimate I):
//   conversation = L / 2: the history sent plus the new input never exceed it. The other half of the window
//                  is the reserve for what Caduceus cannot measure: the agent's system prompt and tool
//                  definitions, and the answer. It is also SPEC 5.2's threshold: compress above it.
//   history      = conversation - I (0 when the input alone is over the conversation budget).
//   summary      = asked for min(summaryBudgetTokens, history / 4), cut (head and tail) past twice that.
//   verbatim tail = the newest items, at most verbatimTail of them and at most history - summary limit
//                  tokens together; the newest item always stays (cut to fit when larger than that).
//
// When to compress: the conversation as it would be sent (ContextBuilder::Window::contextTokens: the summary
// in use, the items after it, the new input) exceeds the conversation budget, or more than
// CompressionOptions::messageThreshold items arrived since the last summary; never when the history has
// CompressionOptions::minimumItems items or fewer, nor when nothing lies beyond the verbatim tail.
//
// What is summarised: the items after the current snapshot up to the verbatim tail, on top of the previous
// summary, by runs held to the same conversation budget (ContextCompressor). The new snapshot's
// last_message_index / last_message_id name the last summarised item in the full-history index space of
// ContextBuilder.
//
// What is sent (fit(), with or without a compression): the summary, cut to its limit (or to the history
// budget when that is smaller); then the items after it, newest first, as long as they fit the history
// budget; the first that does not fit is cut to the room left (head and tail kept, with the note
// "[… N characters cut to fit the context window …]"), and any older ones are left out. Left-out items
// happen only when no summary could cover them (compression off or failed, a history of minimumItems items
// or fewer); each cut and omission is logged and counted in compression.completed. The history sent is
// never over the history budget: when even the summary does not fit next to the new input, it is cut, and
// dropped when nothing of it fits, which compression.completed's `notice` says.
//
// The events (payloads without session_id/event, the caller adds them):
//   compression.started   {message_count, token_count}: items considered (since the snapshot, or all without
//                         one) and the conversation estimate (history as it would be sent + the new input).
//   compression.completed {compressed, llmCompressed, totalMessages, resultMessages, beforeTokens,
//                          afterTokens, summaryTokens, verbatimCount, compressedStartIndex, lastMessageIndex,
//                          budgetTokens, inputTokens, cutMessages, omittedMessages, error?, notice?}
//     compressed: the history sent starts with a summary (a new one, or the previous one after a failure);
//     llmCompressed: a new summary was made now; totalMessages: items of the full history; resultMessages:
//     items sent (summary included); beforeTokens: token_count; afterTokens: the history sent + the new
//     input (what was sent, cuts included); summaryTokens: the summary item as sent; verbatimCount: items
//     sent after the summary; compressedStartIndex: index of the first item folded in by this compression
//     (-1 when none was); lastMessageIndex: index of the last item the summary in use covers (-1 without
//     summary); budgetTokens: the conversation budget; inputTokens: the new input's estimate; cutMessages /
//     omittedMessages: items sent cut / left out to fit; error: why no new summary was made (the previous
//     summary, or the full history, is sent instead, fitted); notice: what had to give to fit.
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

    // See the budget above.
    struct Budget
    {
        qint64 conversation = 0;
        qint64 history = 0;
        int summaryRequest = 0;
        qint64 summaryLimit = 0;
        qint64 tail = 0;
    };
    static Budget budgetFor(qint64 contextLength, qint64 inputTokens, const CompressionOptions &options);

    // What fit() sends: items (the summary first when `hasSummary`), and what had to give.
    struct Fitted
    {
        QJsonArray history;
        qint64 tokens = 0;        // estimate of the history as sent
        qint64 summaryTokens = 0; // of the summary item as sent (0 when none is sent)
        int verbatimItems = 0;    // items sent after the summary
        int cutItems = 0;         // items sent cut (summary included)
        int omittedItems = 0;     // items left out (summary included)
        QString notice;           // what had to give, for the user; empty when nothing did
    };
    static Fitted fit(const ContextBuilder::ItemRange &items, bool hasSummary, const Budget &budget);

    // window.verbatimItems must already be bounded by tokens (ContextBuilder::tailItems).
    static bool shouldCompress(const ContextBuilder::Window &window, qint64 contextLength,
                               const CompressionOptions &options);

Q_SIGNALS:
    void compressionStarted(const QJsonObject &payload);
    void compressionCompleted(const QJsonObject &payload);
    void ready(const QJsonArray &history);

private:
    void onSummary(bool ok, const QString &summary, const QString &error);
    // Fits what the context holds now to the budget, logs what had to give.
    Fitted fitted();

    Inputs m_in;
    ContextBuilder::Window m_window;
    Budget m_budget;
    int m_newSummarised = 0;
    qint64 m_newLastId = 0;
    QPointer<ContextCompressor> m_compressor;
    bool m_cancelled = false;
};

} // namespace caduceus::chat
