#pragma once
// Async REST client for one Hermes Agent (SPEC 1). Every call answers exactly once through its
// callback, unless the context object died first. Bearer auth, no Origin header, per-request
// timeouts, Retry-After honoured on 429/503, the OpenAI error envelope turned into a readable message.
#include "hermes/AgentEndpoint.h"
#include "hermes/ApiResult.h"
#include "hermes/Capabilities.h"

#include <QJsonArray>
#include <QObject>
#include <QPointer>
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace caduceus::hermes {

class EventStreamConnection;

class HermesClient : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const ApiResult &)>;
    using CapabilitiesCallback = std::function<void(const Capabilities &, const ApiResult &)>;

    struct StartRun
    {
        QString input;            // flattened text for the agent
        QJsonArray inputMessages; // when not empty, sent as "input" instead: [{role:user, content:[parts]}]
        QString agentSessionId;   // eph_… id owned by Caduceus
        QString model;
        QString instructions;
        QJsonArray history;       // conversation_history [{role, content}]
        QString sessionKey;       // X-Hermes-Session-Key (sanitised here)
        QString idempotencyKey;   // same key on every retry, so a retried POST never starts two runs
    };

    struct Options
    {
        int requestTimeoutMs = 30'000;
        int startRunTimeoutMs = 120'000;
        int maxRetries = 3;              // for 429/503 (and network errors when idempotent)
        int maxRetryAfterSeconds = 30;
        qint64 maxResponseBytes = 64 * 1024 * 1024;
    };

    HermesClient(const AgentEndpoint &endpoint, QNetworkAccessManager *nam, QObject *parent = nullptr);

    const AgentEndpoint &endpoint() const { return m_endpoint; }
    void setEndpoint(const AgentEndpoint &endpoint); // forgets cached capabilities
    void setOptions(const Options &options) { m_options = options; }
    const Options &options() const { return m_options; }

    void health(QObject *context, Callback callback);
    // Cached after the first success (SPEC 3.4: once per connection to the agent).
    void capabilities(QObject *context, CapabilitiesCallback callback, bool refresh = false);
    const Capabilities &cachedCapabilities() const { return m_capabilities; }
    void models(QObject *context, Callback callback);
    void startRun(const StartRun &request, QObject *context, Callback callback);
    void runStatus(const QString &runId, QObject *context, Callback callback);
    void stopRun(const QString &runId, QObject *context, Callback callback);
    void respondApproval(const QString &runId, const QString &choice, bool all, QObject *context, Callback callback);
    void steer(const QString &runId, const QString &input, QObject *context, Callback callback);
    void sessionMessages(const QString &agentSessionId, QObject *context, Callback callback);
    void deleteSession(const QString &agentSessionId, QObject *context, Callback callback);

    // GET /v1/runs/{id}/events, already opening; owned by `parent`.
    EventStreamConnection *openEventStream(const QString &runId, QObject *parent);

    static QString sanitizeSessionKey(const QString &key); // ≤256 chars, no CR/LF/NUL
    static QString newIdempotencyKey();
    // TLS for a request to an agent made elsewhere (AgentImporter): the same trust rules as every call here,
    // TlsTrust; resultFromReply then reports a refused certificate with its host and fingerprint.
    static void applyTlsTrust(QNetworkReply *reply, const QStringList &trustedCertificates);
    // Turns a finished reply into a result (status, JSON body, readable error).
    static ApiResult resultFromReply(QNetworkReply *reply, const QByteArray &body, const QUrl &baseUrl);
    // The same for an answer that came: its HTTP status, body and Retry-After header.
    static ApiResult resultFromHttp(int status, const QByteArray &body, const QByteArray &retryAfter = {});

Q_SIGNALS:
    // Any call that reached the agent or failed to: lets front ends show connected/unreachable.
    void reachabilityChanged(bool reachable, const QString &reason);

private:
    struct Call
    {
        QByteArray method;
        QString path;
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        int timeoutMs = 30'000;
        bool retryNetworkErrors = false;
        int attemptsLeft = 0;
    };
    void send(Call call, QObject *context, Callback callback);
    void sendStartRun(const StartRun &request, QObject *context, Callback callback);
    QNetworkRequest makeRequest(const QString &path, int timeoutMs) const;
    void noteReachability(const ApiResult &result);

    AgentEndpoint m_endpoint;
    QNetworkAccessManager *m_nam;
    Options m_options;
    Capabilities m_capabilities;
    bool m_capabilitiesLoaded = false;
    int m_reachable = -1; // unknown
};

} // namespace caduceus::hermes
