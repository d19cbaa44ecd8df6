#include "ui/Clipboard.h"

#include <QClipboard>
#include <QDateTime>
#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QMimeData>
#include <QStandardPaths>
#include <QUrl>

namespace caduceus::ui {

namespace {

QStringList localFiles(const QMimeData *mime)
{
    QStringList paths;
    if (!mime || !mime->hasUrls())
        return paths;
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile())
            paths.append(url.toLocalFile());
    }
    return paths;
}

// Spreadsheets and office programs put a picture of the selection next to its text: pasting
// there means the text. An image alone (a screenshot, "Copy image") is an attachment.
bool holdsImageOnly(const QMimeData *mime)
{
    return mime && mime->hasImage() && !mime->hasText();
}

} // namespace

Clipboard::Clipboard(QObject *parent)
    : QObject(parent),
      m_pasteDirectory(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)
                       + QStringLiteral("/attachments"))
{
}

void Clipboard::setText(const QString &text) { QGuiApplication::clipboard()->setText(text); }

QString Clipboard::text() const { return QGuiApplication::clipboard()->text(); }

bool Clipboard::hasAttachments() const
{
    const QMimeData *mime = QGuiApplication::clipboard()->mimeData();
    return !localFiles(mime).isEmpty() || holdsImageOnly(mime);
}

QStringList Clipboard::attachmentPaths()
{
    const QMimeData *mime = QGuiApplication::clipboard()->mimeData();
    QStringList paths = localFiles(mime);
    if (!paths.isEmpty() || !holdsImageOnly(mime))
        return paths;

    const QImage image = qvariant_cast<QImage>(mime->imageData());
    if (image.isNull()) {
        emit failed(tr("The clipboard image could not be read."));
        return {};
    }
    if (!QDir().mkpath(m_pasteDirectory)) {
        emit failed(tr("Cannot create the folder for pasted images: %1").arg(m_pasteDirectory));
        return {};
    }
    const QString path = QDir(m_pasteDirectory)
                             .filePath(QStringLiteral("pasted-%1.png")
                                           .arg(QDateTime::currentDateTime().toString(
                                               QStringLiteral("yyyyMMdd-HHmmss-zzz"))));
    if (!image.save(path, "PNG")) {
        emit failed(tr("Cannot save the pasted image to %1").arg(path));
        return {};
    }
    return {path};
}

void Clipboard::setPasteDirectory(const QString &directory)
{
    if (m_pasteDirectory == directory)
        return;
    m_pasteDirectory = directory;
    emit pasteDirectoryChanged();
}

} // namespace caduceus::ui
