#include "webui/FilesApi.h"

#include "chat/SessionManager.h"
#include "net/MultipartParser.h"
#include "store/SessionStore.h"
#include "webui/AllowedFolders.h"
#include "webui/ContentTypes.h"
#include "webui/FileStreamer.h"
#include "webui/UploadStore.h"

#include <QFileInfo>
#include <QJsonArray>

namespace caduceus::webui {

namespace {

// Sessions whose workspace folders may be read; listing more would make a download scan the whole store.
constexpr int kWorkspaceSessions = 10'000;

} // namespace

FilesApi::FilesApi(chat::SessionManager *manager, const WebUiOptions &options)
    : m_manager(manager), m_options(options)
{
}

QStringList FilesApi::allowedFolders(bool withWorkspaces) const
{
    QStringList folders;
    if (!m_options.uploadDir.isEmpty())
        folders.append(m_options.uploadDir);
    folders.append(m_options.allowedDirs);
    if (withWorkspaces) {
        for (const store::SessionRecord &s : m_manager->store()->listSessions(kWorkspaceSessions)) {
            if (!s.workspace.isEmpty() && !folders.contains(s.workspace))
                folders.append(s.workspace);
        }
    }
    return folders;
}

void FilesApi::upload(const ApiRequest &request) const
{
    const net::MultipartParser::Boundary boundary =
        net::MultipartParser::boundaryFromContentType(request.request().header("content-type"));
    if (!boundary.error.isEmpty()) {
        request.error(400, boundary.error);
        return;
    }
    net::MultipartLimits limits;
    limits.maxParts = m_options.maxUploadFiles + 16; // room for the few plain fields a form may add
    const net::MultipartParser::Result parsed =
        net::MultipartParser::parse(request.request().body, boundary.value, limits);
    if (!parsed.ok()) {
        request.error(parsed.errorStatus, parsed.error);
        return;
    }
    const UploadStore store(m_options.uploadDir, m_options.maxUploadBytes, m_options.maxUploadFiles);
    const UploadStore::Result saved = store.save(parsed.parts);
    if (!saved.ok()) {
        request.error(saved.errorStatus, saved.error);
        return;
    }
    QJsonArray files;
    for (const UploadStore::SavedFile &file : saved.files) {
        files.append(QJsonObject{{QStringLiteral("name"), file.name},
                                 {QStringLiteral("path"), file.path},
                                 {QStringLiteral("size"), file.size},
                                 {QStringLiteral("media_type"), QString::fromLatin1(file.contentType)}});
    }
    request.json(200, QJsonObject{{QStringLiteral("files"), files}});
}

void FilesApi::download(const ApiRequest &request) const
{
    const QString path = request.query(QStringLiteral("path"));
    // Cheap folders first; the sessions' workspaces only when the file is in none of them.
    AllowedFolders::Decision decision = AllowedFolders::check(path, allowedFolders(false));
    if (decision.verdict == AllowedFolders::Verdict::Forbidden ||
        decision.verdict == AllowedFolders::Verdict::Missing)
        decision = AllowedFolders::check(path, allowedFolders(true));
    switch (decision.verdict) {
    case AllowedFolders::Verdict::Invalid:
        request.error(400, path.isEmpty() ? QStringLiteral("The path parameter is required")
                                          : QStringLiteral("The path must be absolute, without \"..\""));
        return;
    case AllowedFolders::Verdict::Forbidden:
        request.error(403, QStringLiteral("This file is outside the folders Caduceus may serve (the upload "
                                          "folder, session workspaces and --allow-dir folders)"));
        return;
    case AllowedFolders::Verdict::Missing:
    case AllowedFolders::Verdict::NotAFile:
        request.error(404, QStringLiteral("File not found"));
        return;
    case AllowedFolders::Verdict::Allowed:
        break;
    }

    auto file = std::make_unique<QFile>(decision.filePath);
    if (!file->open(QIODevice::ReadOnly)) {
        request.error(403, QStringLiteral("Cannot read the file: %1").arg(file->errorString()));
        return;
    }
    QString name = request.query(QStringLiteral("name")).trimmed();
    if (name.isEmpty() || name.size() > 255)
        name = QFileInfo(decision.filePath).fileName();
    const QByteArray contentType = ContentTypes::forFileName(decision.filePath);
    net::HttpResponder::Headers headers{
        {"Content-Disposition",
         ContentTypes::contentDisposition(name, ContentTypes::isSafeInline(contentType))},
        {"X-Content-Type-Options", "nosniff"},
        // A downloaded HTML or SVG file must never run as a page of this origin (it would see the token).
        {"Content-Security-Policy", "sandbox; default-src 'none'"},
    };
    if (file->size() <= InlineBytes) {
        request.send(200, contentType, file->read(InlineBytes + 1), headers);
        return;
    }
    FileStreamer::start(std::move(file), request.responder(), 200, contentType, request.headers() + headers,
                        request.request().method == "HEAD");
}

} // namespace caduceus::webui
