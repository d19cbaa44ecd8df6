#pragma once

#include <QObject>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

namespace caduceus::ui {

// File facts QML cannot get on its own: local paths from dropped URLs, whether a file is an
// image (for thumbnails), its media type and a human-readable size for attachment chips.
class LocalFiles : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

public:
    explicit LocalFiles(QObject *parent = nullptr);

    // Empty for URLs that are not local files.
    Q_INVOKABLE QString toLocalPath(const QUrl &url) const;
    Q_INVOKABLE QUrl toUrl(const QString &path) const;
    Q_INVOKABLE QString fileName(const QString &path) const;
    Q_INVOKABLE bool exists(const QString &path) const;
    Q_INVOKABLE bool isImage(const QString &path) const;
    Q_INVOKABLE QString mediaType(const QString &path) const;
    // "12 KB", "3.4 MB"; empty when the file cannot be read.
    Q_INVOKABLE QString sizeText(const QString &path) const;
};

} // namespace caduceus::ui
