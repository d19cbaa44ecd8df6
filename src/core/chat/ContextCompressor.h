#pragma once
// Folds older history items into a hand-off summary by an ordinary agent run (SPEC 5.2): POST /v1/runs with
// a session id of its own (compress_<base36 ms>_<6 chars>), the items as conversation_history, and the
// hand-off prompt as input; the answer is read from the run's events (or its status when the stream is lost).
// The agent-side session is queued for deletion afterwards (SessionStore::enqueueAgentDelete), and the run is
// recorded in the runs table, so its tokens appear in the usage report.
//
// Incremental: a previous summary goes first in the history and the prompt asks to merge it with what
// followed. A summary run is held to the same budget as any run (Request::runBudgetTokens): items that would
// not fit one run are folded in several runs, each on top of the summary of the one before, an item alone
// over the room is cut (head and tail kept), and the earlier note is cut when even it would not fit.
#include "chat/CompressionOptions.h"

#include <QJsonArray>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace caduceus::hermes {
class HermesClient;
class RunEventStream;
struct RunEvent;
struct ApiResult;
} // namespace caduceus::hermes
namespace caduceus::store {
class SessionStore;
}

namespace caduceus::chat {

class ContextCompressor : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QString sessionId; // the local session the summary is for
        QString profile;
        QString model;
        QString previousSummary; // empty for a first summary
        QJsonArray items;        // history items to fold in, oldest first
        QList<int> itemTokens;   // their estimates (same order; missing ones are estimated)
        // What one summary run may send (its hand-off prompt as input, the earlier note and the items as
        // history), like any run: half the model's context (HistoryPreparation::Budget::conversation).
        // The items are split into runs that fit it; an item alone over it is cut.
        qint64 runBudgetTokens = 100'000;
        int summaryTokens = 0;             // size asked of the summary (0: options.summaryBudgetTokens)
        qint64 summaryLimitTokens = 8'000; // the summary is cut (head and tail kept) past this
        CompressionOptions options;
    };

    struct Result
    {
        bool ok = false;
        QString summary;
        QString error; // why no summary was made
        int runs = 0;  // summary runs started
        qint64 agentInputTokens = 0;
        qint64 agentOutputTokens = 0;
    };

    ContextCompressor(hermes::HermesClient *client, store::SessionStore *store, QObject *parent = nullptr);
    ~ContextCompressor() override;

    // finished() follows exactly once, never from inside start().
    void start(const Request &request);
    // Stops the summary run in flight; no signal after this.
    void cancel();

    // The prompt of one summary run: a structured hand-off note in fixed sections.
    static QString handOffPrompt(bool incremental, int budgetTokens, const QString &extraGuidance);
    static QString instructions();
    static QString newAgentSessionId();
    // The items split into runs of at most chunkTokens each (an item alone over it is cut to fit).
    static QList<QJsonArray> chunks(const QJsonArray &items, const QList<int> &tokens, qint64 chunkTokens);
    // A summary over limitTokens is cut to fit it, keeping its head and tail (empty when nothing fits).
    static QString boundSummary(const QString &summary, qint64 limitTokens);
    // How many tokens of items one summary run can carry, and the room left for the earlier note in it.
    struct RunShape
    {
        qint64 chunkTokens = 0;
        qint64 earlierNoteTokens = 0;
    };
    static RunShape runShape(const Request &request);

Q_SIGNALS:
    void finished(const caduceus::chat::ContextCompressor::Result &result);

private:
    void startChunk();
    void onStarted(const hermes::ApiResult &result);
    void onTerminal(const hermes::RunEvent &terminal);
    void endRun(const QString &status, const QJsonObject &usage, const QString &error);
    void fail(const QString &error);
    void finish(Result result);

    QPointer<hermes::HermesClient> m_client;
    store::SessionStore *m_store;
    Request m_request;
    QList<QJsonArray> m_chunks;
    RunShape m_shape;
    int m_chunkIndex = 0;
    QString m_summary; // so far
    QString m_agentSessionId;
    QString m_runId;
    double m_runStartedAt = 0;
    QString m_streamedText;
    hermes::RunEventStream *m_stream = nullptr;
    QTimer m_timeout;
    Result m_result;
    bool m_done = false;
};

} // namespace caduceus::chat
