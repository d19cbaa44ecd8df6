#include "ui/LocalFiles.h"

#include <QFileInfo>
#include <QLocale>
#include <QMimeDatabase>

namespace caduceus::ui {

LocalFiles::LocalFiles(QObject *parent) : QObject(parent) {}

QString LocalFiles::toLocalPath(const QUrl &url) const { return url.isLocalFile() ? url.toLocalFile() : QString(); }

QUrl LocalFiles::toUrl(const QString &path) const
{
    return path.isEmpty() ? QUrl() : QUrl::fromLocalFile(path);
}

QString LocalFiles::fileName(const QString &path) const
{
    const QString name = QFileInfo(path).fileName();
    return name.isEmpty() ? path : name;
}

bool LocalFiles::exists(const QString &path) const { return !path.isEmpty() && QFileInfo::exists(path); }

bool LocalFiles::isImage(const QString &path) const
{
    static const QMimeDatabase database;
    // By name only: a thumbnail decision must not read a possibly huge or slow file.
    const QMimeType type = database.mimeTypeForFile(path, QMimeDatabase::MatchExtension);
    return type.name().startsWith(QLatin1String("image/")) && type.name() != QLatin1String("image/svg+xml");
}

QString LocalFiles::mediaType(const QString &path) const
{
    static const QMimeDatabase database;
    return database.mimeTypeForFile(path, QMimeDatabase::MatchExtension).name();
}

QString LocalFiles::sizeText(const QString &path) const
{
    const QFileInfo info(path);
    if (!info.exists() || !info.isFile())
        return {};
    return QLocale().formattedDataSize(info.size(), 1, QLocale::DataSizeTraditionalFormat);
}

} // namespace caduceus::ui
