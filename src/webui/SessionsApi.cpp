#include "webui/SessionsApi.h"

#include "chat/SessionExporter.h"
#include "chat/SessionManager.h"
#include "store/SessionStore.h"
#include "webui/ContentTypes.h"
#include "webui/SessionJson.h"

#include <QJsonArray>
#include <QSet>

namespace caduceus::webui {

namespace {

QString invalidIdMessage()
{
    return QStringLiteral("Invalid session id");
}

} // namespace

SessionsApi::SessionsApi(chat::SessionManager *manager) : m_manager(manager) {}

QString SessionsApi::plainSnippet(const QString &snippet)
{
    QString text = snippet;
    text.remove(QStringLiteral("[["));
    text.remove(QStringLiteral("]]"));
    return text;
}

void SessionsApi::list(const ApiRequest &request) const
{
    const int limit = request.intQuery(QStringLiteral("limit"), DefaultListLimit, 1, MaxListLimit);
    const QString profile = request.query(QStringLiteral("profile"));
    QJsonArray sessions;
    // The store orders by last activity, newest first: the page opens sessions[0] on load.
    for (const store::SessionRecord &s : m_manager->listSessions(profile.isEmpty() ? limit : MaxListLimit)) {
        if (!profile.isEmpty() && s.profile != profile)
            continue;
        sessions.append(SessionJson::summary(s, SessionJson::isActive(m_manager, s.id)));
        if (sessions.size() >= limit)
            break;
    }
    request.json(200, QJsonObject{{QStringLiteral("sessions"), sessions}});
}

void SessionsApi::search(const ApiRequest &request) const
{
    const QString query = request.query(QStringLiteral("q")).trimmed();
    const int limit = request.intQuery(QStringLiteral("limit"), 10, 1, MaxSearchLimit);
    QJsonArray results;
    if (query.isEmpty()) {
        request.json(200, QJsonObject{{QStringLiteral("results"), results}});
        return;
    }
    // Hits are messages, newest first; the page lists sessions, each with its newest matching message.
    // Only rows the page shows can be scrolled to, so notice/error rows are skipped.
    QSet<QString> seen;
    const QList<store::SearchHit> hits = m_manager->store()->search(query, limit * 10);
    for (const store::SearchHit &hit : hits) {
        if (seen.contains(hit.sessionId))
            continue;
        const auto row = m_manager->store()->message(hit.messageId);
        if (!row || !SessionJson::isConversationRow(*row))
            continue;
        const auto session = m_manager->store()->session(hit.sessionId);
        if (!session)
            continue;
        seen.insert(hit.sessionId);
        QJsonObject result = SessionJson::summary(*session, SessionJson::isActive(m_manager, session->id));
        result.insert(QStringLiteral("snippet"), plainSnippet(hit.snippet));
        result.insert(QStringLiteral("matched_message_id"), hit.messageId);
        result.insert(QStringLiteral("matched_role"), hit.role);
        results.append(result);
        if (results.size() >= limit)
            break;
    }
    // A title match counts too, for sessions no message matched.
    if (results.size() < limit) {
        const QString needle = query.toLower();
        for (const store::SessionRecord &s : m_manager->listSessions(MaxListLimit)) {
            if (seen.contains(s.id) || !s.title.toLower().contains(needle))
                continue;
            seen.insert(s.id);
            QJsonObject result = SessionJson::summary(s, SessionJson::isActive(m_manager, s.id));
            result.insert(QStringLiteral("snippet"), s.title);
            result.insert(QStringLiteral("matched_message_id"), QJsonValue(QJsonValue::Null));
            results.append(result);
            if (results.size() >= limit)
                break;
        }
    }
    request.json(200, QJsonObject{{QStringLiteral("results"), results}});
}

void SessionsApi::detail(const ApiRequest &request, const QString &sessionId) const
{
    if (!chat::SessionManager::isValidSessionId(sessionId)) {
        request.error(400, invalidIdMessage());
        return;
    }
    const auto detail = SessionJson::detail(m_manager, sessionId);
    if (!detail) {
        request.error(404, QStringLiteral("Session not found"));
        return;
    }
    request.json(200, QJsonObject{{QStringLiteral("session"), *detail}});
}

void SessionsApi::rename(const ApiRequest &request, const QString &sessionId) const
{
    if (!chat::SessionManager::isValidSessionId(sessionId)) {
        request.error(400, invalidIdMessage());
        return;
    }
    QJsonObject body;
    QString error;
    if (!request.jsonBody(&body, &error)) {
        request.error(400, error);
        return;
    }
    const QJsonValue title = body.value(QStringLiteral("title"));
    if (!title.isString()) {
        request.error(400, QStringLiteral("\"title\" must be a string"));
        return;
    }
    // A brand-new id (a chat whose first run has not started yet) gets its row here.
    if (!m_manager->renameSession(sessionId, title.toString().simplified())) {
        request.error(500,
                      QStringLiteral("Cannot rename the session: %1").arg(m_manager->store()->lastError()));
        return;
    }
    request.ok();
}

QString SessionsApi::deleteOne(const QString &sessionId, bool *existed) const
{
    *existed = false;
    if (!chat::SessionManager::isValidSessionId(sessionId))
        return invalidIdMessage();
    if (!m_manager->store()->session(sessionId))
        return {};
    *existed = true;
    if (!m_manager->deleteSession(sessionId))
        return QStringLiteral("Cannot delete the session: %1").arg(m_manager->store()->lastError());
    return {};
}

void SessionsApi::remove(const ApiRequest &request, const QString &sessionId) const
{
    bool existed = false;
    const QString error = deleteOne(sessionId, &existed);
    if (!error.isEmpty()) {
        request.error(error == invalidIdMessage() ? 400 : 500, error);
        return;
    }
    // Deleting what is already gone succeeds: the page may drop a chat that never ran.
    request.json(200, QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("deleted"), existed}});
}

void SessionsApi::batchRemove(const ApiRequest &request) const
{
    QJsonObject body;
    QString error;
    if (!request.jsonBody(&body, &error)) {
        request.error(400, error);
        return;
    }
    const QJsonArray ids = body.value(QStringLiteral("ids")).toArray();
    if (!body.value(QStringLiteral("ids")).isArray() || ids.isEmpty()) {
        request.error(400, QStringLiteral("\"ids\" must be a non-empty array of session ids"));
        return;
    }
    if (ids.size() > MaxBatchIds) {
        request.error(413, QStringLiteral("At most %1 sessions can be deleted at once").arg(MaxBatchIds));
        return;
    }
    int deleted = 0;
    int failed = 0;
    QJsonArray errors;
    for (const QJsonValue &value : ids) {
        const QString id = value.toString();
        bool existed = false;
        QString why = value.isString() ? deleteOne(id, &existed) : invalidIdMessage();
        if (why.isEmpty() && !existed)
            why = QStringLiteral("Session not found");
        if (why.isEmpty()) {
            ++deleted;
        } else {
            ++failed;
            errors.append(QJsonObject{{QStringLiteral("id"), value.isString() ? QJsonValue(id) : value},
                                      {QStringLiteral("error"), why}});
        }
    }
    request.json(200, QJsonObject{{QStringLiteral("deleted"), deleted},
                                  {QStringLiteral("failed"), failed},
                                  {QStringLiteral("errors"), errors},
                                  {QStringLiteral("ok"), true}});
}

void SessionsApi::exportSession(const ApiRequest &request, const QString &sessionId) const
{
    if (!chat::SessionManager::isValidSessionId(sessionId)) {
        request.error(400, invalidIdMessage());
        return;
    }
    // The web UI's names (mode, ext), with the same exporter as the window's "Export…".
    const QString modeName = request.query(QStringLiteral("mode"));
    const QString extName = request.query(QStringLiteral("ext"));
    const auto view = chat::SessionExporter::viewFromName(modeName.isEmpty() ? QStringLiteral("full") : modeName);
    const auto format = chat::SessionExporter::formatFromName(extName.isEmpty() ? QStringLiteral("json") : extName);
    if (!view || !format) {
        request.error(400, QStringLiteral("Use mode=full|compressed and ext=json|txt|md"));
        return;
    }
    if (!m_manager->store()->session(sessionId)) {
        request.error(404, QStringLiteral("Session not found"));
        return;
    }
    const chat::SessionExporter::Result file = chat::SessionExporter(m_manager).exportSession(sessionId, *format, *view);
    if (!file.ok) {
        request.error(500, file.error);
        return;
    }
    request.send(200, file.mimeType.toUtf8(), file.data,
                 {{"Content-Disposition", ContentTypes::contentDisposition(file.fileName)}});
}

} // namespace caduceus::webui
