#include "chat/UsageReport.h"

#include "chat/ContextLengths.h"
#include "chat/SessionManager.h"
#include "store/SessionStore.h"

#include <QHash>
#include <QJsonObject>
#include <algorithm>

namespace caduceus::chat {

using Grouping = store::SessionStore::UsageGrouping;

namespace {

UsageReport::Row rowOf(const store::UsageTotals &t, const QString &key)
{
    UsageReport::Row row;
    row.key = key;
    row.label = key;
    row.runs = t.runs;
    row.inputTokens = t.inputTokens;
    row.outputTokens = t.outputTokens;
    row.totalTokens = t.totalTokens;
    row.firstRunAt = t.firstStartedAt;
    row.lastRunAt = t.lastStartedAt;
    return row;
}

void add(UsageReport::Row &into, const UsageReport::Row &row)
{
    into.runs += row.runs;
    into.inputTokens += row.inputTokens;
    into.outputTokens += row.outputTokens;
    into.totalTokens += row.totalTokens;
    into.firstRunAt = into.firstRunAt > 0 ? qMin(into.firstRunAt, row.firstRunAt) : row.firstRunAt;
    into.lastRunAt = qMax(into.lastRunAt, row.lastRunAt);
}

bool largerFirst(const UsageReport::Row &a, const UsageReport::Row &b)
{
    return a.totalTokens != b.totalTokens ? a.totalTokens > b.totalTokens : a.runs > b.runs;
}

} // namespace

UsageReport::UsageReport(SessionManager *manager) : m_manager(manager) {}

QList<UsageReport::Row> UsageReport::bySession(double since, double until) const
{
    store::SessionStore *st = m_manager->store();
    const QList<store::UsageTotals> totals = st->usageTotals(Grouping::Session, since, until);
    QList<Row> rows;
    for (const store::UsageTotals &t : totals) {
        Row row = rowOf(t, t.sessionId);
        if (const auto s = st->session(t.sessionId))
            row.label = !s->title.trimmed().isEmpty() ? s->title : !s->preview.isEmpty() ? s->preview : s->id;
        rows << row;
    }
    return rows;
}

QList<UsageReport::Row> UsageReport::byModel(double since, double until) const
{
    store::SessionStore *st = m_manager->store();
    const QList<store::UsageTotals> totals = st->usageTotals(Grouping::Model, since, until);
    const ContextLengths lengths(m_manager);
    QList<Row> rows;
    QHash<QString, qsizetype> at;
    for (const store::UsageTotals &t : totals) {
        const Row row = rowOf(t, lengths.modelFor(t.profile, t.model));
        const auto found = at.constFind(row.key);
        if (found != at.cend()) {
            add(rows[*found], row);
        } else {
            at.insert(row.key, rows.size());
            rows << row;
        }
    }
    std::stable_sort(rows.begin(), rows.end(), largerFirst);
    return rows;
}

QList<UsageReport::Row> UsageReport::byDay(double since, double until, const QString &sessionId) const
{
    store::SessionStore *st = m_manager->store();
    const QList<store::UsageTotals> totals = st->usageTotals(Grouping::Day, since, until, sessionId);
    QList<Row> rows;
    for (const store::UsageTotals &t : totals)
        rows << rowOf(t, t.day);
    return rows;
}

UsageReport::Row UsageReport::total(double since, double until) const
{
    Row sum;
    sum.key = sum.label = QStringLiteral("total");
    for (const Row &row : byDay(since, until))
        add(sum, row);
    return sum;
}

QJsonArray UsageReport::toJson(const QList<Row> &rows)
{
    QJsonArray out;
    for (const Row &row : rows) {
        out.append(QJsonObject{{QStringLiteral("key"), row.key},
                               {QStringLiteral("label"), row.label},
                               {QStringLiteral("runs"), row.runs},
                               {QStringLiteral("inputTokens"), row.inputTokens},
                               {QStringLiteral("outputTokens"), row.outputTokens},
                               {QStringLiteral("totalTokens"), row.totalTokens},
                               {QStringLiteral("firstRunAt"), row.firstRunAt},
                               {QStringLiteral("lastRunAt"), row.lastRunAt}});
    }
    return out;
}

} // namespace caduceus::chat
