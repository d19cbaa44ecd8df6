#pragma once
// The usage view (SPEC 5.3): tokens the agent reported for each run, summed per session, per model or per
// day. Source: the runs table, one row per agent run (chat runs and the summary runs of context
// compression). Runs whose agent reported no usage count as runs with 0 tokens. A database error reads as
// no usage (the store logs it).
//
// Time ranges are [since, until) in seconds since the epoch, 0 meaning open; days are local calendar days.
// Rows come largest total first (days: newest first).
//
//     UsageReport report(manager);
//     for (const auto &row : report.byModel(startOfMonth))
//         qInfo() << row.label << row.totalTokens;
#include <QJsonArray>
#include <QList>
#include <QString>

namespace caduceus::chat {

class SessionManager;

class UsageReport
{
public:
    struct Row
    {
        QString key;   // session id, model name, or day (YYYY-MM-DD)
        QString label; // for display: the session title (else its first words), the model, the day
        int runs = 0;
        qint64 inputTokens = 0;
        qint64 outputTokens = 0;
        qint64 totalTokens = 0;
        double firstRunAt = 0;
        double lastRunAt = 0;
    };

    explicit UsageReport(SessionManager *manager);

    QList<Row> bySession(double since = 0, double until = 0) const;
    // Runs without a model of their own are counted under the model their profile runs by default
    // (config.yaml model.default, else the profile name).
    QList<Row> byModel(double since = 0, double until = 0) const;
    // sessionId: one session's days only.
    QList<Row> byDay(double since = 0, double until = 0, const QString &sessionId = {}) const;
    Row total(double since = 0, double until = 0) const;

    // [{key, label, runs, inputTokens, outputTokens, totalTokens, firstRunAt, lastRunAt}]
    static QJsonArray toJson(const QList<Row> &rows);

private:
    SessionManager *m_manager;
};

} // namespace caduceus::chat
