#pragma once
// POST /upload (multipart, into Caduceus's upload folder) and GET /api/hermes/download (only files inside
// the allowed folders: the upload folder, --allow-dir folders and the sessions' workspaces; streamed from
// the file, never read whole).
#include "webui/ApiRequest.h"
#include "webui/WebUiOptions.h"

namespace caduceus::chat {
class SessionManager;
}

namespace caduceus::webui {

class FilesApi
{
public:
    // Files up to this size are answered with a sized body; larger ones are streamed in chunks.
    static constexpr qint64 InlineBytes = 1024 * 1024;

    FilesApi(chat::SessionManager *manager, const WebUiOptions &options);

    void upload(const ApiRequest &request) const;
    void download(const ApiRequest &request) const;

    // The upload folder and --allow-dir folders; with `withWorkspaces` also every session's workspace.
    QStringList allowedFolders(bool withWorkspaces) const;

private:
    chat::SessionManager *m_manager;
    WebUiOptions m_options;
};

} // namespace caduceus::webui
