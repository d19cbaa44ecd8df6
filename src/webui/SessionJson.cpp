#include "webui/SessionJson.h"

#include "chat/SessionController.h"
#include "chat/SessionManager.h"
#include "store/SessionStore.h"

#include <QHash>

namespace caduceus::webui {

namespace {

QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

} // namespace

QJsonObject SessionJson::summary(const store::SessionRecord &s, bool active)
{
    return QJsonObject{
        {QStringLiteral("id"), s.id},
        {QStringLiteral("title"), textOrNull(s.title)},
        {QStringLiteral("source"), s.source.isEmpty() ? QStringLiteral("api_server") : s.source},
        {QStringLiteral("model"), s.model},
        {QStringLiteral("profile"), s.profile},
        {QStringLiteral("started_at"), s.createdAt},
        {QStringLiteral("last_active"), s.lastActive},
        {QStringLiteral("ended_at"), QJsonValue(QJsonValue::Null)},
        {QStringLiteral("message_count"), s.messageCount},
        {QStringLiteral("workspace"), textOrNull(s.workspace)},
        {QStringLiteral("preview"), s.preview},
        {QStringLiteral("billing_provider"), QJsonValue(QJsonValue::Null)},
        {QStringLiteral("pinned"), s.pinned},
        {QStringLiteral("is_active"), active},
        {QStringLiteral("input_tokens"), s.inputTokens},
        {QStringLiteral("output_tokens"), s.outputTokens},
    };
}

bool SessionJson::isConversationRow(const store::MessageRecord &m)
{
    return m.role == QLatin1String("user") || m.role == QLatin1String("assistant") ||
           m.role == QLatin1String("tool") || m.role == QLatin1String("system");
}

QList<store::MessageRecord> SessionJson::transcript(chat::SessionManager *manager, const QString &sessionId)
{
    QList<store::MessageRecord> rows = manager->store()->messages(sessionId);
    const chat::SessionController *live = manager->existingController(sessionId);
    if (!live)
        return rows;
    QHash<qint64, const store::MessageRecord *> fresher;
    for (const store::MessageRecord &m : live->messages())
        fresher.insert(m.id, &m);
    const qint64 lastStored = rows.isEmpty() ? 0 : rows.last().id;
    for (store::MessageRecord &row : rows) {
        if (const store::MessageRecord *m = fresher.value(row.id))
            row = *m;
    }
    // Rows the controller holds that are newer than anything stored (written a moment later).
    for (const store::MessageRecord &m : live->messages()) {
        if (m.id > lastStored)
            rows.append(m);
    }
    return rows;
}

QJsonArray SessionJson::messages(const QList<store::MessageRecord> &rows)
{
    QJsonArray out;
    for (const store::MessageRecord &m : rows) {
        if (isConversationRow(m))
            out.append(chat::SessionController::messageToJson(m));
    }
    return out;
}

bool SessionJson::isActive(chat::SessionManager *manager, const QString &sessionId)
{
    const chat::SessionController *live = manager->existingController(sessionId);
    return live && live->isWorking();
}

std::optional<QJsonObject> SessionJson::detail(chat::SessionManager *manager, const QString &sessionId)
{
    const auto session = manager->store()->session(sessionId);
    if (!session)
        return std::nullopt;
    QJsonObject detail = summary(*session, isActive(manager, sessionId));
    detail.insert(QStringLiteral("messages"), messages(transcript(manager, sessionId)));
    return detail;
}

} // namespace caduceus::webui
