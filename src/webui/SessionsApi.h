#pragma once
// The session endpoints of WEB-UI.md on Caduceus's own store: list (newest activity first), search,
// detail, rename, delete, batch delete and export. Message ids are the store's row ids, the ids of
// `resumed.messages`.
#include "webui/ApiRequest.h"

namespace caduceus::chat {
class SessionManager;
}

namespace caduceus::webui {

class SessionsApi
{
public:
    static constexpr int DefaultListLimit = 200;
    static constexpr int MaxListLimit = 5000;
    static constexpr int MaxSearchLimit = 50;
    static constexpr int MaxBatchIds = 1000;

    explicit SessionsApi(chat::SessionManager *manager);

    void list(const ApiRequest &request) const;
    void search(const ApiRequest &request) const;
    void detail(const ApiRequest &request, const QString &sessionId) const;
    void rename(const ApiRequest &request, const QString &sessionId) const;
    void remove(const ApiRequest &request, const QString &sessionId) const;
    void batchRemove(const ApiRequest &request) const;
    void exportSession(const ApiRequest &request, const QString &sessionId) const;

    // "[[word]]" match markers of the store's snippets → plain text (the page shows snippets as text).
    static QString plainSnippet(const QString &snippet);

private:
    // Deletes one session; "" on success (also when it did not exist), else why not.
    QString deleteOne(const QString &sessionId, bool *existed) const;

    chat::SessionManager *m_manager;
};

} // namespace caduceus::webui
