// Long sessions (issue 6): what a new run costs on a 15 000-message session, and search over 100 000
// messages. Prints one table; every step's target is 50 ms (the reference relay re-read and re-tokenised
// the whole transcript on every run and froze its event loop for seconds on 3 000+ messages).
//
//   bench_history [--messages 15000] [--total 100000] [--repeat 20] [--keep DIR]
//
// Figures are medians, p95 and maxima of `repeat` runs of each step, in milliseconds, on a database file in
// a temporary folder (WAL, as the application uses it).
#include "chat/ContextBuilder.h"
#include "chat/HistoryBuilder.h"
#include "chat/HistoryPreparation.h"
#include "chat/SessionExporter.h"
#include "chat/SessionManager.h"
#include "chat/SessionSearch.h"
#include "chat/TokenEstimator.h"
#include "chat/TranscriptMerger.h"
#include "store/Database.h"
#include "store/SessionStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <functional>

using namespace caduceus;
using store::MessageRecord;

namespace {

struct Figure
{
    QString step;
    QList<double> ms;
    QString note;
};

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype at =
        std::min<qsizetype>(values.size() - 1, qsizetype(p * double(values.size() - 1) + 0.5));
    return values.at(at);
}

double msSince(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

// Deterministic text that reads like a coding conversation: a vocabulary with a long tail, some code, some
// Chinese, and a few rare words to search for.
class TextMaker
{
public:
    QString sentence(int words)
    {
        static const QStringList common{
            "the", "parser", "build", "test",   "frames", "reads", "buffer", "session", "agent", "queue",
            "run", "stream", "tool",  "output", "error",  "fix",   "we",     "should",  "check", "file",
            "and", "a",      "to",    "of",     "in",     "it",    "is",     "that",    "for",   "with"};
        QStringList out;
        for (int i = 0; i < words; ++i) {
            const quint32 r = m_random.bounded(1000);
            if (r < 700)
                out << common.at(int(m_random.bounded(common.size())));
            else
                out << QStringLiteral("word%1").arg(m_random.bounded(20000));
        }
        QString s = out.join(QLatin1Char(' '));
        s[0] = s[0].toUpper();
        return s + QLatin1Char('.');
    }
    QString paragraph(int sentences)
    {
        QStringList out;
        for (int i = 0; i < sentences; ++i)
            out << sentence(8 + int(m_random.bounded(14)));
        return out.join(QLatin1Char(' '));
    }
    QString code()
    {
        return QStringLiteral(
            "```cpp\nvoid SseParser::feed(QByteArrayView chunk)\n{\n    m_buffer.append(chunk);\n"
            "    while (takeFrame()) {}\n}\n```");
    }
    QString chinese() { return QStringLiteral("构建目录已经清理完成，测试全部通过。"); }
    quint32 next(quint32 bound) { return m_random.bounded(bound); }

private:
    QRandomGenerator m_random{20251125};
};

MessageRecord row(const QString &session, const QString &role, const QString &content, double at)
{
    MessageRecord m;
    m.sessionId = session;
    m.role = role;
    m.content = content;
    m.timestamp = at;
    return m;
}

// One conversation of about `count` rows: user, assistant with code, a tool round, an answer.
QList<MessageRecord> conversation(TextMaker &text, const QString &session, int count, double start,
                                  int rareEvery)
{
    QList<MessageRecord> rows;
    double at = start;
    int call = 0;
    while (rows.size() < count) {
        const int round = int(rows.size());
        QString question = text.paragraph(2);
        if (rareEvery > 0 && round % rareEvery == 0)
            question += QStringLiteral(" Zanzibar");
        rows << row(session, QStringLiteral("user"), question, at += 30);
        rows << row(session, QStringLiteral("assistant"),
                    text.paragraph(4) + QStringLiteral("\n\n") + text.code(), at += 5);
        MessageRecord asks = row(session, QStringLiteral("assistant"), text.sentence(10), at += 1);
        const QString id = QStringLiteral("call_%1").arg(++call);
        asks.toolCalls = QJsonArray{QJsonObject{
            {"id", id},
            {"type", "function"},
            {"function", QJsonObject{{"name", "terminal"}, {"arguments", "{\"command\": \"ctest\"}"}}}}};
        rows << asks;
        MessageRecord result = row(session, QStringLiteral("tool"), text.paragraph(10), at += 3);
        result.toolCallId = id;
        result.toolName = QStringLiteral("terminal");
        rows << result;
        rows << row(session, QStringLiteral("assistant"),
                    text.paragraph(3) + (text.next(10) == 0 ? text.chinese() : QString()), at += 4);
    }
    rows.resize(count);
    return rows;
}

bool fill(store::SessionStore &st, const QString &session, QList<MessageRecord> rows)
{
    store::SessionRecord s;
    s.id = session;
    s.title = QStringLiteral("Bench %1").arg(session);
    if (!st.createSession(s))
        return false;
    for (qsizetype from = 0; from < rows.size(); from += 5000) {
        QList<MessageRecord> batch = rows.mid(from, 5000);
        if (!st.appendMessages(batch))
            return false;
    }
    return true;
}

void print(const QList<Figure> &figures)
{
    std::printf("\n%-58s %9s %9s %9s  %s\n", "step", "median", "p95", "max", "vs 50 ms target / note");
    std::printf("%s\n", QString(120, QLatin1Char('-')).toUtf8().constData());
    for (const Figure &f : figures) {
        const double median = percentile(f.ms, 0.5);
        const double p95 = percentile(f.ms, 0.95);
        const double max = f.ms.isEmpty() ? 0 : *std::max_element(f.ms.cbegin(), f.ms.cend());
        const QString verdict = f.note.startsWith(QLatin1Char('(')) ? f.note
                                : p95 <= 50.0                       ? QStringLiteral("ok  ") + f.note
                                                                    : QStringLiteral("OVER ") + f.note;
        std::printf("%-58s %9.2f %9.2f %9.2f  %s\n", f.step.toUtf8().constData(), median, p95, max,
                    verdict.toUtf8().constData());
    }
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.setApplicationDescription(
        QStringLiteral("History, compression decision, sync and search on long sessions."));
    cli.addHelpOption();
    cli.addOption({QStringLiteral("messages"), QStringLiteral("Messages in the long session."),
                   QStringLiteral("n"), QStringLiteral("15000")});
    cli.addOption({QStringLiteral("total"), QStringLiteral("Messages in the database, for search."),
                   QStringLiteral("n"), QStringLiteral("100000")});
    cli.addOption({QStringLiteral("repeat"), QStringLiteral("Runs of each step."), QStringLiteral("n"),
                   QStringLiteral("20")});
    cli.addOption(
        {QStringLiteral("keep"), QStringLiteral("Keep the database in this folder."), QStringLiteral("dir")});
    cli.process(app);
    const int messages = qMax(100, cli.value(QStringLiteral("messages")).toInt());
    const int total = qMax(messages, cli.value(QStringLiteral("total")).toInt());
    const int repeat = qMax(3, cli.value(QStringLiteral("repeat")).toInt());
    QTemporaryDir temp;
    const QString folder =
        cli.isSet(QStringLiteral("keep")) ? cli.value(QStringLiteral("keep")) : temp.path();

    qputenv("QT_LOGGING_RULES", "caduceus.*.info=false");
    store::Database db(QStringLiteral("bench"));
    const auto opened = db.open(folder + QStringLiteral("/bench.db"));
    if (!opened.ok) {
        std::fprintf(stderr, "cannot open the database: %s\n", qPrintable(opened.error));
        return 1;
    }
    store::SessionStore st(db);
    QNetworkAccessManager nam;
    chat::SessionManager manager(&st, &nam);
    TextMaker text;
    QList<Figure> figures;

    QElapsedTimer setup;
    setup.start();
    const QString big = QStringLiteral("big");
    if (!fill(st, big, conversation(text, big, messages, 1.7e9, 0))) {
        std::fprintf(stderr, "cannot fill the session: %s\n", qPrintable(st.lastError()));
        return 1;
    }
    int others = 0;
    for (int filled = messages; filled < total; filled += 1000) {
        const QString id = QStringLiteral("other%1").arg(++others);
        if (!fill(st, id, conversation(text, id, qMin(1000, total - filled), 1.6e9 + others * 1e5, 997)))
            return 1;
    }
    std::printf("database: %d messages (%d in the long session, %d other sessions), made in %.1f s\n", total,
                messages, others, double(setup.elapsed()) / 1000.0);

    // --- history for a new run
    auto newTurn = [&]() {
        MessageRecord user = row(big, QStringLiteral("user"), text.paragraph(2), 1.8e9);
        st.appendMessage(user);
        return user.id;
    };
    {
        Figure reference{QStringLiteral("peer: re-read + re-estimate everything (reference)"),
                         {},
                         QStringLiteral("(what every run cost before)")};
        for (int i = 0; i < qMin(repeat, 5); ++i) {
            QElapsedTimer t;
            t.start();
            const QList<MessageRecord> all = st.messages(big);
            const QJsonArray history = chat::HistoryBuilder::build(all);
            qint64 tokens = 0;
            for (const MessageRecord &m : all)
                tokens += chat::TokenEstimator::estimateMessage(m);
            reference.ms << msSince(t);
            Q_UNUSED(history);
            Q_UNUSED(tokens);
        }
        figures << reference;
    }
    chat::ContextBuilder context(&st, big);
    {
        const qint64 before = newTurn();
        QElapsedTimer t;
        t.start();
        const QJsonArray history = context.contextHistory(before);
        figures << Figure{
            QStringLiteral("first run after opening: read + estimate all, build"),
            {msSince(t)},
            QStringLiteral("(once per session and program start; %1 items)").arg(history.size())};
    }
    const chat::CompressionOptions options;
    Figure decideFull{QStringLiteral("decide compression, no summary yet"), {}, {}};
    Figure buildFull{QStringLiteral("build history for a new run, no summary (all items)"), {}, {}};
    for (int i = 0; i < repeat; ++i) {
        const qint64 before = newTurn();
        QElapsedTimer t;
        t.start();
        const auto window = context.window(before);
        const bool compress = chat::HistoryPreparation::shouldCompress(window, 200'000, options);
        decideFull.ms << msSince(t);
        t.restart();
        const QJsonArray history = context.contextHistory(before);
        buildFull.ms << msSince(t);
        decideFull.note =
            compress
                ? QStringLiteral("(→ compress: %1 items since no summary)").arg(window.itemsSinceSnapshot)
                : QStringLiteral("(→ no compression)");
        buildFull.note = QStringLiteral("%1 items").arg(history.size());
    }
    figures << decideFull << buildFull;
    // What HistoryPreparation does when it sends without compressing: the verbatim tail bounded by tokens,
    // then the history fitted to the budget (every item's estimate is cached: no text is estimated again).
    auto prepare = [&](const QString &step) {
        Figure figure{step, {}, {}};
        for (int i = 0; i < repeat; ++i) {
            const qint64 before = newTurn();
            QElapsedTimer t;
            t.start();
            const auto window = context.window(before, options.verbatimTail);
            const auto budget = chat::HistoryPreparation::budgetFor(200'000, window.inputTokens, options);
            const int tail = context.tailItems(before, options.verbatimTail, budget.tail);
            const auto fitted = chat::HistoryPreparation::fit(context.contextItems(before, budget.history),
                                                              window.hasSnapshot, budget);
            figure.ms << msSince(t);
            figure.note = QStringLiteral("%1 of %2 items sent, %3 tokens (tail %4)")
                              .arg(fitted.history.size())
                              .arg(window.totalItems + (window.hasSnapshot ? 1 : 0))
                              .arg(fitted.tokens)
                              .arg(tail);
        }
        figures << figure;
    };
    prepare(QStringLiteral("decide + tail + fit to a 200 000 window, no summary"));

    // After a compression: summary + the verbatim tail.
    {
        const auto window = context.window();
        const auto range = context.items(window.totalItems - 21, window.totalItems - 20);
        store::CompressionSnapshot snapshot;
        snapshot.sessionId = big;
        snapshot.summary = text.paragraph(60);
        snapshot.lastMessageIndex = window.totalItems - 21;
        snapshot.lastMessageId = range.lastMessageId;
        snapshot.messageCount = window.totalItems;
        st.saveSnapshot(snapshot);
        context.adoptSnapshot(snapshot);
    }
    {
        // Opening the session again (a controller loads its token figures): only rows after the summary are
        // read.
        Figure open{QStringLiteral("open the long session after its summary (token figures)"), {}, {}};
        for (int i = 0; i < repeat; ++i) {
            QElapsedTimer t;
            t.start();
            chat::ContextBuilder reopened(&st, big);
            const auto u = reopened.usage();
            open.ms << msSince(t);
            open.note = QStringLiteral("%1 rows read, %2 tokens").arg(reopened.cachedRows()).arg(u.total());
        }
        figures << open;
    }
    Figure decide{QStringLiteral("decide compression (with summary)"), {}, {}};
    Figure build{QStringLiteral("build history for a new run (summary + tail)"), {}, {}};
    Figure usage{QStringLiteral("usage estimate for usage.updated"), {}, {}};
    for (int i = 0; i < repeat; ++i) {
        const qint64 before = newTurn();
        QElapsedTimer t;
        t.start();
        const auto window = context.window(before);
        const bool compress = chat::HistoryPreparation::shouldCompress(window, 200'000, options);
        decide.ms << msSince(t);
        t.restart();
        const QJsonArray history = context.contextHistory(before);
        build.ms << msSince(t);
        t.restart();
        const auto u = context.usage();
        usage.ms << msSince(t);
        decide.note = compress ? QStringLiteral("→ compress") : QStringLiteral("→ no compression");
        build.note = QStringLiteral("%1 items").arg(history.size());
        usage.note = QStringLiteral("%1 tokens").arg(u.total());
    }
    figures << decide << build << usage;
    prepare(QStringLiteral("decide + tail + fit to a 200 000 window (summary + tail)"));

    // --- sync of a run's 50 new rows into the long session
    Figure syncApply{QStringLiteral("sync 50 rows: merge + replace (one transaction)"), {}, {}};
    Figure syncEnd{QStringLiteral("sync 50 rows end to end from state.db (wall time)"), {}, {}};
    Figure syncGap{QStringLiteral("  … longest event-loop stall during that sync"), {}, {}};
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost);
    const quint16 closedPort = probe.serverPort();
    probe.close();
    for (int i = 0; i < repeat; ++i) {
        const QString runId = QStringLiteral("run_bench_%1").arg(i);
        const QString agentSession = QStringLiteral("eph_bench_%1").arg(i);
        MessageRecord user =
            row(big, QStringLiteral("user"), QStringLiteral("Sync round %1").arg(i), 1.9e9 + i);
        user.runId = runId;
        st.appendMessage(user);
        QList<MessageRecord> streamed, agent;
        agent << row(agentSession, QStringLiteral("user"), user.content, user.timestamp);
        for (int k = 0; k < 50; ++k) {
            const bool tool = k % 2 == 1;
            MessageRecord s = row(big, tool ? QStringLiteral("tool") : QStringLiteral("assistant"),
                                  tool ? QString() : text.sentence(12), user.timestamp + k);
            s.runId = runId;
            s.toolName = tool ? QStringLiteral("terminal") : QString();
            st.appendMessage(s);
            streamed << s;
            MessageRecord a = row(agentSession, s.role, tool ? text.paragraph(3) : s.content, s.timestamp);
            if (tool)
                a.toolCallId = QStringLiteral("call_%1").arg(k);
            agent << a;
        }
        QElapsedTimer t;
        t.start();
        QList<MessageRecord> merged = chat::TranscriptMerger::merge(
            streamed, chat::TranscriptMerger::runRows(agent, user.content), runId, false);
        st.replaceRunMessages(big, runId, merged);
        context.invalidateFrom(user.id + 1);
        context.usage();
        syncApply.ms << msSince(t);
        syncApply.note = QStringLiteral("%1 rows in").arg(merged.size());
    }
    {
        // The same through TranscriptSync: the agent offers no transcript API, its state.db has the rows.
        const QString statePath = folder + QStringLiteral("/state.db");
        {
            QSqlDatabase agentDb =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("agent"));
            agentDb.setDatabaseName(statePath);
            agentDb.open();
            QSqlQuery q(agentDb);
            q.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
            q.exec(QStringLiteral(
                "CREATE TABLE sessions (id TEXT PRIMARY KEY, source TEXT, parent_session_id TEXT, "
                "started_at REAL)"));
            q.exec(QStringLiteral(
                "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT, role "
                "TEXT, content TEXT, tool_call_id TEXT, tool_calls TEXT, tool_name TEXT, timestamp "
                "REAL, reasoning TEXT, active INTEGER DEFAULT 1)"));
            agentDb.transaction();
            for (int i = 0; i < repeat; ++i) {
                const QString agentSession = QStringLiteral("eph_e2e_%1").arg(i);
                q.prepare(QStringLiteral(
                    "INSERT INTO messages (session_id, role, content, tool_call_id, tool_name, "
                    "timestamp) VALUES (?, ?, ?, ?, ?, ?)"));
                for (int k = -1; k < 50; ++k) {
                    const bool tool = k % 2 == 1;
                    q.addBindValue(agentSession);
                    q.addBindValue(k < 0  ? QStringLiteral("user")
                                   : tool ? QStringLiteral("tool")
                                          : QStringLiteral("assistant"));
                    q.addBindValue(k < 0 ? QStringLiteral("End to end %1").arg(i) : text.sentence(12));
                    q.addBindValue(tool ? QStringLiteral("call_%1").arg(k) : QString());
                    q.addBindValue(tool ? QStringLiteral("terminal") : QString());
                    q.addBindValue(2.0e9 + k);
                    q.exec();
                }
            }
            agentDb.commit();
            agentDb.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("agent"));
        hermes::AgentEndpoint endpoint;
        endpoint.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(closedPort));
        endpoint.stateDbPath = statePath;
        manager.setAgent(endpoint);
        for (int i = 0; i < repeat; ++i) {
            const QString runId = QStringLiteral("run_e2e_%1").arg(i);
            MessageRecord user =
                row(big, QStringLiteral("user"), QStringLiteral("End to end %1").arg(i), 2.0e9);
            user.runId = runId;
            st.appendMessage(user);
            for (int k = 0; k < 50; ++k) {
                MessageRecord s = row(big, k % 2 ? QStringLiteral("tool") : QStringLiteral("assistant"),
                                      k % 2 ? QString() : QStringLiteral("streamed"), 2.0e9 + k);
                s.runId = runId;
                s.toolName = k % 2 ? QStringLiteral("terminal") : QString();
                st.appendMessage(s);
            }
            // No client: the agent offers no transcript API (a dead agent would add its own network retry).
            auto *sync = new chat::TranscriptSync(&manager, big, runId, QStringLiteral("eph_e2e_%1").arg(i),
                                                  QStringLiteral("default"), nullptr, &manager);
            bool done = false, synced = false;
            QObject::connect(sync, &chat::TranscriptSync::finished, sync, [&](bool ok, const QString &) {
                done = true;
                synced = ok;
            });
            QElapsedTimer wall, tick;
            double longest = 0, last = 0;
            QTimer ticker;
            QObject::connect(&ticker, &QTimer::timeout, [&]() {
                longest = std::max(longest, msSince(tick) - last);
                last = msSince(tick);
            });
            wall.start();
            tick.start();
            ticker.start(0);
            sync->start(10000);
            while (!done)
                QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
            ticker.stop();
            syncEnd.ms << msSince(wall);
            syncGap.ms << longest;
            syncEnd.note = synced ? QStringLiteral("synced (worker read, then merge + replace)")
                                  : QStringLiteral("NOT synced");
            sync->deleteLater();
        }
    }
    figures << syncApply << syncEnd << syncGap;

    // --- search over all messages
    const QList<QPair<QString, QString>> queries{
        {QStringLiteral("Zanzibar"), QStringLiteral("rare word")},
        {QStringLiteral("parser"), QStringLiteral("common word, newest 20")},
        {QStringLiteral("parser buffer frames"), QStringLiteral("three words")},
        {QStringLiteral("word123"), QStringLiteral("tail word")},
        {QStringLiteral("清理完成"), QStringLiteral("Chinese")},
        {QStringLiteral("we"), QStringLiteral("two letters (LIKE scan)")},
    };
    for (const auto &[query, label] : queries) {
        Figure f{QStringLiteral("FTS over %1 messages: \"%2\"").arg(total).arg(query), {}, label};
        int hits = 0;
        for (int i = 0; i < repeat; ++i) {
            QElapsedTimer t;
            t.start();
            hits = int(st.search(query, 20).size());
            f.ms << msSince(t);
        }
        f.note += QStringLiteral(", %1 hits").arg(hits);
        figures << f;
    }
    {
        // The same common word sorted by timestamp, as the search did before: every match is joined and
        // sorted.
        Figure f{QStringLiteral("peer: \"parser\" sorted by timestamp (before)"), {}, {}};
        for (int i = 0; i < qMin(repeat, 5); ++i) {
            QSqlQuery q(db.connection());
            QElapsedTimer t;
            t.start();
            q.prepare(QStringLiteral(
                "SELECT m.id, snippet(messages_search, 0, '[[', ']]', '…', 64) FROM messages_search "
                "JOIN messages m ON m.id = messages_search.rowid WHERE messages_search MATCH ? "
                "ORDER BY m.timestamp DESC, m.id DESC LIMIT 20"));
            q.addBindValue(QStringLiteral("\"parser\""));
            q.exec();
            while (q.next()) {
            }
            f.ms << msSince(t);
        }
        f.note = QStringLiteral("(why the search now walks the index in stored order)");
        figures << f;
    }
    {
        chat::SessionSearch search(&manager);
        Figure f{QStringLiteral("search box round trip (worker thread): \"parser\""), {}, {}};
        for (int i = 0; i < repeat; ++i) {
            bool answered = false;
            QElapsedTimer t;
            t.start();
            search.search(QStringLiteral("parser"), 20, &app, [&](const chat::SessionSearch::Outcome &o) {
                answered = true;
                f.note = QStringLiteral("%1 hits, answered on the caller's thread").arg(o.hits.size());
            });
            while (!answered)
                QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
            f.ms << msSince(t);
        }
        figures << f;
    }

    // --- export (not a per-run step; for scale)
    {
        chat::SessionExporter exporter(&manager);
        Figure f{QStringLiteral("export the long session as JSON"), {}, {}};
        for (int i = 0; i < qMin(repeat, 3); ++i) {
            QElapsedTimer t;
            t.start();
            const auto r = exporter.exportSession(big, chat::SessionExporter::Format::Json,
                                                  chat::SessionExporter::View::Full);
            f.ms << msSince(t);
            f.note = QStringLiteral("(%1 MB; an explicit user action, not per run)")
                         .arg(double(r.data.size()) / 1e6, 0, 'f', 1);
        }
        figures << f;
    }

    print(figures);
    return 0;
}
