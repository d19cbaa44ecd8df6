#pragma once
// Test helper: one recording of the real Hermes Agent v0.19.0 API server (tests/data/hermes-agent-0.19.0/,
// README there). A recording is the raw SSE body of one run with "#>" lines for the HTTP exchanges made
// around it: the start (POST /v1/runs), status polls, the approval or stop POST made mid-stream, and the
// status after the stream ended. RecordedRun cuts the body where an exchange happened, so a replay can
// write the stream up to that point, wait for the same request from the client, and go on.
#include <QByteArray>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace caduceus::test {

struct RecordedExchange
{
    QByteArray method;  // "POST"
    QString path;       // "/v1/runs/run_…/approval"
    QByteArray request; // body sent, may be empty
    int status = 0;
    QByteArray answer; // body answered (JSON for the API calls)
    bool afterStreamEnd = false;
};

struct RecordedRun
{
    QString name;
    QString runId;
    RecordedExchange start;              // POST /v1/runs
    QList<QByteArray> segments;          // the SSE body, cut where exchanges happened mid-stream
    QList<QList<RecordedExchange>> gaps; // gaps[i]: exchanges between segments[i] and segments[i + 1]
    QList<RecordedExchange> after;       // after the stream ended

    QByteArray body() const { return segments.join(); }
    bool isValid() const { return !runId.isEmpty() && !segments.isEmpty(); }

    static QString path(const QString &name)
    {
        return QStringLiteral(CADUCEUS_FIXTURES_DIR "/hermes-agent-0.19.0/%1.txt").arg(name);
    }

    // "#> [0.62s] POST /v1/runs/x/approval {"choice": "once"} -> 200 {...}" → exchange; false for notes.
    static bool parseExchange(QByteArray line, RecordedExchange &out)
    {
        line = line.mid(2).trimmed();
        if (line.startsWith('[')) // a time mark
            line = line.mid(line.indexOf(']') + 1).trimmed();
        const qsizetype arrow = line.indexOf(" -> ");
        if (arrow < 0)
            return false;
        QByteArray left = line.left(arrow);
        const QByteArray right = line.mid(arrow + 4);
        const qsizetype space = left.indexOf(' ');
        if (space < 0)
            return false;
        out.method = left.left(space);
        left = left.mid(space + 1);
        const qsizetype pathEnd = left.indexOf(' ');
        out.path = QString::fromUtf8(pathEnd < 0 ? left : left.left(pathEnd));
        QByteArray rest = pathEnd < 0 ? QByteArray() : left.mid(pathEnd + 1).trimmed();
        out.afterStreamEnd = rest == "(after stream end)";
        out.request = out.afterStreamEnd ? QByteArray() : rest;
        const qsizetype statusEnd = right.indexOf(' ');
        out.status = (statusEnd < 0 ? right : right.left(statusEnd)).toInt();
        out.answer = statusEnd < 0 ? QByteArray() : right.mid(statusEnd + 1);
        return out.status > 0;
    }

    static RecordedRun load(const QString &name)
    {
        RecordedRun run;
        run.name = name;
        QFile file(path(name));
        if (!file.open(QIODevice::ReadOnly))
            return run;
        const QList<QByteArray> lines = file.readAll().split('\n');
        bool inBody = false;
        QByteArray segment;
        QList<RecordedExchange> gap;
        for (qsizetype i = 0; i < lines.size(); ++i) {
            const QByteArray &line = lines.at(i);
            const bool lastLine = i == lines.size() - 1;
            if (line.startsWith("#>")) {
                if (line.contains("raw SSE body follows")) {
                    inBody = true;
                    continue;
                }
                RecordedExchange exchange;
                if (!parseExchange(line, exchange))
                    continue;
                if (!inBody) {
                    if (exchange.method == "POST" && exchange.path == QLatin1String("/v1/runs")) {
                        run.start = exchange;
                        run.runId =
                            QJsonDocument::fromJson(exchange.answer).object().value("run_id").toString();
                    }
                } else if (exchange.afterStreamEnd) {
                    run.after.append(exchange);
                } else {
                    gap.append(exchange);
                }
                continue;
            }
            if (!inBody || (lastLine && line.isEmpty()))
                continue;
            if (!gap.isEmpty()) {
                // The recorder printed the exchanges when they happened, which can be between a frame's
                // "data:" line and the blank line that ends it: that blank line belongs to the frame before.
                const bool endsFrame = line.isEmpty();
                if (endsFrame)
                    segment.append('\n');
                run.segments.append(segment);
                run.gaps.append(gap);
                segment.clear();
                gap.clear();
                if (endsFrame)
                    continue;
            }
            segment.append(line).append('\n');
        }
        if (!segment.isEmpty())
            run.segments.append(segment);
        return run;
    }

    // The exchange with that method whose path ends with `suffix` in gap i, or nullptr.
    const RecordedExchange *inGap(qsizetype i, const QByteArray &method, const QString &suffix = {}) const
    {
        if (i < 0 || i >= gaps.size())
            return nullptr;
        for (const RecordedExchange &e : gaps.at(i)) {
            if (e.method == method && (suffix.isEmpty() || e.path.endsWith(suffix)))
                return &e;
        }
        return nullptr;
    }
};

} // namespace caduceus::test
