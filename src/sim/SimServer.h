#pragma once
// The HTTP face of hermes-sim: the Hermes Agent API routes of SPEC section 1 over net::HttpServer,
// bearer auth, the OpenAI error envelope, and the registry of runs and idempotency keys.

#include "PythonJson.h"
#include "SimOptions.h"
#include "SimRun.h"
#include "TranscriptStore.h"
#include "net/HttpServer.h"

#include <QHash>
#include <QObject>
#include <QTimer>

namespace caduceus::sim {

class SimServer : public QObject
{
    Q_OBJECT
public:
    explicit SimServer(const SimOptions &options, QObject *parent = nullptr);

    bool listen(QString *error);
    quint16 port() const { return m_http.serverPort(); }
    // http://HOST:PORT with IPv6 hosts in brackets.
    QString baseUrl() const;

    // Live and recently finished runs stay below this; the oldest finished runs make room first.
    static constexpr int kMaxRuns = 10'000;

private:
    using Responder = net::HttpResponder;

    void handle(const net::HttpRequest &request, Responder *responder);
    bool isAuthorized(const net::HttpRequest &request) const;
    void startRun(const net::HttpRequest &request, Responder *responder);
    void routeRun(const net::HttpRequest &request, const QStringList &segments, Responder *responder);
    void answerApproval(const net::HttpRequest &request, SimRun *run, Responder *responder);
    void answerSteer(const net::HttpRequest &request, SimRun *run, Responder *responder);
    void routeSessions(const net::HttpRequest &request, const QStringList &segments, Responder *responder);
    QJsonObject capabilities() const;
    bool makeRoomForRun();
    void expireRuns();

    static void sendJson(Responder *responder, int status, const OrderedFields &fields,
                         const net::HttpResponder::Headers &extra = {});
    static void sendError(Responder *responder, int status, const QString &message, const QString &type,
                          const QJsonValue &code, const QJsonValue &param = QJsonValue::Null,
                          const net::HttpResponder::Headers &extra = {});
    static void sendRunNotFound(Responder *responder, const QString &runId);

    SimOptions m_options;
    net::HttpServer m_http;
    TranscriptStore m_transcripts;
    QHash<QString, SimRun *> m_runs;
    QHash<QString, QString> m_idempotencyKeys; // Idempotency-Key -> run id
    QHash<QString, int> m_throttledInputs;     // rate429/unavailable503: refusals so far per input
    QTimer m_expiryTimer;
};

} // namespace caduceus::sim
