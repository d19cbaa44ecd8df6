#include "webui/ContentTypes.h"

#include <QFileInfo>
#include <QHash>
#include <QMimeDatabase>

namespace caduceus::webui {

namespace {

const QHash<QString, QByteArray> &webTypes()
{
    static const QHash<QString, QByteArray> types{
        {QStringLiteral("html"), "text/html; charset=utf-8"},
        {QStringLiteral("htm"), "text/html; charset=utf-8"},
        {QStringLiteral("js"), "text/javascript; charset=utf-8"},
        {QStringLiteral("mjs"), "text/javascript; charset=utf-8"},
        {QStringLiteral("cjs"), "text/javascript; charset=utf-8"},
        {QStringLiteral("css"), "text/css; charset=utf-8"},
        {QStringLiteral("json"), "application/json"},
        {QStringLiteral("map"), "application/json"},
        {QStringLiteral("webmanifest"), "application/manifest+json"},
        {QStringLiteral("txt"), "text/plain; charset=utf-8"},
        {QStringLiteral("md"), "text/markdown; charset=utf-8"},
        {QStringLiteral("log"), "text/plain; charset=utf-8"},
        {QStringLiteral("csv"), "text/csv; charset=utf-8"},
        {QStringLiteral("xml"), "application/xml"},
        {QStringLiteral("svg"), "image/svg+xml"},
        {QStringLiteral("png"), "image/png"},
        {QStringLiteral("jpg"), "image/jpeg"},
        {QStringLiteral("jpeg"), "image/jpeg"},
        {QStringLiteral("gif"), "image/gif"},
        {QStringLiteral("webp"), "image/webp"},
        {QStringLiteral("avif"), "image/avif"},
        {QStringLiteral("bmp"), "image/bmp"},
        {QStringLiteral("ico"), "image/x-icon"},
        {QStringLiteral("woff"), "font/woff"},
        {QStringLiteral("woff2"), "font/woff2"},
        {QStringLiteral("ttf"), "font/ttf"},
        {QStringLiteral("otf"), "font/otf"},
        {QStringLiteral("wasm"), "application/wasm"},
        {QStringLiteral("pdf"), "application/pdf"},
        {QStringLiteral("zip"), "application/zip"},
        {QStringLiteral("mp3"), "audio/mpeg"},
        {QStringLiteral("wav"), "audio/wav"},
        {QStringLiteral("ogg"), "audio/ogg"},
        {QStringLiteral("mp4"), "video/mp4"},
        {QStringLiteral("webm"), "video/webm"},
    };
    return types;
}

} // namespace

QByteArray ContentTypes::forFileName(const QString &fileName)
{
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    const auto known = webTypes().constFind(suffix);
    if (known != webTypes().cend())
        return known.value();
    const QMimeType mime = QMimeDatabase().mimeTypeForFile(fileName, QMimeDatabase::MatchExtension);
    if (!mime.isValid() || mime.isDefault())
        return "application/octet-stream";
    QByteArray type = mime.name().toLatin1();
    if (mime.inherits(QStringLiteral("text/plain")))
        type += "; charset=utf-8";
    return type;
}

bool ContentTypes::isSafeInline(const QByteArray &contentType)
{
    static const QList<QByteArray> raster{"image/png",  "image/jpeg", "image/gif",   "image/webp",
                                          "image/avif", "image/bmp",  "image/x-icon"};
    return raster.contains(contentType);
}

QByteArray ContentTypes::contentDisposition(const QString &fileName, bool inlineDisposition)
{
    QByteArray fallback;
    for (QChar c : fileName) {
        const char16_t u = c.unicode();
        fallback += (u >= 0x20 && u < 0x7F && u != '"' && u != '\\' && u != '%') ? char(u) : '_';
    }
    if (fallback.isEmpty())
        fallback = "download";
    QByteArray value = inlineDisposition ? "inline" : "attachment";
    value += "; filename=\"" + fallback + "\"";
    value += "; filename*=UTF-8''" + fileName.toUtf8().toPercentEncoding();
    return value;
}

} // namespace caduceus::webui
