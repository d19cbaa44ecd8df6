#include "chat/AgentImporter.h"

#include "chat/AgentSessionGc.h"
#include "chat/ContentBlocks.h"
#include "chat/AgentStateReader.h"
#include "chat/SessionManager.h"
#include "chat/SessionTitle.h"
#include "chat/TranscriptMerger.h"
#include "hermes/HermesClient.h"
#include "store/SessionStore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QPointer>
#include <QRegularExpression>
#include <QUrlQuery>
#include <algorithm>

namespace caduceus::chat {

using store::MessageRecord;

namespace {

constexpr int ListTimeoutMs = 15'000;

QJsonArray sessionArrayOf(const QJsonDocument &doc)
{
    if (doc.isArray())
        return doc.array();
    const QJsonObject o = doc.object();
    for (const char *key : {"sessions", "data", "items"}) {
        if (o.value(QLatin1String(key)).isArray())
            return o.value(QLatin1String(key)).toArray();
    }
    return {};
}

double numberOf(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isString() ? v.toString().toDouble() : v.toDouble();
}

QList<AgentImporter::AgentSession> newestFirst(QList<AgentImporter::AgentSession> sessions, int limit)
{
    sessions.erase(std::remove_if(sessions.begin(), sessions.end(),
                                  [](const AgentImporter::AgentSession &s) {
                                      return s.id.isEmpty() || AgentSessionGc::isOwnAgentSession(s.id);
                                  }),
                   sessions.end());
    std::stable_sort(sessions.begin(), sessions.end(), [](const auto &a, const auto &b) {
        return qMax(a.lastActive, a.startedAt) > qMax(b.lastActive, b.startedAt);
    });
    if (limit >= 0 && sessions.size() > limit)
        sessions.resize(limit);
    return sessions;
}

// As Caduceus stores rows: tool rows named after their call and given its arguments, content arrays reduced
// to their text; numbered from 1.
QList<MessageRecord> asLocalRows(const QList<MessageRecord> &agentRows)
{
    QList<MessageRecord> rows = TranscriptMerger::merge({}, agentRows, QString(), false);
    qint64 position = 0;
    for (MessageRecord &m : rows) {
        m.id = ++position;
        m.runId.clear();
    }
    return rows;
}

} // namespace

AgentImporter::AgentImporter(SessionManager *manager, QObject *parent)
    : QObject(parent), m_manager(manager), m_reader(new AgentStateReader(this))
{
}

AgentImporter::~AgentImporter() = default;

QString AgentImporter::localSessionId(const QString &agentSessionId)
{
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9_.:-]"));
    QString id = QStringLiteral("imp_") + QString(agentSessionId).replace(unsafe, QStringLiteral("_"));
    return id.left(128);
}

QString AgentImporter::stateDbPath(const QString &profile) const
{
    // This profile's file only: agent() falls back to the default profile's endpoint.
    const hermes::AgentEndpoint endpoint = m_manager->agent(profile);
    return endpoint.profile == profile ? endpoint.stateDbPath : QString();
}

void AgentImporter::listSessions(const QString &profile, int limit, QObject *context,
                                 std::function<void(const Listing &)> done)
{
    QPointer<QObject> guard(context);
    const hermes::AgentEndpoint endpoint = m_manager->agent(profile);
    if (endpoint.profile != profile || !endpoint.isValid()) {
        listFromStateDb(profile, limit, QStringLiteral("no agent is configured for profile %1").arg(profile),
                        context, std::move(done));
        return;
    }
    QUrl url = endpoint.baseUrl;
    QString base = url.path();
    if (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + QStringLiteral("/api/sessions"));
    if (limit > 0)
        url.setQuery(QUrlQuery{{QStringLiteral("limit"), QString::number(limit)}});
    QNetworkRequest request(url);
    if (!endpoint.apiKey.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + endpoint.apiKey.toUtf8());
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(ListTimeoutMs);
    QNetworkReply *reply = m_nam.get(request);
    hermes::HermesClient::applyTlsTrust(reply, endpoint.trustedCertificates);
    connect(reply, &QNetworkReply::readyRead, reply, [reply]() {
        if (reply->bytesAvailable() > MaxListBytes) {
            reply->setProperty("caduceusTooLarge", true);
            reply->abort();
        }
    });
    connect(
        reply, &QNetworkReply::finished, this,
        [this, reply, guard, profile, limit, baseUrl = endpoint.baseUrl, done = std::move(done)]() mutable {
            reply->deleteLater();
            const QByteArray body = reply->readAll();
            const hermes::ApiResult r = hermes::HermesClient::resultFromReply(reply, body, baseUrl);
            const QJsonDocument doc = QJsonDocument::fromJson(body);
            const bool listed =
                r.httpStatus >= 200 && r.httpStatus < 300 && (doc.isArray() || doc.isObject());
            if (!listed) {
                const QString why = r.message.isEmpty()
                                        ? QStringLiteral("the agent's session list could not be read")
                                        : r.message;
                listFromStateDb(profile, limit, why, guard, std::move(done));
                return;
            }
            Listing listing;
            listing.via = QStringLiteral("rest");
            QList<AgentSession> sessions;
            for (const QJsonValue &v : sessionArrayOf(doc)) {
                const QJsonObject o = v.toObject();
                AgentSession s;
                s.id = o.value(QLatin1String("id")).toString(o.value(QLatin1String("session_id")).toString());
                s.title = o.value(QLatin1String("title")).toString();
                s.model = o.value(QLatin1String("model")).toString();
                s.source = o.value(QLatin1String("source")).toString();
                s.parentSessionId = o.value(QLatin1String("parent_session_id")).toString();
                s.startedAt = numberOf(o, "started_at");
                s.lastActive = numberOf(o, "last_active");
                if (s.lastActive <= 0)
                    s.lastActive = numberOf(o, "ended_at");
                s.messageCount = o.value(QLatin1String("message_count")).toInt();
                sessions << s;
            }
            listing.sessions = newestFirst(sessions, limit);
            if (guard)
                done(listing);
        });
}

void AgentImporter::listFromStateDb(const QString &profile, int limit, const QString &restError,
                                    QObject *context, std::function<void(const Listing &)> done)
{
    QPointer<QObject> guard(context);
    const QString path = stateDbPath(profile);
    if (path.isEmpty()) {
        Listing failed;
        failed.error =
            QStringLiteral("Cannot list the agent's sessions: %1, and no state.db is known for profile %2.")
                .arg(restError, profile);
        // Same promise as the asynchronous paths: never from inside the call.
        QMetaObject::invokeMethod(
            this,
            [guard, failed, done = std::move(done)]() {
                if (guard)
                    done(failed);
            },
            Qt::QueuedConnection);
        return;
    }
    // Read more than asked: Caduceus's own sessions are filtered out afterwards.
    m_reader->listSessions(path, limit < 0 ? -1 : limit * 4 + 100,
                           [guard, limit, done = std::move(done)](const AgentStateReader::Sessions &read) {
                               if (!guard)
                                   return;
                               Listing listing;
                               listing.via = QStringLiteral("state.db");
                               listing.error = read.error;
                               QList<AgentSession> sessions;
                               for (const store::AgentSessionInfo &info : read.sessions) {
                                   AgentSession s;
                                   s.id = info.id;
                                   s.title = info.title;
                                   s.model = info.model;
                                   s.source = info.source;
                                   s.parentSessionId = info.parentSessionId;
                                   s.startedAt = info.startedAt;
                                   s.messageCount = info.messageCount;
                                   sessions << s;
                               }
                               listing.sessions = newestFirst(sessions, limit);
                               done(listing);
                           });
}

void AgentImporter::openReadOnly(const QString &profile, const QString &agentSessionId, QObject *context,
                                 std::function<void(const Transcript &)> done)
{
    QPointer<QObject> guard(context);
    hermes::HermesClient *client = m_manager->client(profile);
    if (agentSessionId.trimmed().isEmpty() || agentSessionId.size() > 256) {
        Transcript bad;
        bad.agentSessionId = agentSessionId.left(256);
        bad.error = QStringLiteral("That is not an agent session id.");
        QMetaObject::invokeMethod(
            this,
            [guard, bad, done = std::move(done)]() {
                if (guard)
                    done(bad);
            },
            Qt::QueuedConnection);
        return;
    }
    if (!client || client->endpoint().profile != profile) {
        readFromStateDb(profile, agentSessionId,
                        QStringLiteral("no agent is configured for profile %1").arg(profile), context,
                        std::move(done));
        return;
    }
    client->sessionMessages(
        agentSessionId, this,
        [this, guard, profile, agentSessionId, done = std::move(done)](const hermes::ApiResult &r) mutable {
            const QList<MessageRecord> rows =
                r.ok() ? TranscriptMerger::fromAgentJson(r.json.value(QLatin1String("messages")).toArray())
                       : QList<MessageRecord>{};
            if (rows.isEmpty()) {
                readFromStateDb(profile, agentSessionId,
                                r.ok() ? QStringLiteral("the agent returned no messages") : r.message, guard,
                                std::move(done));
                return;
            }
            Transcript transcript;
            transcript.agentSessionId = agentSessionId;
            transcript.via = QStringLiteral("rest");
            transcript.messages = asLocalRows(rows);
            if (guard)
                done(transcript);
        });
}

void AgentImporter::readFromStateDb(const QString &profile, const QString &agentSessionId,
                                    const QString &restError, QObject *context,
                                    std::function<void(const Transcript &)> done)
{
    QPointer<QObject> guard(context);
    const QString path = stateDbPath(profile);
    if (path.isEmpty()) {
        Transcript failed;
        failed.agentSessionId = agentSessionId;
        failed.error =
            QStringLiteral("Cannot read agent session %1: %2, and no state.db is known for profile %3.")
                .arg(agentSessionId, restError, profile);
        QMetaObject::invokeMethod(
            this,
            [guard, failed, done = std::move(done)]() {
                if (guard)
                    done(failed);
            },
            Qt::QueuedConnection);
        return;
    }
    m_reader->readTranscript(
        path, agentSessionId,
        [guard, agentSessionId, done = std::move(done)](const AgentStateReader::Transcript &read) {
            if (!guard)
                return;
            Transcript transcript;
            transcript.agentSessionId = agentSessionId;
            transcript.via = QStringLiteral("state.db");
            transcript.error = read.error;
            transcript.messages = asLocalRows(read.rows);
            if (transcript.error.isEmpty() && transcript.messages.isEmpty())
                transcript.error =
                    QStringLiteral("The agent has no messages for session %1.").arg(agentSessionId);
            done(transcript);
        });
}

void AgentImporter::importSession(const QString &profile, const QString &agentSessionId, QObject *context,
                                  std::function<void(const Imported &)> done)
{
    QPointer<QObject> guard(context);
    const QString localId = localSessionId(agentSessionId);
    store::SessionStore *st = m_manager->store();
    if (const auto existing = st->session(localId)) {
        Imported again;
        again.sessionId = localId;
        again.messageCount = existing->messageCount;
        again.alreadyImported = true;
        QMetaObject::invokeMethod(
            this,
            [guard, again, done = std::move(done)]() {
                if (guard)
                    done(again);
            },
            Qt::QueuedConnection);
        return;
    }
    openReadOnly(profile, agentSessionId, this,
                 [this, guard, profile, localId, done = std::move(done)](const Transcript &transcript) {
                     if (!guard)
                         return;
                     Imported imported;
                     imported.sessionId = localId;
                     if (!transcript.error.isEmpty()) {
                         imported.error = transcript.error;
                         done(imported);
                         return;
                     }
                     store::SessionStore *st = m_manager->store();
                     QList<MessageRecord> rows = transcript.messages;
                     QString title;
                     for (MessageRecord &m : rows) {
                         m.id = 0;
                         m.sessionId = localId;
                         if (title.isEmpty() && m.role == QLatin1String("user"))
                             title = SessionTitle::fromInput(ContentBlocks::fromStoredText(m.content), 100);
                     }
                     store::SessionRecord session;
                     session.id = localId;
                     session.profile = profile;
                     session.title = title;
                     session.source = QStringLiteral("import");
                     session.createdAt = rows.first().timestamp;
                     session.lastActive = rows.last().timestamp;
                     if (!st->createSession(session) || !st->appendMessages(rows)) {
                         imported.error =
                             QStringLiteral("Could not import the session: %1").arg(st->lastError());
                         st->deleteSession(localId);
                         done(imported);
                         return;
                     }
                     imported.messageCount = int(rows.size());
                     // Also tells every session list that a session arrived.
                     m_manager->renameSession(localId, title);
                     done(imported);
                 });
}

QJsonArray AgentImporter::toJson(const Transcript &transcript)
{
    QJsonArray out;
    for (const MessageRecord &m : transcript.messages) {
        QJsonObject o{{QStringLiteral("id"), m.id},
                      {QStringLiteral("session_id"), transcript.agentSessionId},
                      {QStringLiteral("role"), m.role},
                      {QStringLiteral("content"), m.content},
                      {QStringLiteral("reasoning"), m.reasoning},
                      {QStringLiteral("timestamp"), m.timestamp}};
        if (!m.toolCalls.isEmpty())
            o.insert(QStringLiteral("tool_calls"), m.toolCalls);
        if (!m.toolCallId.isEmpty())
            o.insert(QStringLiteral("tool_call_id"), m.toolCallId);
        if (!m.toolName.isEmpty())
            o.insert(QStringLiteral("tool_name"), m.toolName);
        out.append(o);
    }
    return out;
}

} // namespace caduceus::chat
