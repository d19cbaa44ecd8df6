#pragma once
// Content-Type by file name, for the web UI's own files and for downloads, and the Content-Disposition
// that names a downloaded file.
#include <QByteArray>
#include <QString>

namespace caduceus::webui {

class ContentTypes
{
public:
    // Web formats from a fixed table (the same answer on every OS), others from the system's MIME database,
    // application/octet-stream when unknown. Text types carry "; charset=utf-8".
    static QByteArray forFileName(const QString &fileName);
    // Raster images may be shown in the page (thumbnails); anything that can run script (HTML, SVG, PDF …)
    // is only ever offered as a download.
    static bool isSafeInline(const QByteArray &contentType);
    // `attachment` (or `inline`) with an ASCII filename= fallback and the exact name in filename*.
    static QByteArray contentDisposition(const QString &fileName, bool inlineDisposition = false);
};

} // namespace caduceus::webui
