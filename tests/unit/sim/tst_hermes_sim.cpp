// hermes-sim as a black box: the built binary on a free port, spoken to over real HTTP and SSE.

#include "SimProcess.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using caduceus::test::SimProcess;

namespace {

const QByteArray kKey = "sim-test-key";

struct HttpResult
{
    int status = 0;
    QJsonObject json;
    QByteArray body;
    QByteArray retryAfter;
};

// Reads one run's SSE stream as it arrives and checks every frame against the agent's format.
class EventStream
{
public:
    EventStream(QNetworkAccessManager &nam, const QUrl &url, const QByteArray &key)
    {
        QNetworkRequest request(url);
        if (!key.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + key);
        m_reply.reset(nam.get(request));
        QObject::connect(m_reply.get(), &QNetworkReply::readyRead, m_reply.get(), [this] {
            raw += m_reply->readAll();
            parse();
        });
    }

    int status() const { return m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(); }
    bool isFinished() const { return m_reply->isFinished(); }
    QNetworkReply::NetworkError error() const { return m_reply->error(); }
    QNetworkReply *reply() const { return m_reply.get(); }

    bool waitFinished(int timeoutMs = 15'000)
    {
        QSignalSpy finished(m_reply.get(), &QNetworkReply::finished);
        return m_reply->isFinished() || finished.wait(timeoutMs);
    }
    bool waitForEvent(const QString &name, int timeoutMs = 15'000)
    {
        return QTest::qWaitFor([&] { return !eventsNamed(name).isEmpty(); }, timeoutMs);
    }
    QList<QJsonObject> eventsNamed(const QString &name) const
    {
        QList<QJsonObject> found;
        for (const QJsonObject &event : events) {
            if (event.value("event").toString() == name)
                found.append(event);
        }
        return found;
    }
    QStringList names() const
    {
        QStringList list;
        for (const QJsonObject &event : events)
            list << event.value("event").toString();
        return list;
    }
    QString joined(const QString &name, const QString &field = QStringLiteral("delta")) const
    {
        QString text;
        for (const QJsonObject &event : eventsNamed(name))
            text += event.value(field).toString();
        return text;
    }

    QByteArray raw;
    QList<QJsonObject> events;
    QStringList comments;
    QList<QByteArray> malformed; // anything that is not "data: <one-line json>" or ": comment"

private:
    void parse()
    {
        qsizetype end;
        while ((end = raw.indexOf("\n\n", m_parsed)) >= 0) {
            const QByteArray block = raw.mid(m_parsed, end - m_parsed);
            m_parsed = end + 2;
            if (block.startsWith(": ") && !block.contains('\n')) {
                comments << QString::fromUtf8(block.mid(2));
                continue;
            }
            QJsonParseError error;
            const QJsonDocument document = QJsonDocument::fromJson(block.mid(6), &error);
            if (!block.startsWith("data: ") || block.contains('\n') ||
                error.error != QJsonParseError::NoError || !document.isObject()) {
                malformed << block;
                continue;
            }
            events << document.object();
        }
    }

    std::unique_ptr<QNetworkReply> m_reply;
    qsizetype m_parsed = 0;
};

} // namespace

class TestHermesSim : public QObject
{
    Q_OBJECT

    std::unique_ptr<SimProcess> m_sim;
    QNetworkAccessManager m_nam;

    HttpResult request(const QByteArray &method, const QString &path, const QByteArray &body = {},
                       const QList<QPair<QByteArray, QByteArray>> &headers = {}, SimProcess *sim = nullptr,
                       const QByteArray &key = kKey)
    {
        QNetworkRequest request((sim ? sim : m_sim.get())->url(path));
        if (!key.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + key);
        if (!body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        std::unique_ptr<QNetworkReply> reply(m_nam.sendCustomRequest(request, method, body));
        HttpResult result;
        // A real event loop, not a polling wait: QNAM uploads a large body one piece per loop turn.
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished() && !finished.wait(20'000))
            return result;
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.body = reply->readAll();
        result.json = QJsonDocument::fromJson(result.body).object();
        result.retryAfter = reply->rawHeader("Retry-After");
        return result;
    }

    QString startRun(const QString &input, const QString &sessionId = {}, SimProcess *sim = nullptr)
    {
        QJsonObject body{{"input", input}};
        if (!sessionId.isEmpty())
            body.insert("session_id", sessionId);
        const HttpResult result =
            request("POST", "/v1/runs", QJsonDocument(body).toJson(QJsonDocument::Compact), {}, sim);
        if (result.status != 202)
            qWarning() << "POST /v1/runs answered" << result.status << result.body;
        return result.json.value("run_id").toString();
    }

    std::unique_ptr<EventStream> subscribe(const QString &runId, SimProcess *sim = nullptr)
    {
        return std::make_unique<EventStream>(
            m_nam, (sim ? sim : m_sim.get())->url("/v1/runs/" + runId + "/events"), kKey);
    }

    QJsonObject waitForStatus(const QString &runId, const QString &status, SimProcess *sim = nullptr)
    {
        QJsonObject last;
        const bool reached = QTest::qWaitFor(
            [&] {
                last = request("GET", "/v1/runs/" + runId, {}, {}, sim).json;
                return last.value("status").toString() == status;
            },
            15'000);
        if (!reached)
            qWarning() << "run" << runId << "never reached" << status << "; last status:" << last;
        return last;
    }

    static void verifyEnvelope(const HttpResult &result, int status, const QString &code = {})
    {
        QCOMPARE(result.status, status);
        const QJsonObject error = result.json.value("error").toObject();
        QVERIFY2(!error.value("message").toString().isEmpty(), result.body.constData());
        QVERIFY(error.value("type").isString());
        QVERIFY(error.contains("param"));
        QVERIFY(error.contains("code"));
        if (!code.isEmpty())
            QCOMPARE(error.value("code").toString(), code);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sim = std::make_unique<SimProcess>(
            QStringList{"--key", QString::fromLatin1(kKey), "--delay-ms", "2", "--version", "9.9.9-test"});
        QVERIFY2(m_sim->isReady(), qPrintable(m_sim->errorString()));
        QCOMPARE(m_sim->baseUrl().host(), QStringLiteral("127.0.0.1"));
        QCOMPARE(m_sim->baseUrl().port(), int(m_sim->port()));
    }

    void cleanupTestCase() { m_sim.reset(); }

    void healthIsPublicEverythingElseNeedsTheKey()
    {
        const HttpResult health = request("GET", "/health", {}, {}, nullptr, {});
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json.value("status").toString(), QStringLiteral("ok"));
        QCOMPARE(health.json.value("platform").toString(), QStringLiteral("hermes-agent"));
        QCOMPARE(health.json.value("version").toString(), QStringLiteral("9.9.9-test"));

        verifyEnvelope(request("GET", "/v1/models", {}, {}, nullptr, {}), 401, "invalid_api_key");
        verifyEnvelope(request("GET", "/v1/capabilities", {}, {}, nullptr, "wrong"), 401, "invalid_api_key");
        verifyEnvelope(request("POST", "/v1/runs", "{\"input\":\"hi\"}", {}, nullptr, {}), 401);

        const HttpResult models = request("GET", "/v1/models");
        QCOMPARE(models.status, 200);
        QCOMPARE(models.json.value("object").toString(), QStringLiteral("list"));
        QCOMPARE(models.json.value("data").toArray().first().toObject().value("id").toString(),
                 QStringLiteral("hermes-agent"));
    }

    void capabilitiesDescribeFeaturesAndEndpoints()
    {
        const HttpResult result = request("GET", "/v1/capabilities");
        QCOMPARE(result.status, 200);
        const QJsonObject features = result.json.value("features").toObject();
        for (const char *feature : {"run_approval_response", "approval_events", "run_stop", "run_steer",
                                    "runs_idempotency", "session_messages", "session_delete"})
            QVERIFY2(features.value(feature).toBool(), feature);
        const QJsonObject endpoints = result.json.value("endpoints").toObject();
        QCOMPARE(endpoints.value("run_approval").toObject().value("path").toString(),
                 QStringLiteral("/v1/runs/{run_id}/approval"));
        QCOMPARE(endpoints.value("run_events").toObject().value("path").toString(),
                 QStringLiteral("/v1/runs/{run_id}/events"));
        QCOMPARE(endpoints.value("session_delete").toObject().value("method").toString(),
                 QStringLiteral("DELETE"));
    }

    void featureSwitchesTurnCapabilitiesOff()
    {
        SimProcess older({"--no-steer", "--no-approvals-feature", "--delay-ms", "1"});
        QVERIFY2(older.isReady(), qPrintable(older.errorString()));
        const HttpResult result = request("GET", "/v1/capabilities", {}, {}, &older, {});
        const QJsonObject features = result.json.value("features").toObject();
        QVERIFY(!features.value("run_steer").toBool());
        QVERIFY(!features.value("run_approval_response").toBool());
        QVERIFY(!features.value("approval_events").toBool());
        QVERIFY(!result.json.value("endpoints").toObject().contains("run_steer"));

        // Such a build denies guarded commands without asking.
        const QString runId = startRun("sim:approval clean up", {}, &older);
        auto stream = subscribe(runId, &older);
        QVERIFY(stream->waitFinished());
        QVERIFY(stream->eventsNamed("approval.request").isEmpty());
        QVERIFY(stream->joined("message.delta").contains("denied"));
        verifyEnvelope(request("POST", "/v1/runs/" + runId + "/steer", "{\"input\":\"x\"}", {}, &older, {}),
                       404);
    }

    void runStreamsTheAgentWireFormat()
    {
        const HttpResult started =
            request("POST", "/v1/runs", "{\"input\":\"Hello there, what can you do?\"}");
        QCOMPARE(started.status, 202);
        QCOMPARE(started.json.value("status").toString(), QStringLiteral("started"));
        const QString runId = started.json.value("run_id").toString();
        QVERIFY2(QRegularExpression("^run_[0-9a-f]{32}$").match(runId).hasMatch(), qPrintable(runId));

        auto stream = subscribe(runId);
        QVERIFY(stream->waitFinished());
        QCOMPARE(stream->error(), QNetworkReply::NoError);
        QCOMPARE(stream->status(), 200);
        QCOMPARE(stream->reply()->rawHeader("Content-Type"), QByteArray("text/event-stream"));
        QCOMPARE(stream->reply()->rawHeader("Cache-Control"), QByteArray("no-cache"));
        QVERIFY2(stream->malformed.isEmpty(), stream->malformed.value(0).constData());
        QVERIFY(!stream->raw.contains("\nevent:") && !stream->raw.startsWith("event:"));
        QVERIFY(!stream->raw.contains("\nid:") && !stream->raw.contains("retry:"));
        // Python json.dumps separators, as the real agent writes them.
        QVERIFY(stream->raw.startsWith("data: {\"event\": \"message.delta\", \"run_id\": \"" +
                                       runId.toLatin1() + "\", \"timestamp\": "));

        QVERIFY(stream->events.size() > 3);
        double previous = 0;
        for (const QJsonObject &event : std::as_const(stream->events)) {
            QCOMPARE(event.value("run_id").toString(), runId);
            QVERIFY(event.value("timestamp").isDouble());
            const double timestamp = event.value("timestamp").toDouble();
            QVERIFY(timestamp > 1.6e9 && timestamp >= previous);
            previous = timestamp;
        }
        // The terminal event, then ": stream closed", then EOF.
        QCOMPARE(stream->names().last(), QStringLiteral("run.completed"));
        QVERIFY(stream->raw.endsWith("\n\n: stream closed\n\n"));
        const QJsonObject completed = stream->events.last();
        const QString answer = stream->joined("message.delta");
        QCOMPARE(completed.value("output").toString(), answer);
        const QJsonObject usage = completed.value("usage").toObject();
        QVERIFY(usage.value("input_tokens").toInt() > 0);
        QVERIFY(usage.value("output_tokens").toInt() > 0);
        QCOMPARE(usage.value("total_tokens").toInt(),
                 usage.value("input_tokens").toInt() + usage.value("output_tokens").toInt());

        // The demo answer a new user sees: Markdown that refers to what they typed.
        QVERIFY(answer.startsWith("### "));
        QVERIFY(answer.contains("\n- **"));
        QVERIFY(QRegularExpression("```[a-z]+\\n").match(answer).hasMatch());
        QCOMPARE(answer.count("```"), 2);
        QVERIFY(answer.contains("Hello"));

        const QJsonObject status = waitForStatus(runId, "completed");
        QCOMPARE(status.value("output").toString(), answer);
        QCOMPARE(status.value("usage").toObject(), usage);
        // As the agent v0.19.0 answers: what does not apply is left out, the last event is named.
        QVERIFY(!status.contains("error"));
        QCOMPARE(status.value("object").toString(), QStringLiteral("hermes.run"));
        QCOMPARE(status.value("last_event").toString(), QStringLiteral("run.completed"));
    }

    void nonAsciiTextIsEscapedLikePython()
    {
        const QString runId = startRun("sim:deltas=3 Résumé 清理 🚀");
        auto stream = subscribe(runId);
        QVERIFY(stream->waitFinished());
        QVERIFY2(stream->malformed.isEmpty(), stream->malformed.value(0).constData());
        // ensure_ascii: no raw UTF-8 byte on the wire, \uXXXX escapes instead.
        for (char c : std::as_const(stream->raw))
            QVERIFY(static_cast<unsigned char>(c) < 0x80);
        QVERIFY(stream->raw.contains("\\u6e05\\u7406"));
        QVERIFY(stream->joined("message.delta").contains(QStringLiteral("清理 🚀")));
        QCOMPARE(stream->eventsNamed("message.delta").size(), 3);
    }

    void aSecondSubscriberGets404()
    {
        const QString runId = startRun("sim:slow sim:delay=50 keep going");
        auto first = subscribe(runId);
        QVERIFY(first->waitForEvent("message.delta"));
        verifyEnvelope(request("GET", "/v1/runs/" + runId + "/events"), 404, "run_not_found");
        // Once the consumer leaves, the stream is gone for good.
        first->reply()->abort();
        QTest::qWait(100);
        verifyEnvelope(request("GET", "/v1/runs/" + runId + "/events"), 404, "run_not_found");
        verifyEnvelope(request("GET", "/v1/runs/run_00000000000000000000000000000000/events"), 404,
                       "run_not_found");
        QCOMPARE(request("POST", "/v1/runs/" + runId + "/stop").status, 200);
    }

    void eventsAreBufferedUntilTheFirstSubscriber()
    {
        const QString runId = startRun("sim:reasoning buffered");
        // The run plays without a listener...
        waitForStatus(runId, "completed");
        // ...and the first subscriber still gets everything from the start.
        auto stream = subscribe(runId);
        QVERIFY(stream->waitFinished());
        QCOMPARE(stream->error(), QNetworkReply::NoError);
        const QStringList names = stream->names();
        QCOMPARE(names.first(), QStringLiteral("reasoning.delta"));
        QCOMPARE(names.last(), QStringLiteral("run.completed"));
        // Reasoning comes before the answer.
        QVERIFY(names.lastIndexOf("reasoning.delta") < names.indexOf("message.delta"));
        QVERIFY(!stream->joined("reasoning.delta").isEmpty());
    }

    void idempotencyKeyReplaysTheSameRun()
    {
        const QByteArray body = "{\"input\":\"sim:deltas=2 once only\",\"session_id\":\"idem-session\"}";
        const HttpResult first = request("POST", "/v1/runs", body, {{"Idempotency-Key", "key-1"}});
        const HttpResult second = request("POST", "/v1/runs", body, {{"Idempotency-Key", "key-1"}});
        const HttpResult other = request("POST", "/v1/runs", body, {{"Idempotency-Key", "key-2"}});
        QCOMPARE(first.status, 202);
        QCOMPARE(second.status, 202);
        QVERIFY(!first.json.contains("replayed"));
        QCOMPARE(second.json.value("replayed").toBool(), true);
        QCOMPARE(second.json.value("run_id").toString(), first.json.value("run_id").toString());
        QVERIFY(other.json.value("run_id").toString() != first.json.value("run_id").toString());
        waitForStatus(first.json.value("run_id").toString(), "completed");
        waitForStatus(other.json.value("run_id").toString(), "completed");
        // Two runs, not three: two user rows in the agent transcript.
        const QJsonArray messages =
            request("GET", "/api/sessions/idem-session/messages").json.value("messages").toArray();
        int userRows = 0;
        for (const QJsonValue &message : messages)
            userRows += message.toObject().value("role").toString() == QLatin1String("user");
        QCOMPARE(userRows, 2);
    }

    void stopEndsWithRunCancelled()
    {
        const QString runId = startRun("sim:slow tell me a long story");
        auto stream = subscribe(runId);
        QVERIFY(stream->waitForEvent("message.delta"));
        const HttpResult stop = request("POST", "/v1/runs/" + runId + "/stop");
        QCOMPARE(stop.status, 200);
        QCOMPARE(stop.json.value("status").toString(), QStringLiteral("stopping"));
        QVERIFY(stream->waitFinished(5000));
        QCOMPARE(stream->names().last(), QStringLiteral("run.cancelled"));
        // A stop in progress shows only in the status poll, never as an event.
        QVERIFY(!stream->names().contains("run.stopping"));
        QVERIFY(stream->eventsNamed("run.completed").isEmpty());
        QVERIFY(stream->raw.endsWith(": stream closed\n\n"));
        QCOMPARE(waitForStatus(runId, "cancelled").value("status").toString(), QStringLiteral("cancelled"));
        // Stopping a finished run: 404, which clients treat as "already stopped".
        verifyEnvelope(request("POST", "/v1/runs/" + runId + "/stop"), 404);
    }

    void nocancelIgnoresStop()
    {
        const QString runId = startRun("sim:nocancel sim:delay=20 sim:deltas=30 obstinate");
        auto stream = subscribe(runId);
        QVERIFY(stream->waitForEvent("message.delta"));
        QCOMPARE(request("POST", "/v1/runs/" + runId + "/stop").status, 200);
        const HttpResult stopping = request("GET", "/v1/runs/" + runId);
        QCOMPARE(stopping.json.value("status").toString(), QStringLiteral("stopping"));
        QCOMPARE(stopping.json.value("last_event").toString(), QStringLiteral("run.stopping"));
        QVERIFY(!stopping.json.contains("output"));
        QVERIFY(stream->waitFinished());
        QVERIFY(stream->eventsNamed("run.cancelled").isEmpty());
        QCOMPARE(stream->names().last(), QStringLiteral("run.completed"));
        QCOMPARE(stream->eventsNamed("message.delta").size(), 30);
    }

    void approvalRoundTrip()
    {
        const QString runId = startRun("sim:approval please clean the build folder");
        auto stream = subscribe(runId);
        QVERIFY(stream->waitForEvent("approval.request"));
        const QJsonObject approval = stream->eventsNamed("approval.request").first();
        QCOMPARE(approval.value("command").toString(), QStringLiteral("rm -rf build/"));
        QCOMPARE(approval.value("description").toString(), QStringLiteral("recursive delete"));
        QCOMPARE(approval.value("pattern_key").toString(), QStringLiteral("recursive delete"));
        QCOMPARE(approval.value("pattern_keys").toArray(), QJsonArray{"recursive delete"});
        QCOMPARE(approval.value("choices").toArray(), (QJsonArray{"once", "session", "always", "deny"}));
        QCOMPARE(approval.value("allow_permanent").toBool(), true);
        // Byte for byte as the agent v0.19.0 writes it: the approval's fields come before "event".
        QVERIFY(stream->raw.contains(
            "data: {\"command\": \"rm -rf build/\", \"pattern_key\": \"recursive delete\", "
            "\"pattern_keys\": [\"recursive delete\"], \"description\": \"recursive delete\", "
            "\"allow_permanent\": true, \"event\": \"approval.request\", \"run_id\": \""));
        QVERIFY(stream->raw.contains(", \"choices\": [\"once\", \"session\", \"always\", \"deny\"]}\n\n"));
        // The tool was started before the question.
        QCOMPARE(stream->names().indexOf("tool.started") + 1, stream->names().indexOf("approval.request"));
        const QJsonObject waiting = waitForStatus(runId, "waiting_for_approval");
        QCOMPARE(waiting.value("status").toString(), QStringLiteral("waiting_for_approval"));
        QCOMPARE(waiting.value("last_event").toString(), QStringLiteral("approval.request"));

        verifyEnvelope(request("POST", "/v1/runs/" + runId + "/approval", "{\"choice\":\"maybe\"}"), 400);
        const HttpResult answered =
            request("POST", "/v1/runs/" + runId + "/approval", "{\"choice\":\"once\"}");
        QCOMPARE(answered.status, 200);
        QCOMPARE(answered.json.value("resolved").toInt(), 1);
        verifyEnvelope(request("POST", "/v1/runs/" + runId + "/approval", "{\"choice\":\"once\"}"), 409);

        QVERIFY(stream->waitFinished());
        const QJsonObject responded = stream->eventsNamed("approval.responded").first();
        QCOMPARE(responded.value("choice").toString(), QStringLiteral("once"));
        QCOMPARE(responded.value("resolved").toInt(), 1);
        const QStringList names = stream->names();
        QCOMPARE(names.count("tool.started"), 1);
        QCOMPARE(names.indexOf("approval.responded") + 1, names.indexOf("tool.completed"));
        QCOMPARE(stream->eventsNamed("tool.started").last().value("preview").toString(),
                 QStringLiteral("rm -rf build/"));
        const QJsonObject completed = stream->eventsNamed("tool.completed").first();
        QCOMPARE(completed.value("error").toBool(true), false);
        QVERIFY(!completed.contains("tool_call_id") && !completed.contains("output"));
        // The text after a tool starts with the agent's paragraph break; the output does not.
        QVERIFY(stream->events.at(names.indexOf("tool.completed") + 1)
                    .value("delta")
                    .toString()
                    .startsWith("\n\nDone"));
        QVERIFY(stream->events.last().value("output").toString().startsWith("Done"));
    }

    void deniedApprovalBlocksTheTool()
    {
        const QString runId = startRun("sim:approval clean it");
        auto stream = subscribe(runId);
        QVERIFY(stream->waitForEvent("approval.request"));
        QCOMPARE(request("POST", "/v1/runs/" + runId + "/approval", "{\"choice\":\"deny\"}")
                     .json.value("resolved")
                     .toInt(),
                 1);
        QVERIFY(stream->waitFinished());
        // The refused tool "fails" (error: true, no output on the wire); its transcript row says BLOCKED.
        QCOMPARE(stream->eventsNamed("tool.started").size(), 1);
        QCOMPARE(stream->eventsNamed("tool.completed").size(), 1);
        QCOMPARE(stream->eventsNamed("tool.completed").first().value("error").toBool(), true);
        QVERIFY(stream->events.last().value("output").toString().contains("denied"));
    }

    void applyToAllResolvesEveryPendingApproval()
    {
        const QString runId = startRun("sim:approval2 clean and push");
        auto stream = subscribe(runId);
        QVERIFY(QTest::qWaitFor([&] { return stream->eventsNamed("approval.request").size() == 2; }, 10'000));
        const HttpResult answered =
            request("POST", "/v1/runs/" + runId + "/approval", "{\"choice\":\"session\",\"all\":true}");
        QCOMPARE(answered.json.value("resolved").toInt(), 2);
        QVERIFY(stream->waitFinished());
        QCOMPARE(stream->eventsNamed("approval.responded").first().value("resolved").toInt(), 2);
        QCOMPARE(stream->eventsNamed("tool.completed").size(), 2);
    }

    void unansweredApprovalIsDeniedSilently()
    {
        SimProcess sim(
            {"--key", QString::fromLatin1(kKey), "--delay-ms", "1", "--approval-timeout-ms", "300"});
        QVERIFY2(sim.isReady(), qPrintable(sim.errorString()));
        const QString runId = startRun("sim:approval nobody answers", {}, &sim);
        auto stream = subscribe(runId, &sim);
        QVERIFY(stream->waitFinished());
        QCOMPARE(stream->eventsNamed("approval.request").size(), 1);
        QVERIFY(stream->eventsNamed("approval.responded").isEmpty()); // no event says so
        QCOMPARE(stream->eventsNamed("tool.completed").size(), 1);    // the tool fails instead
        QCOMPARE(stream->eventsNamed("tool.completed").first().value("error").toBool(), true);
        QVERIFY(stream->events.last().value("output").toString().contains("denied"));
        verifyEnvelope(request("POST", "/v1/runs/" + runId + "/approval", "{\"choice\":\"once\"}", {}, &sim),
                       409);
    }

    void steerInjectsGuidance()
    {
        const QString runId = startRun("sim:delay=40 sim:deltas=40 explain recursion");
        auto stream = subscribe(runId);
        QVERIFY(stream->waitForEvent("message.delta"));
        const HttpResult steered =
            request("POST", "/v1/runs/" + runId + "/steer", "{\"input\":\"use a haiku\"}");
        QCOMPARE(steered.status, 200);
        QCOMPARE(steered.json.value("accepted").toBool(), true);
        verifyEnvelope(request("POST", "/v1/runs/" + runId + "/steer", "{}"), 400);
        QVERIFY(stream->waitFinished());
        QCOMPARE(stream->eventsNamed("run.steered").size(), 1);
        QVERIFY(stream->names().indexOf("run.steered") < stream->names().lastIndexOf("message.delta"));
        QVERIFY(stream->events.last().value("output").toString().contains("use a haiku"));
        verifyEnvelope(request("POST", "/v1/runs/" + runId + "/steer", "{\"input\":\"late\"}"), 409);
    }

    void toolsScenarioPairsStartAndComplete()
    {
        const QString runId = startRun("sim:tools sim:subagent look around");
        auto stream = subscribe(runId);
        QVERIFY(stream->waitFinished());
        const QStringList names = stream->names();
        QCOMPARE(names.count("tool.started"), 2);
        QCOMPARE(names.count("tool.completed"), 2);
        QCOMPARE(names.count("subagent.start"), 1);
        QCOMPARE(names.count("subagent.complete"), 1);
        const QJsonObject subagent = stream->eventsNamed("subagent.complete").first();
        QCOMPARE(subagent.value("status").toString(), QStringLiteral("completed"));
        QVERIFY(subagent.value("duration_seconds").toDouble() > 0);
        // reasoning.available carries the start of the visible text before each tool round.
        const QList<QJsonObject> available = stream->eventsNamed("reasoning.available");
        QCOMPARE(available.size(), 2);
        QCOMPARE(available.first().value("text").toString(),
                 QStringLiteral("Let me look at the project first. "));
        QCOMPARE(names.indexOf("reasoning.available"), names.indexOf("tool.started") - 1);
        const QJsonObject completed = stream->eventsNamed("tool.completed").first();
        QCOMPARE(completed.value("tool").toString(), QStringLiteral("terminal"));
        QCOMPARE(completed.value("error").toBool(true), false);
        QVERIFY(completed.value("duration").toDouble() > 0);
        // The output is the last model call's text; the deltas span every call.
        const QString output = stream->events.last().value("output").toString();
        QVERIFY(stream->joined("message.delta").endsWith(output));
        QVERIFY(stream->joined("message.delta").startsWith("Let me look at the project first."));
    }

    void transcriptMirrorsTheAgentStateDb()
    {
        const QString runId = startRun("sim:tools sim:reasoning inspect the repo", "transcript-1");
        waitForStatus(runId, "completed");
        const HttpResult result = request("GET", "/api/sessions/transcript-1/messages");
        QCOMPARE(result.status, 200);
        QCOMPARE(result.json.value("session_id").toString(), QStringLiteral("transcript-1"));
        const QJsonArray messages = result.json.value("messages").toArray();
        QCOMPARE(messages.size(), 6); // user, assistant+call, tool, assistant+call, tool, assistant
        QStringList roles;
        qint64 previousId = 0;
        for (const QJsonValue &value : messages) {
            const QJsonObject message = value.toObject();
            roles << message.value("role").toString();
            QVERIFY(message.value("id").toInteger() > previousId);
            previousId = message.value("id").toInteger();
            QVERIFY(message.value("timestamp").toDouble() > 1.6e9);
        }
        QCOMPARE(roles, (QStringList{"user", "assistant", "tool", "assistant", "tool", "assistant"}));
        QCOMPARE(messages.at(0).toObject().value("content").toString(),
                 QStringLiteral("sim:tools sim:reasoning inspect the repo"));
        const QJsonObject caller = messages.at(1).toObject();
        QCOMPARE(caller.value("finish_reason").toString(), QStringLiteral("tool_calls"));
        QVERIFY(!caller.value("reasoning").toString().isEmpty());
        const QJsonObject call = caller.value("tool_calls").toArray().first().toObject();
        QCOMPARE(call.value("id").toString(), QStringLiteral("call_1"));
        QCOMPARE(call.value("type").toString(), QStringLiteral("function"));
        QCOMPARE(call.value("function").toObject().value("name").toString(), QStringLiteral("terminal"));
        const QJsonObject arguments =
            QJsonDocument::fromJson(call.value("function").toObject().value("arguments").toString().toUtf8())
                .object();
        QCOMPARE(arguments.value("command").toString(), QStringLiteral("ls -la"));
        const QJsonObject tool = messages.at(2).toObject();
        QCOMPARE(tool.value("tool_call_id").toString(), QStringLiteral("call_1"));
        QCOMPARE(tool.value("tool_name").toString(), QStringLiteral("terminal"));
        QVERIFY(tool.value("content").toString().contains("README.md"));
        QCOMPARE(messages.at(4).toObject().value("tool_call_id").toString(), QStringLiteral("call_2"));
        QCOMPARE(messages.at(5).toObject().value("finish_reason").toString(), QStringLiteral("stop"));

        bool listed = false;
        for (const QJsonValue &session : request("GET", "/api/sessions").json.value("sessions").toArray())
            listed |= session.toObject().value("id").toString() == QLatin1String("transcript-1");
        QVERIFY(listed);

        QCOMPARE(request("DELETE", "/api/sessions/transcript-1").json.value("ok").toBool(), true);
        verifyEnvelope(request("GET", "/api/sessions/transcript-1/messages"), 404);
        verifyEnvelope(request("DELETE", "/api/sessions/transcript-1"), 404);
    }

    void statusPollingWhenEventsAre404()
    {
        const QString runId = startRun("sim:events404 no stream for you");
        verifyEnvelope(request("GET", "/v1/runs/" + runId + "/events"), 404, "run_not_found");
        const QJsonObject status = waitForStatus(runId, "completed");
        QCOMPARE(status.value("run_id").toString(), runId);
        QVERIFY(status.value("output").toString().contains("no stream for you"));
        QVERIFY(status.value("usage").toObject().value("total_tokens").toInt() > 0);
        QVERIFY(!status.value("session_id").toString().isEmpty());
    }

    void dropCutsTheStreamButTheRunCompletes()
    {
        const QString runId = startRun("sim:drop sim:delay=10 unreliable network");
        auto stream = subscribe(runId);
        QVERIFY(stream->waitFinished());
        QVERIFY(!stream->eventsNamed("message.delta").isEmpty());
        QVERIFY(stream->eventsNamed("run.completed").isEmpty());
        QVERIFY(!stream->raw.contains(": stream closed"));
        QVERIFY(stream->error() != QNetworkReply::NoError); // truncated, not a clean end
        const QJsonObject status = waitForStatus(runId, "completed");
        QVERIFY(status.value("output").toString().size() > stream->joined("message.delta").size());
    }

    void failEndsWithRunFailed()
    {
        const QString runId = startRun("sim:fail break please");
        auto stream = subscribe(runId);
        QVERIFY(stream->waitFinished());
        QCOMPARE(stream->names().last(), QStringLiteral("run.failed"));
        const QString error = stream->events.last().value("error").toString();
        QVERIFY(!error.isEmpty());
        QCOMPARE(waitForStatus(runId, "failed").value("error").toString(), error);
    }

    void contentArrayIsPythonRepr()
    {
        const QString runId = startRun("sim:contentarray");
        auto stream = subscribe(runId);
        QVERIFY(stream->waitFinished());
        const QString expected =
            "[{'type': 'text', 'text': \"It's done\"}, {'type': 'thinking', 'thinking': 'None of this'}]";
        QCOMPARE(stream->events.last().value("output").toString(), expected);
        QCOMPARE(stream->joined("message.delta"), expected);
    }

    void longAndBenchScenariosHaveExactSizes()
    {
        const QString longRun = startRun("sim:long sim:chars=5000 sim:delay=0");
        auto longStream = subscribe(longRun);
        QVERIFY(longStream->waitFinished());
        const QString text = longStream->events.last().value("output").toString();
        QCOMPARE(text.size(), 5000);
        QVERIFY(text.count("```") >= 4);
        QCOMPARE(text.count("```") % 2, 0); // every code block is closed

        QElapsedTimer clock;
        clock.start();
        const QString benchRun = startRun("sim:bench sim:deltas=20000 sim:chars=5");
        auto bench = subscribe(benchRun);
        QVERIFY(bench->waitFinished(60'000));
        const QList<QJsonObject> deltas = bench->eventsNamed("message.delta");
        QCOMPARE(deltas.size(), 20000);
        for (const QJsonObject &delta : deltas)
            QCOMPARE(delta.value("delta").toString().size(), 5);
        qInfo("bench: 20000 deltas delivered and parsed in %lld ms", qint64(clock.elapsed()));
    }

    void usageScenarioReportsBigNumbers()
    {
        const QString runId = startRun("sim:usage count it");
        const QJsonObject usage = waitForStatus(runId, "completed").value("usage").toObject();
        QVERIFY(usage.value("input_tokens").toInt() > 100'000);
        QVERIFY(usage.value("output_tokens").toInt() > 10'000);
    }

    void silentRunKeepsAliveUntilStopped()
    {
        SimProcess sim({"--delay-ms", "1", "--keepalive-ms", "100"});
        QVERIFY2(sim.isReady(), qPrintable(sim.errorString()));
        const QString runId = startRun("sim:silent", {}, &sim);
        auto stream = subscribe(runId, &sim);
        QVERIFY(QTest::qWaitFor([&] { return stream->comments.contains("keepalive"); }, 5000));
        QCOMPARE(request("GET", "/v1/runs/" + runId, {}, {}, &sim).json.value("status").toString(),
                 QStringLiteral("running"));
        QVERIFY(!stream->isFinished());
        QCOMPARE(request("POST", "/v1/runs/" + runId + "/stop", {}, {}, &sim).status, 200);
        QVERIFY(stream->waitFinished());
        QCOMPARE(stream->names().last(), QStringLiteral("run.cancelled"));
    }

    void throttledInputsGetRetryAfter_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<int>("status");
        QTest::newRow("429") << QStringLiteral("sim:rate429") << 429;
        QTest::newRow("503") << QStringLiteral("sim:unavailable503") << 503;
    }

    void throttledInputsGetRetryAfter()
    {
        QFETCH(QString, scenario);
        QFETCH(int, status);
        const QByteArray body = QJsonDocument(QJsonObject{{"input", scenario + " busy"}}).toJson();
        for (int attempt = 0; attempt < 2; ++attempt) {
            const HttpResult refused = request("POST", "/v1/runs", body);
            verifyEnvelope(refused, status);
            QCOMPARE(refused.retryAfter, QByteArray("1"));
        }
        const HttpResult accepted = request("POST", "/v1/runs", body);
        QCOMPARE(accepted.status, 202);
        QVERIFY(!accepted.json.value("run_id").toString().isEmpty());
    }

    void badRequestsGetClearErrors()
    {
        verifyEnvelope(request("POST", "/v1/runs", "{not json"), 400);
        const HttpResult missing = request("POST", "/v1/runs", "{\"session_id\":\"x\"}");
        verifyEnvelope(missing, 400);
        QCOMPARE(missing.json.value("error").toObject().value("param").toString(), QStringLiteral("input"));
        verifyEnvelope(request("POST", "/v1/runs", "{\"input\":\"x\",\"conversation_history\":\"no\"}"), 400);
        verifyEnvelope(request("POST", "/v1/runs", "{\"input\":\"x\",\"session_id\":42}"), 400);
        verifyEnvelope(request("GET", "/v1/nothing"), 404, "not_found");
        verifyEnvelope(request("GET", "/v1/runs/../../etc/passwd"), 404);
        verifyEnvelope(request("POST", "/v1/runs/run_unknown/approval", "{\"choice\":\"once\"}"), 404,
                       "run_not_found");

        const QByteArray huge = "{\"input\":\"" + QByteArray(10 * 1024 * 1024, 'a') + "\"}";
        verifyEnvelope(request("POST", "/v1/runs", huge), 413);
        // Still healthy afterwards.
        QCOMPARE(request("GET", "/health").status, 200);
    }

    void historyIsAcceptedAndCounted()
    {
        const QJsonObject body{
            {"input", "and then?"},
            {"conversation_history", QJsonArray{QJsonObject{{"role", "user"}, {"content", "hi"}},
                                                QJsonObject{{"role", "assistant"}, {"content", "hello"}}}},
            {"instructions", "be brief"},
            {"model", "hermes-agent"}};
        const HttpResult started = request("POST", "/v1/runs", QJsonDocument(body).toJson(),
                                           {{"X-Hermes-Session-Key", "caduceus:s1"}});
        QCOMPARE(started.status, 202);
        const QJsonObject status = waitForStatus(started.json.value("run_id").toString(), "completed");
        QVERIFY(status.value("output").toString().contains("2 earlier messages"));
    }

    void exitsCleanlyOnSigterm()
    {
        SimProcess sim;
        QVERIFY2(sim.isReady(), qPrintable(sim.errorString()));
        sim.process().terminate();
        QVERIFY(sim.process().waitForFinished(5000));
#ifdef Q_OS_UNIX
        QCOMPARE(sim.process().exitStatus(), QProcess::NormalExit);
        QCOMPARE(sim.process().exitCode(), 0);
#endif
    }
};

QTEST_GUILESS_MAIN(TestHermesSim)
#include "tst_hermes_sim.moc"
