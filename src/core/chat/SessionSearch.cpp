#include "chat/SessionSearch.h"

#include "chat/SessionManager.h"
#include "store/Database.h"
#include "store/SearchIndex.h"
#include "store/SessionStore.h"

#include <QAtomicInteger>
#include <QFileInfo>
#include <QJsonObject>
#include <QPointer>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUrl>

namespace caduceus::chat {

namespace {

QString nextConnectionName()
{
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("caduceus-search-%1").arg(counter.fetchAndAddRelaxed(1));
}

} // namespace

// Lives on the search thread and owns that thread's read-only connection.
class SearchWorker : public QObject
{
public:
    explicit SearchWorker(const QString &path) : m_path(path), m_connectionName(nextConnectionName()) {}

    ~SearchWorker() override
    {
        if (QSqlDatabase::contains(m_connectionName)) {
            {
                QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
                db.close();
            }
            QSqlDatabase::removeDatabase(m_connectionName);
        }
    }

    SessionSearch::Outcome run(const QString &text, int limit)
    {
        SessionSearch::Outcome outcome;
        outcome.query = text;
        const QStringList terms = store::SearchIndex::terms(text);
        if (terms.isEmpty() || limit <= 0)
            return outcome;
        if (!open(outcome.error))
            return outcome;
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        QSqlQuery query(db);
        query.setForwardOnly(true);
        const bool like = store::SearchIndex::needsLikeSearch(terms, m_support);
        if (!like) {
            // Trigram tokens are characters, unicode61 tokens are words: similar snippet lengths either way.
            query.prepare(
                QStringLiteral("SELECT m.session_id, s.title, m.id, m.role, "
                               "snippet(messages_search, 0, '[[', ']]', '…', %1), m.timestamp "
                               "FROM messages_search JOIN messages m ON m.id = messages_search.rowid "
                               "JOIN sessions s ON s.id = m.session_id WHERE messages_search MATCH ? "
                               "ORDER BY messages_search.rowid DESC LIMIT ?")
                    .arg(m_support.trigram ? 64 : 16));
            query.addBindValue(store::SearchIndex::matchExpression(terms, m_support.trigram));
        } else {
            QStringList conditions;
            for (qsizetype i = 0; i < terms.size(); ++i)
                conditions << QStringLiteral("v.body LIKE ? ESCAPE '\\'");
            query.prepare(QStringLiteral("SELECT m.session_id, s.title, m.id, m.role, v.body, m.timestamp "
                                         "FROM messages_search_source v JOIN messages m ON m.id = v.id "
                                         "JOIN sessions s ON s.id = m.session_id WHERE %1 "
                                         "ORDER BY m.id DESC LIMIT ?")
                              .arg(conditions.join(QStringLiteral(" AND "))));
            for (const QString &term : terms)
                query.addBindValue(store::SearchIndex::likePattern(term));
        }
        query.addBindValue(limit);
        if (!query.exec()) {
            outcome.error = QStringLiteral("Search failed: %1").arg(query.lastError().text());
            return outcome;
        }
        while (query.next()) {
            SessionSearch::Hit hit;
            hit.sessionId = query.value(0).toString();
            hit.sessionTitle = query.value(1).toString();
            hit.messageId = query.value(2).toLongLong();
            hit.role = query.value(3).toString();
            hit.snippet = like ? store::SearchIndex::likeSnippet(query.value(4).toString(), terms)
                               : query.value(4).toString().simplified();
            hit.timestamp = query.value(5).toDouble();
            outcome.hits << hit;
        }
        if (query.lastError().isValid())
            outcome.error = QStringLiteral("Search failed: %1").arg(query.lastError().text());
        return outcome;
    }

private:
    bool open(QString &error)
    {
        if (m_open)
            return true;
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        db.setDatabaseName(
            QUrl::fromLocalFile(QFileInfo(m_path).absoluteFilePath()).toString(QUrl::FullyEncoded) +
            QStringLiteral("?mode=ro"));
        db.setConnectOptions(
            QStringLiteral("QSQLITE_OPEN_URI;QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=2000"));
        if (!db.open()) {
            error = QStringLiteral("Search cannot open the database: %1").arg(db.lastError().text());
            return false;
        }
        // The index the writer keeps (SearchIndex::ensure): FTS5 when its table answers, trigram when it was
        // made with that tokenizer.
        QSqlQuery query(db);
        if (query.exec(QStringLiteral("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = "
                                      "'messages_search'")) &&
            query.next()) {
            const QString sql = query.value(0).toString();
            query.finish();
            m_support.fts5 = query.exec(QStringLiteral("SELECT rowid FROM messages_search WHERE 0"));
            m_support.trigram = m_support.fts5 && sql.contains(QLatin1String("trigram"));
        }
        m_open = true;
        return true;
    }

    QString m_path;
    QString m_connectionName;
    store::SearchIndex::Support m_support;
    bool m_open = false;
};

SessionSearch::SessionSearch(SessionManager *manager, QObject *parent) : QObject(parent), m_manager(manager)
{
    const QString path = manager->store()->database().path();
    if (path.isEmpty() || path == QLatin1String(":memory:"))
        return; // no file a second connection could open: searches run on the store's own connection
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("session-search"));
    m_worker = new SearchWorker(path);
    m_worker->moveToThread(m_thread);
    // The worker (and its connection) is destroyed on its own thread when the thread ends.
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();
}

SessionSearch::~SessionSearch()
{
    if (m_thread) {
        m_thread->quit();
        m_thread->wait();
    }
}

qint64 SessionSearch::search(const QString &query, int limit, QObject *context, Callback done,
                             bool onePerSession)
{
    const qint64 serial = ++m_serial;
    limit = qBound(0, limit, MaxResults);
    // Several hits of one session are folded into one: ask for more so `limit` sessions can still come back.
    const int fetch = onePerSession ? qMin(MaxResults, limit * 5) : limit;
    QPointer<QObject> guard(context);
    auto deliver = [this, guard, done = std::move(done), serial, limit, onePerSession](Outcome outcome) {
        if (!guard)
            return;
        outcome.serial = serial;
        if (onePerSession)
            outcome.hits = SessionSearch::onePerSession(outcome.hits);
        if (outcome.hits.size() > limit)
            outcome.hits.resize(limit);
        done(outcome);
    };
    if (!m_worker) {
        Outcome outcome;
        outcome.query = query;
        store::SessionStore *st = m_manager->store();
        for (const store::SearchHit &h : st->search(query, fetch)) {
            const auto session = st->session(h.sessionId);
            outcome.hits << Hit{h.sessionId, session ? session->title : QString(),
                                h.messageId, h.role,
                                h.snippet,   h.timestamp};
        }
        QMetaObject::invokeMethod(
            this, [deliver, outcome]() mutable { deliver(std::move(outcome)); }, Qt::QueuedConnection);
        return serial;
    }
    SearchWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker,
        [this, worker, query, fetch, deliver]() {
            Outcome outcome = worker->run(query, fetch);
            // Back on the thread of this object; dropped by Qt when it is gone.
            QMetaObject::invokeMethod(
                this, [deliver, outcome]() mutable { deliver(std::move(outcome)); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
    return serial;
}

QList<SessionSearch::Hit> SessionSearch::onePerSession(const QList<Hit> &hits)
{
    QList<Hit> out;
    QSet<QString> seen;
    for (const Hit &hit : hits) {
        if (!seen.contains(hit.sessionId)) {
            seen.insert(hit.sessionId);
            out << hit;
        }
    }
    return out;
}

QString SessionSearch::snippetHtml(const QString &snippet)
{
    QString html;
    qsizetype at = 0;
    while (at < snippet.size()) {
        const qsizetype open = snippet.indexOf(QLatin1String("[["), at);
        const qsizetype close = open < 0 ? -1 : snippet.indexOf(QLatin1String("]]"), open + 2);
        if (open < 0 || close < 0) {
            html += snippet.mid(at).toHtmlEscaped();
            break;
        }
        html += snippet.mid(at, open - at).toHtmlEscaped();
        html += QStringLiteral("<mark>") + snippet.mid(open + 2, close - open - 2).toHtmlEscaped() +
                QStringLiteral("</mark>");
        at = close + 2;
    }
    return html;
}

QJsonArray SessionSearch::toJson(const QList<Hit> &hits)
{
    QJsonArray out;
    for (const Hit &hit : hits) {
        out.append(QJsonObject{{QStringLiteral("session_id"), hit.sessionId},
                               {QStringLiteral("session_title"), hit.sessionTitle},
                               {QStringLiteral("message_id"), hit.messageId},
                               {QStringLiteral("role"), hit.role},
                               {QStringLiteral("snippet"), hit.snippet},
                               {QStringLiteral("snippet_html"), snippetHtml(hit.snippet)},
                               {QStringLiteral("timestamp"), hit.timestamp}});
    }
    return out;
}

} // namespace caduceus::chat
