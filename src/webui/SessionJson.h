#pragma once
// The session shapes of WEB-UI.md, built from Caduceus's store: the summary the sidebar lists, and the
// detail whose messages are exactly the items of `resumed.messages` (same ids, same fields), so a search
// hit or a detail fetched after a failed run points at the row the page already shows.
#include "store/StoreTypes.h"

#include <QJsonArray>
#include <QJsonObject>

namespace caduceus::chat {
class SessionManager;
}

namespace caduceus::webui {

class SessionJson
{
public:
    // id, title (null when unset), source, model, started_at, last_active, ended_at (null), message_count,
    // workspace (null when unset), preview, billing_provider (null), plus profile, pinned, is_active and
    // the token totals.
    static QJsonObject summary(const store::SessionRecord &session, bool active);

    // The rows `resumed` shows: the agent conversation, not Caduceus's own notice and error rows.
    static bool isConversationRow(const store::MessageRecord &message);

    // Every stored row of the session, oldest first, with the live controller's in-memory rows (the text
    // of a streaming answer not yet flushed) taking the place of their stored copies.
    static QList<store::MessageRecord> transcript(chat::SessionManager *manager, const QString &sessionId);
    static QJsonArray messages(const QList<store::MessageRecord> &rows);

    // Summary + {"messages": …}; nullopt when the session is unknown.
    static std::optional<QJsonObject> detail(chat::SessionManager *manager, const QString &sessionId);
    static bool isActive(chat::SessionManager *manager, const QString &sessionId);
};

} // namespace caduceus::webui
