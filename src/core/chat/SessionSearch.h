#pragma once
// Full-text search across every session (SPEC 4, FTS5) for the search box of the window and the web UI's
// GET /api/hermes/search/sessions. A hit names the message by the id `resumed.messages` uses, so a front end
// can open the session and scroll to it.
//
// Queries run on a worker thread with its own read-only connection to Caduceus's database (WAL: reading never
// waits for the writer), so a query over 100 000 messages does not hold up the window, the relay or a
// streaming answer. Words are matched as the store's search does (SearchIndex): every word must occur, user
// text is never read as FTS syntax, short words and a database without FTS5 use LIKE. Newest stored first
// (SessionStore::search says why not by timestamp).
//
//     auto *search = new SessionSearch(manager, this);
//     search->search(text, 20, this, [](const SessionSearch::Outcome &o) { … o.hits … o.error … });
#include <QJsonArray>
#include <QList>
#include <QObject>
#include <QString>
#include <functional>

class QThread;

namespace caduceus::chat {

class SessionManager;
class SearchWorker;

class SessionSearch : public QObject
{
    Q_OBJECT
public:
    struct Hit
    {
        QString sessionId;
        QString sessionTitle; // may be empty
        qint64 messageId = 0; // the id of resumed.messages / GET /api/hermes/sessions/:id messages
        QString role;
        QString snippet;      // plain text around the match, matched words between [[ and ]]
        double timestamp = 0; // of the message, seconds
    };
    struct Outcome
    {
        QString query;
        QList<Hit> hits;
        QString error; // empty on success (no hits is a success)
        qint64 serial = 0;
    };
    using Callback = std::function<void(const Outcome &)>;

    explicit SessionSearch(SessionManager *manager, QObject *parent = nullptr);
    ~SessionSearch() override;

    // Answers on this object's thread, exactly once, unless `context` or this object is destroyed first.
    // Returns the serial of the request (Outcome::serial): type-ahead callers drop answers older than the
    // latest request. limit is capped at 500; onePerSession keeps the newest hit of each session.
    qint64 search(const QString &query, int limit, QObject *context, Callback done,
                  bool onePerSession = false);

    // The newest hit of each session, in the order given.
    static QList<Hit> onePerSession(const QList<Hit> &hits);
    // The snippet as HTML: text escaped, matches in <mark>…</mark>.
    static QString snippetHtml(const QString &snippet);
    // [{session_id, session_title, message_id, role, snippet, snippet_html, timestamp}]
    static QJsonArray toJson(const QList<Hit> &hits);

    static constexpr int MaxResults = 500;

private:
    SessionManager *m_manager;
    QThread *m_thread = nullptr;
    SearchWorker *m_worker = nullptr;
    qint64 m_serial = 0;
};

} // namespace caduceus::chat
