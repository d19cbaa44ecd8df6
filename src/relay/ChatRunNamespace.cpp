#include "relay/ChatRunNamespace.h"

#include "chat/SessionController.h"
#include "chat/SessionManager.h"
#include "protocol/EventNames.h"
#include "relay/Socket.h"
#include "relay/SocketServer.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRegularExpression>

Q_LOGGING_CATEGORY(lcChatRun, "caduceus.relay.chatrun")

namespace caduceus::relay {

ChatRunNamespace::ChatRunNamespace(chat::SessionManager *manager, const QByteArray &token, const ChatRunLimits &limits)
    : m_manager(manager), m_token(token), m_limits(limits)
{
    Q_ASSERT(!m_token.isEmpty());
    connect(manager, &chat::SessionManager::sessionEvent, this, &ChatRunNamespace::forward);
    // Paused sessions are resumed when the namespace goes, unless their manager went first.
    connect(manager, &QObject::destroyed, this, [this] { m_pausedSince.clear(); });
    m_clock.start();
    m_flowTimer.setInterval(10);
    connect(&m_flowTimer, &QTimer::timeout, this, &ChatRunNamespace::checkPausedRooms);
}

ChatRunNamespace::~ChatRunNamespace()
{
    const QList<QString> paused = m_pausedSince.keys();
    for (const QString &sessionId : paused)
        setSessionPaused(sessionId, false);
}

bool ChatRunNamespace::constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    // Length leaks nothing useful (tokens have a fixed size); the content is compared in full.
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    const qsizetype n = qMax(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i) {
        const unsigned char x = i < a.size() ? uchar(a[i]) : 0;
        const unsigned char y = i < b.size() ? uchar(b[i]) : 0;
        diff |= x ^ y;
    }
    return diff == 0 && !a.isEmpty();
}

bool ChatRunNamespace::authorize(const QJsonObject &auth, const QUrlQuery &query, QString *error)
{
    const QByteArray token = auth.value(QLatin1String("token")).toString().toUtf8();
    if (m_token.isEmpty() || !constantTimeEquals(token, m_token)) {
        *error = QStringLiteral("Authentication failed");
        return false;
    }
    static const QRegularExpression profileName(QStringLiteral("^[A-Za-z0-9_.-]{1,64}$"));
    const QString profile = query.queryItemValue(QStringLiteral("profile"), QUrl::FullyDecoded);
    if (!profile.isEmpty() && (!profileName.match(profile).hasMatch() || profile.contains(QLatin1String("..")))) {
        *error = QStringLiteral("Invalid profile name");
        return false;
    }
    return true;
}

void ChatRunNamespace::onConnect(Socket *socket)
{
    QString profile = socket->query().queryItemValue(QStringLiteral("profile"), QUrl::FullyDecoded);
    if (profile.isEmpty())
        profile = QStringLiteral("default");
    m_clients.insert(socket->id(), Client{profile, 0, 0});
    qCInfo(lcChatRun).noquote() << "client" << socket->id() << "connected from" << socket->peerAddress().toString()
                                << "profile" << profile;
    Q_EMIT clientConnected(socket->id(), socket->peerAddress().toString(), profile);
}

void ChatRunNamespace::onDisconnect(Socket *socket, const QString &reason)
{
    m_clients.remove(socket->id());
    m_exemptSockets.remove(socket->id());
    for (auto it = m_resumedDuringEnd.begin(); it != m_resumedDuringEnd.end();) {
        it->remove(socket->id());
        it = it->isEmpty() ? m_resumedDuringEnd.erase(it) : std::next(it);
    }
    qCInfo(lcChatRun).noquote() << "client" << socket->id() << "disconnected:" << reason;
    Q_EMIT clientDisconnected(socket->id(), reason);
}

void ChatRunNamespace::forward(const QString &sessionId, const QString &name, const QJsonObject &payload,
                               const QByteArray &json)
{
    static const QSet<QString> runEnds{EventName::RunCompleted, EventName::RunFailed, EventName::RunCancelled,
                                       EventName::AbortCompleted};
    if (m_resumedDuringEnd.contains(sessionId) && json.isEmpty() && runEnds.contains(name)) {
        // The end of a run: not to the sockets that resumed while it was being written (they already have
        // the finished run).
        QHash<QString, QString> &resumed = m_resumedDuringEnd[sessionId];
        const QString runId = payload.value(QLatin1String("run_id")).toString();
        QSet<QString> skip;
        for (auto it = resumed.begin(); it != resumed.end();) {
            if (!runId.isEmpty() && it.value() == runId) {
                skip.insert(it.key());
                it = resumed.erase(it);
            } else {
                ++it;
            }
        }
        if (resumed.isEmpty())
            m_resumedDuringEnd.remove(sessionId);
        if (!skip.isEmpty()) {
            for (Socket *socket : server()->socketsInRoom(this->name(), roomFor(sessionId))) {
                if (!skip.contains(socket->id()))
                    socket->emitEvent(name, QJsonArray{payload});
            }
            if (m_limits.pauseAboveBytes > 0 && !m_pausedSince.contains(sessionId))
                pauseIfBehind(sessionId);
            return;
        }
    }
    // A passed-through agent event already is JSON text: encoded once for the room, not decoded again.
    if (!json.isEmpty())
        emitJsonToRoom(roomFor(sessionId), name, json);
    else
        emitToRoom(roomFor(sessionId), name, QJsonArray{payload});
    if (m_limits.pauseAboveBytes > 0 && !m_pausedSince.contains(sessionId))
        pauseIfBehind(sessionId);
}

qint64 ChatRunNamespace::roomBacklog(const QString &sessionId)
{
    qint64 backlog = 0;
    if (!server())
        return 0;
    for (const Socket *socket : server()->roomMembers(name(), roomFor(sessionId))) {
        const qint64 buffered = socket->bufferedBytes();
        if (m_exemptSockets.contains(socket->id())) {
            if (buffered > m_limits.resumeBelowBytes)
                continue;
            m_exemptSockets.remove(socket->id()); // caught up: counts again
        }
        backlog = qMax(backlog, buffered);
    }
    return backlog;
}

void ChatRunNamespace::pauseIfBehind(const QString &sessionId)
{
    if (roomBacklog(sessionId) <= m_limits.pauseAboveBytes)
        return;
    m_pausedSince.insert(sessionId, m_clock.elapsed());
    setSessionPaused(sessionId, true);
    if (!m_flowTimer.isActive())
        m_flowTimer.start();
}

void ChatRunNamespace::checkPausedRooms()
{
    const qint64 now = m_clock.elapsed();
    for (auto it = m_pausedSince.begin(); it != m_pausedSince.end();) {
        const QString sessionId = it.key();
        bool resume = roomBacklog(sessionId) <= m_limits.resumeBelowBytes;
        if (!resume && now - it.value() >= m_limits.maxPauseMs) {
            // Whoever is still behind after this long does not read (or cannot keep up): the others go on,
            // and the transport's slow-consumer bound deals with it.
            const QList<Socket *> sockets = server()->socketsInRoom(name(), roomFor(sessionId));
            for (const Socket *socket : sockets) {
                if (socket->bufferedBytes() > m_limits.resumeBelowBytes &&
                    !m_exemptSockets.contains(socket->id())) {
                    qCInfo(lcChatRun).noquote()
                        << "client" << socket->id() << "has" << socket->bufferedBytes() << "bytes unread for"
                        << m_limits.maxPauseMs << "ms; no longer waiting for it";
                    m_exemptSockets.insert(socket->id());
                }
            }
            resume = true;
        }
        if (!resume) {
            ++it;
            continue;
        }
        it = m_pausedSince.erase(it);
        setSessionPaused(sessionId, false);
    }
    if (m_pausedSince.isEmpty())
        m_flowTimer.stop();
}

void ChatRunNamespace::setSessionPaused(const QString &sessionId, bool paused)
{
    if (chat::SessionController *controller = m_manager->existingController(sessionId))
        controller->setEventFlowPaused(paused);
}

bool ChatRunNamespace::joinSession(Socket *socket, const QString &sessionId)
{
    const QString room = roomFor(sessionId);
    if (socket->rooms().contains(room))
        return true;
    if (socket->rooms().size() >= m_limits.maxSessionsPerConnection)
        return false;
    socket->join(room);
    return true;
}

void ChatRunNamespace::reject(Socket *socket, const QString &event, const QString &sessionId, const QString &message,
                              const AckCallback &ack)
{
    qCInfo(lcChatRun).noquote() << "client" << socket->id() << event << "refused:" << message;
    QJsonObject payload{{QStringLiteral("event"), QStringLiteral("relay.error")},
                        {QStringLiteral("request"), event},
                        {QStringLiteral("message"), message}};
    if (!sessionId.isEmpty())
        payload.insert(QStringLiteral("session_id"), sessionId);
    socket->emitEvent(QStringLiteral("relay.error"), QJsonArray{payload});
    if (ack)
        ack(QJsonArray{QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), message}}});
}

QString ChatRunNamespace::checkAttachments(const QString &sessionId, const QJsonValue &input) const
{
    if (!input.isArray())
        return {};
    for (const QJsonValue &item : input.toArray()) {
        const QJsonValue path = item.toObject().value(QLatin1String("path"));
        if (path.isUndefined() || path.isNull())
            continue;
        if (!path.isString())
            return QStringLiteral("An attachment path must be a string.");
        if (!m_attachmentPolicy)
            return QStringLiteral("This relay accepts no attachments that name local files.");
        if (const QString refused = m_attachmentPolicy(sessionId, path.toString()); !refused.isEmpty())
            return refused;
    }
    return {};
}

void ChatRunNamespace::onEvent(Socket *socket, const QString &event, const SocketPayload &args, const AckCallback &ack)
{
    auto client = m_clients.find(socket->id());
    if (client == m_clients.end())
        return;
    // A client flooding events is cut off rather than allowed to starve everyone else.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - client->windowStartMs > 2000) {
        client->windowStartMs = now;
        client->eventsInWindow = 0;
    }
    if (++client->eventsInWindow > m_limits.maxEventsPerSecond * 2) {
        qCWarning(lcChatRun) << "client" << socket->id() << "sent too many events; disconnecting it";
        socket->disconnectFromServer(true);
        return;
    }

    const QJsonValue payload = args.values.isEmpty() ? QJsonValue() : args.values.at(0);
    const QJsonObject data = payload.toObject();
    const QString sessionId = data.value(QLatin1String("session_id")).toString();
    static const QStringList known{EventName::ClientRun, EventName::ClientCancelQueuedRun,
                                   EventName::ClientResume, EventName::ClientAbort,
                                   EventName::ClientApprovalRespond};
    if (!known.contains(event)) {
        reject(socket, event, sessionId, QStringLiteral("Unknown event \"%1\".").arg(event.left(64)), ack);
        return;
    }
    if (!payload.isObject()) {
        reject(socket, event, {}, QStringLiteral("The payload of \"%1\" must be an object.").arg(event), ack);
        return;
    }
    if (!chat::SessionManager::isValidSessionId(sessionId)) {
        reject(socket, event, {},
               sessionId.isEmpty() ? QStringLiteral("\"%1\" needs a session_id.").arg(event)
                                   : QStringLiteral("Invalid session_id (1-128 letters, digits, _ . : -)."),
               ack);
        return;
    }
    if (!joinSession(socket, sessionId)) {
        reject(socket, event, sessionId,
               QStringLiteral("This connection follows too many sessions (%1).").arg(m_limits.maxSessionsPerConnection),
               ack);
        return;
    }
    chat::SessionController *controller = m_manager->controller(sessionId);
    const auto ok = [&ack](QJsonObject extra = {}) {
        if (ack) {
            extra.insert(QStringLiteral("ok"), true);
            ack(QJsonArray{extra});
        }
    };

    if (event == EventName::ClientRun) {
        const QJsonValue input = data.value(QLatin1String("input"));
        if (!input.isString() && !input.isArray()) {
            reject(socket, event, sessionId, QStringLiteral("\"input\" must be a string or a list of content blocks."),
                   ack);
            return;
        }
        if (QJsonDocument(QJsonArray{input}).toJson(QJsonDocument::Compact).size() > m_limits.maxInputBytes) {
            reject(socket, event, sessionId, QStringLiteral("The message is larger than %1 bytes.").arg(m_limits.maxInputBytes),
                   ack);
            return;
        }
        if (const QString refused = checkAttachments(sessionId, input); !refused.isEmpty()) {
            qCWarning(lcChatRun).noquote() << "client" << socket->id() << "named a file it may not:" << refused;
            reject(socket, event, sessionId, refused, ack);
            return;
        }
        chat::SessionController::RunInput run;
        run.input = input;
        run.model = data.value(QLatin1String("model")).toString();
        run.instructions = data.value(QLatin1String("instructions")).toString();
        run.queueId = data.value(QLatin1String("queue_id")).toString();
        run.profile = m_clients.value(socket->id()).profile;
        const bool willQueue = controller->isWorking();
        const QString error = controller->submit(run);
        if (!error.isEmpty()) {
            reject(socket, event, sessionId, error, ack);
            return;
        }
        qCInfo(lcChatRun).noquote() << "client" << socket->id() << (willQueue ? "queued a run for" : "started a run in")
                                    << sessionId;
        ok(QJsonObject{{QStringLiteral("queued"), willQueue}});
    } else if (event == EventName::ClientCancelQueuedRun) {
        const QString queueId = data.value(QLatin1String("queue_id")).toString();
        ok(QJsonObject{{QStringLiteral("cancelled"), controller->cancelQueued(queueId)}});
    } else if (event == EventName::ClientResume) {
        controller->ensureTokens();
        if (controller->isEndingTurn())
            m_resumedDuringEnd[sessionId].insert(socket->id(), controller->runId());
        else if (m_resumedDuringEnd.contains(sessionId))
            m_resumedDuringEnd[sessionId].remove(socket->id());
        socket->emitEvent(EventName::Resumed, QJsonArray{controller->resumePayload()});
        ok();
    } else if (event == EventName::ClientAbort) {
        controller->abort();
        ok();
    } else if (event == EventName::ClientApprovalRespond) {
        controller->respondApproval(data.value(QLatin1String("choice")).toString(),
                                    data.value(QLatin1String("all")).toBool(false));
        ok();
    }
}

} // namespace caduceus::relay
