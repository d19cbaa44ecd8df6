#pragma once
// The agent's own sessions (started from its CLI, a messaging gateway, another client …) for an import view:
// list them, open one read-only, or import one into Caduceus as a local session that can be continued.
//
// Source: the agent's REST API (GET /api/sessions, GET /api/sessions/{id}/messages) when it answers, else the
// profile's own state.db, read-only on a worker thread (SPEC 6: this profile's file, compression chains
// followed, active rows only, "\x00json:" content decoded). Caduceus's own short-lived sessions (eph_…,
// compress_…) are left out of the list.
//
// An import creates the local session "imp_<agent session id>" (profile, model and title from the agent;
// source "import") with every row in one transaction. Importing the same agent session again answers with
// the existing local session (Imported::alreadyImported) and changes nothing.
//
// Every call answers exactly once through its callback, unless `context` or the importer died first.
#include "store/StoreTypes.h"

#include <QJsonArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <functional>

namespace caduceus::chat {

class SessionManager;
class AgentStateReader;

class AgentImporter : public QObject
{
    Q_OBJECT
public:
    struct AgentSession
    {
        QString id;
        QString title; // may be empty
        QString model;
        QString source; // e.g. "cli", "telegram", "api_server"
        QString parentSessionId;
        double startedAt = 0;
        double lastActive = 0;
        int messageCount = 0;
    };
    struct Listing
    {
        QList<AgentSession> sessions; // newest first
        QString via;                  // "rest" or "state.db"
        QString error;                // empty on success
    };
    struct Transcript
    {
        QString agentSessionId;
        // In order, as Caduceus would store them (tool rows named and given their call's arguments, content
        // arrays reduced to text). ids are positions (1, 2, …), not Caduceus message ids.
        QList<store::MessageRecord> messages;
        QString via;
        QString error;
    };
    struct Imported
    {
        QString sessionId; // the local session
        int messageCount = 0;
        bool alreadyImported = false;
        QString error;
    };

    explicit AgentImporter(SessionManager *manager, QObject *parent = nullptr);
    ~AgentImporter() override;

    void listSessions(const QString &profile, int limit, QObject *context,
                      std::function<void(const Listing &)> done);
    void openReadOnly(const QString &profile, const QString &agentSessionId, QObject *context,
                      std::function<void(const Transcript &)> done);
    void importSession(const QString &profile, const QString &agentSessionId, QObject *context,
                       std::function<void(const Imported &)> done);

    // The local id an import of that agent session gets ("imp_" + the id, made safe).
    static QString localSessionId(const QString &agentSessionId);
    // Transcript rows in the `resumed.messages` shape.
    static QJsonArray toJson(const Transcript &transcript);
    static constexpr qint64 MaxListBytes = 16 * 1024 * 1024;

private:
    void listFromStateDb(const QString &profile, int limit, const QString &restError, QObject *context,
                         std::function<void(const Listing &)> done);
    void readFromStateDb(const QString &profile, const QString &agentSessionId, const QString &restError,
                         QObject *context, std::function<void(const Transcript &)> done);
    QString stateDbPath(const QString &profile) const;

    SessionManager *m_manager;
    QNetworkAccessManager m_nam;
    AgentStateReader *m_reader;
};

} // namespace caduceus::chat
