#pragma once
// The user's built hermes-web-ui client served at "/": index.html for "/" (and for client-side routes
// the page handles itself), files from the folder with their content type, long-lived caching for the
// content-hashed files of assets/ and revalidation (ETag) for everything else. Nothing outside the
// folder is reachable: no "..", no hidden files, no symbolic link that leads out.
#include "net/HttpRequest.h"
#include "net/HttpServer.h"

#include <QFileInfo>
#include <QString>
#include <optional>

namespace caduceus::webui {

class StaticFiles
{
public:
    // Files up to this size are answered with a sized body, bigger ones are streamed from the file.
    static constexpr qint64 InlineBytes = 1024 * 1024;

    explicit StaticFiles(const QString &rootDir);

    // "" when `dir` can be served (an existing folder with an index.html), else why not.
    static QString checkRoot(const QString &dir);

    struct Resolved
    {
        QString filePath;     // canonical path of the file to send
        QString relativePath; // below the root, '/'-separated
    };
    // The file for a decoded URL path; client routes ("/chat", no extension) fall back to index.html
    // when `acceptsHtml`. Empty when there is nothing to serve (404).
    std::optional<Resolved> resolve(const QString &urlPath, bool acceptsHtml) const;

    // GET/HEAD of a static path: 200 (sized or streamed), 304 on a matching If-None-Match, or false when
    // there is no such file (the caller answers 404).
    bool serve(const net::HttpRequest &request, net::HttpResponder *responder,
               const net::HttpResponder::Headers &headers) const;

    static bool isHashedAsset(const QString &relativePath);
    static QByteArray cacheControl(const QString &relativePath);
    static QByteArray entityTag(const QFileInfo &file);

private:
    QString m_root; // canonical
};

} // namespace caduceus::webui
