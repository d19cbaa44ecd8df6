#include "webui/StaticFiles.h"

#include "webui/ContentTypes.h"
#include "webui/FileStreamer.h"

#include <QDateTime>
#include <QDir>
#include <QRegularExpression>

namespace caduceus::webui {

namespace {

const QString kIndex = QStringLiteral("index.html");

bool isSafeSegment(const QString &segment)
{
    return !segment.startsWith(QLatin1Char('.')) && !segment.contains(QLatin1Char('\\')) &&
           !segment.contains(QChar(0)) && !segment.contains(QLatin1Char(':'));
}

} // namespace

StaticFiles::StaticFiles(const QString &rootDir) : m_root(QFileInfo(rootDir).canonicalFilePath()) {}

QString StaticFiles::checkRoot(const QString &dir)
{
    const QFileInfo info(dir);
    if (dir.isEmpty() || !info.exists())
        return QStringLiteral("the web UI folder %1 does not exist").arg(dir);
    if (!info.isDir())
        return QStringLiteral("%1 is not a folder").arg(dir);
    if (!QFileInfo(QDir(dir).filePath(kIndex)).isFile())
        return QStringLiteral("%1 has no index.html: point --web-ui at the built client (hermes-web-ui's "
                              "dist/client folder after `npm run build`)")
            .arg(dir);
    return {};
}

std::optional<StaticFiles::Resolved> StaticFiles::resolve(const QString &urlPath, bool acceptsHtml) const
{
    if (m_root.isEmpty() || !urlPath.startsWith(QLatin1Char('/')))
        return std::nullopt;
    QStringList segments = urlPath.mid(1).split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (const QString &segment : std::as_const(segments)) {
        if (!isSafeSegment(segment))
            return std::nullopt;
    }
    const bool wantsFolder = urlPath.endsWith(QLatin1Char('/'));
    auto inRoot = [this](const QString &relative) -> std::optional<Resolved> {
        const QString canonical = QFileInfo(QDir(m_root).filePath(relative)).canonicalFilePath();
        // Symbolic links may point anywhere: only what ends up inside the root is served.
        if (canonical.isEmpty() || !canonical.startsWith(m_root + QLatin1Char('/')) ||
            !QFileInfo(canonical).isFile())
            return std::nullopt;
        return Resolved{canonical, relative};
    };
    const QString relative = segments.join(QLatin1Char('/'));
    if (relative.isEmpty() || wantsFolder)
        return inRoot(relative.isEmpty() ? kIndex : relative + QLatin1Char('/') + kIndex);
    if (auto file = inRoot(relative))
        return file;
    // A client-side route of the single-page app: the page itself, which reads the URL.
    if (acceptsHtml && QFileInfo(segments.last()).suffix().isEmpty())
        return inRoot(kIndex);
    return std::nullopt;
}

bool StaticFiles::isHashedAsset(const QString &relativePath)
{
    // Vite (the web UI's bundler) writes every content-hashed file to assets/ as name-<hash>.ext.
    static const QRegularExpression hashed(
        QStringLiteral("(^|/)assets/(.+/)?[^/]+[-.][A-Za-z0-9_-]{8,}\\.[A-Za-z0-9]+$"));
    return hashed.match(relativePath).hasMatch();
}

QByteArray StaticFiles::cacheControl(const QString &relativePath)
{
    return isHashedAsset(relativePath) ? QByteArray("public, max-age=31536000, immutable")
                                       : QByteArray("no-cache");
}

QByteArray StaticFiles::entityTag(const QFileInfo &file)
{
    return "\"" + QByteArray::number(file.size(), 16) + '-' +
           QByteArray::number(file.lastModified().toMSecsSinceEpoch(), 16) + "\"";
}

bool StaticFiles::serve(const net::HttpRequest &request, net::HttpResponder *responder,
                        const net::HttpResponder::Headers &headers) const
{
    const QByteArray accept = request.header("accept");
    const auto resolved = resolve(request.path, accept.contains("text/html"));
    if (!resolved)
        return false;
    const QFileInfo info(resolved->filePath);
    const QByteArray tag = entityTag(info);
    net::HttpResponder::Headers out = headers;
    out.emplaceBack("Cache-Control", cacheControl(resolved->relativePath));
    out.emplaceBack("ETag", tag);
    out.emplaceBack("X-Content-Type-Options", "nosniff");
    const QByteArray contentType = ContentTypes::forFileName(resolved->filePath);

    const QByteArray ifNoneMatch = request.header("if-none-match");
    if (!ifNoneMatch.isEmpty()) {
        for (const QByteArray &candidate : ifNoneMatch.split(',')) {
            const QByteArray trimmed = candidate.trimmed();
            if (trimmed == tag || trimmed == "W/" + tag || trimmed == "*") {
                responder->send(304, QByteArray(), QByteArray(), out);
                return true;
            }
        }
    }

    auto file = std::make_unique<QFile>(resolved->filePath);
    if (!file->open(QIODevice::ReadOnly)) {
        responder->sendError(
            500, QStringLiteral("Cannot read %1: %2").arg(resolved->relativePath, file->errorString()),
            headers);
        return true;
    }
    if (info.size() <= InlineBytes) {
        const QByteArray body = file->read(InlineBytes + 1);
        responder->send(200, contentType, body, out);
        return true;
    }
    FileStreamer::start(std::move(file), responder, 200, contentType, out, request.method == "HEAD");
    return true;
}

} // namespace caduceus::webui
