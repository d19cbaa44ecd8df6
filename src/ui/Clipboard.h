#pragma once

#include <QObject>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

namespace caduceus::ui {

// The system clipboard for QML: copying message text, and pasting files or images as
// attachments (a pasted image is saved as a PNG so the agent can read it from a path).
class Clipboard : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    // Where pasted images are written; defaults to <app data>/attachments.
    Q_PROPERTY(QString pasteDirectory READ pasteDirectory WRITE setPasteDirectory NOTIFY pasteDirectoryChanged)

public:
    explicit Clipboard(QObject *parent = nullptr);

    Q_INVOKABLE void setText(const QString &text);
    Q_INVOKABLE QString text() const;
    // True when a paste would attach something: local files, or an image without text.
    Q_INVOKABLE bool hasAttachments() const;
    // Local paths of the pasted files, or of the saved image. Emits failed() when an image
    // cannot be saved.
    Q_INVOKABLE QStringList attachmentPaths();

    QString pasteDirectory() const { return m_pasteDirectory; }
    void setPasteDirectory(const QString &directory);

signals:
    void pasteDirectoryChanged();
    void failed(const QString &message);

private:
    QString m_pasteDirectory;
};

} // namespace caduceus::ui
