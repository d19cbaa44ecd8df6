#pragma once
// Test helper: an HTTP server that answers like the real Hermes Agent did in one recording (RecordedRun).
// POST /v1/runs gets the recorded answer; the events stream writes the recorded bytes up to the next
// exchange of the recording and waits there for the same request from the client (the approval POST, the
// stop POST) before writing on; a gap with only status polls (an approval nobody answers) goes on by
// itself after `unattendedGapMs`. Status polls get the recorded status of that moment. Everything else is
// answered 404 in the agent's error envelope, like an endpoint this build does not have.
#include "RecordedRun.h"
#include "net/HttpServer.h"

#include <QJsonDocument>
#include <QPointer>
#include <QTimer>
#include <functional>

namespace caduceus::test {

class RecordedAgent : public QObject
{
public:
    explicit RecordedAgent(RecordedRun run, QObject *parent = nullptr)
        : QObject(parent), m_run(std::move(run))
    {
        m_server.setHandler([this](const net::HttpRequest &request, net::HttpResponder *responder) {
            handle(request, responder);
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }

    QUrl baseUrl() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort())); }
    // Called with the body of POST /v1/runs (the client's request), before it is answered.
    std::function<void(const QJsonObject &)> onStart;
    int unattendedGapMs = 300;
    // Requests seen, "METHOD path" in order.
    QStringList requests;
    // How many segments of the body were written so far.
    int segmentsWritten() const { return m_next; }

private:
    void handle(const net::HttpRequest &request, net::HttpResponder *responder)
    {
        requests << QString::fromLatin1(request.method) + QLatin1Char(' ') + request.path;
        const QString runPath = QStringLiteral("/v1/runs/") + m_run.runId;
        if (request.method == "POST" && request.path == QLatin1String("/v1/runs")) {
            if (onStart)
                onStart(QJsonDocument::fromJson(request.body).object());
            responder->send(m_run.start.status, "application/json", m_run.start.answer);
        } else if (request.method == "GET" && request.path == runPath + QStringLiteral("/events")) {
            if (m_streamTaken) {
                notFound(responder, m_run.runId);
                return;
            }
            m_streamTaken = true;
            m_stream = responder;
            responder->beginStream(200, "text/event-stream", {{"Cache-Control", "no-cache"}});
            writeNextSegment();
        } else if (request.method == "GET" && request.path == runPath) {
            responder->send(200, "application/json", currentStatus());
        } else if (request.method == "POST" && request.path.startsWith(runPath + QLatin1Char('/'))) {
            const RecordedExchange *expected =
                m_next > 0 ? m_run.inGap(m_next - 1, "POST", request.path.mid(runPath.size())) : nullptr;
            if (!expected || m_answered.contains(m_next - 1)) {
                responder->send(409, "application/json",
                                R"({"error": {"message": "Run has no active approval session", "type": )"
                                R"("invalid_request_error", "param": null, "code": "approval_not_active"}})");
                return;
            }
            m_answered.insert(m_next - 1);
            responder->send(expected->status, "application/json", expected->answer);
            QTimer::singleShot(20, this, [this] { writeNextSegment(); });
        } else {
            notFound(responder, request.path);
        }
    }

    static void notFound(net::HttpResponder *responder, const QString &what)
    {
        QJsonObject error{{"message", QStringLiteral("Not found: %1").arg(what)},
                          {"type", "invalid_request_error"},
                          {"param", QJsonValue::Null},
                          {"code", "not_found"}};
        responder->send(404, "application/json", QJsonDocument(QJsonObject{{"error", error}}).toJson());
    }

    QByteArray currentStatus() const
    {
        if (m_next >= m_run.segments.size()) {
            for (const RecordedExchange &e : m_run.after) {
                if (e.method == "GET")
                    return e.answer;
            }
        }
        if (const RecordedExchange *poll = m_run.inGap(m_next - 1, "GET"))
            return poll->answer;
        return QJsonDocument(
                   QJsonObject{{"object", "hermes.run"}, {"run_id", m_run.runId}, {"status", "running"}})
            .toJson(QJsonDocument::Compact);
    }

    void writeNextSegment()
    {
        if (!m_stream || m_next >= m_run.segments.size())
            return;
        m_stream->writeChunk(m_run.segments.at(m_next));
        const qsizetype gap = m_next++;
        if (m_next >= m_run.segments.size()) {
            m_stream->endStream();
            return;
        }
        // A gap without a request of the client's to wait for: the agent went on by itself.
        if (!m_run.inGap(gap, "POST"))
            QTimer::singleShot(unattendedGapMs, this, [this] { writeNextSegment(); });
    }

    RecordedRun m_run;
    net::HttpServer m_server;
    QPointer<net::HttpResponder> m_stream;
    bool m_streamTaken = false;
    int m_next = 0;
    QSet<qsizetype> m_answered;
};

} // namespace caduceus::test
