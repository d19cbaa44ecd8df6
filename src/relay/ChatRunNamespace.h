#pragma once
// The /chat-run namespace of hermes-web-ui (SPEC 2) on top of SessionManager: browsers send run,
// cancel_queued_run, resume, abort and approval.respond; every session event goes to the room
// "session:<id>", so several tabs and the desktop window see the same run.
#include "relay/Namespace.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>

namespace caduceus::chat {
class SessionManager;
}

namespace caduceus::relay {

struct ChatRunLimits
{
    int maxSessionsPerConnection = 200; // rooms one socket may join
    int maxEventsPerSecond = 200;       // per socket, averaged over 2 s; more closes the socket
    // Below Engine.IO's default maxPayload (1 000 000 bytes per frame), so that an oversized message gets
    // this clear error instead of the transport closing the whole connection.
    int maxInputBytes = 900 * 1000;
    // Back-pressure: when a client of a session's room leaves more than pauseAboveBytes unread, the relay
    // stops reading that session's agent stream until every client is below resumeBelowBytes, so a fast
    // agent does not pile its answer up in the relay's memory. A client that stays behind for maxPauseMs
    // no longer holds the others back (it is cut off as a slow consumer if it never catches up).
    // 0 disables it.
    qint64 pauseAboveBytes = 64 * 1024;
    qint64 resumeBelowBytes = 16 * 1024;
    int maxPauseMs = 2000;
};

class ChatRunNamespace : public QObject, public Namespace
{
    Q_OBJECT
public:
    // `token` must be non-empty: there is no way to switch authentication off (SPEC 8, 9.1).
    ChatRunNamespace(chat::SessionManager *manager, const QByteArray &token, const ChatRunLimits &limits = {});
    ~ChatRunNamespace() override; // resumes the sessions it paused

    bool authorize(const QJsonObject &auth, const QUrlQuery &query, QString *error) override;
    void onConnect(Socket *socket) override;
    void onEvent(Socket *socket, const QString &event, const SocketPayload &args, const AckCallback &ack) override;
    void onDisconnect(Socket *socket, const QString &reason) override;

    // Image and file blocks name local files the agent will read: a browser may only name files the user
    // allowed (upload folder, session workspace, configured folders). The policy returns "" when `path` may
    // be sent in `sessionId`, else the reason. Without a policy every attachment path is refused.
    using AttachmentPolicy = std::function<QString(const QString &sessionId, const QString &path)>;
    void setAttachmentPolicy(AttachmentPolicy policy) { m_attachmentPolicy = std::move(policy); }

    static QString roomFor(const QString &sessionId) { return QStringLiteral("session:") + sessionId; }
    static bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

Q_SIGNALS:
    void clientConnected(const QString &socketId, const QString &peer, const QString &profile);
    void clientDisconnected(const QString &socketId, const QString &reason);

private:
    struct Client
    {
        QString profile;
        qint64 windowStartMs = 0;
        int eventsInWindow = 0;
    };
    void forward(const QString &sessionId, const QString &name, const QJsonObject &payload,
                 const QByteArray &json);
    // The unread bytes of the room's furthest-behind client that still holds the room back.
    qint64 roomBacklog(const QString &sessionId);
    void pauseIfBehind(const QString &sessionId);
    void checkPausedRooms();
    void setSessionPaused(const QString &sessionId, bool paused);
    bool joinSession(Socket *socket, const QString &sessionId);
    void reject(Socket *socket, const QString &event, const QString &sessionId, const QString &message,
                const AckCallback &ack);
    QString checkAttachments(const QString &sessionId, const QJsonValue &input) const;

    chat::SessionManager *m_manager;
    QByteArray m_token;
    ChatRunLimits m_limits;
    QHash<QString, Client> m_clients; // by socket id
    AttachmentPolicy m_attachmentPolicy;
    QHash<QString, qint64> m_pausedSince; // session id → when its stream was paused (m_clock)
    QSet<QString> m_exemptSockets;        // behind for too long: no longer hold their rooms back
    // Sockets that resumed a session while its run's end was being written: `resumed` told them the run
    // is finished, so that run's end event is not sent to them. Session id → (socket id → run id).
    QHash<QString, QHash<QString, QString>> m_resumedDuringEnd;
    QTimer m_flowTimer;
    QElapsedTimer m_clock;
};

} // namespace caduceus::relay
