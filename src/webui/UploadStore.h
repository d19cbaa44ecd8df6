#pragma once
// POST /upload writes each file of a multipart body into a folder Caduceus owns (one new sub-folder per
// upload, so names never collide and are not guessable) and answers the absolute paths, which the page
// sends to the agent and later downloads. The name the user chose is kept, made safe for every OS.
#include "net/MultipartParser.h"

#include <QList>
#include <QString>

namespace caduceus::webui {

class UploadStore
{
public:
    struct SavedFile
    {
        QString name; // the (safe) file name
        QString path; // absolute
        qint64 size = 0;
        QByteArray contentType;
    };
    struct Result
    {
        QList<SavedFile> files; // in part order
        int errorStatus = 0;    // 400 no file, 413 too big / too many, 500 cannot write
        QString error;
        bool ok() const { return errorStatus == 0; }
    };

    UploadStore(const QString &folder, qint64 maxTotalBytes, int maxFiles);

    // Every part that carries a file name (the page names its field "file"), in order. Nothing is kept
    // when any file cannot be written.
    Result save(const QList<net::MultipartPart> &parts) const;

    QString folder() const { return m_folder; }
    // "../../a:b?.txt" → "a_b_.txt"; reserved Windows names get a leading "_"; never empty, at most
    // 200 characters with the extension kept.
    static QString safeFileName(const QString &name);

private:
    QString m_folder;
    qint64 m_maxTotalBytes;
    int m_maxFiles;
};

} // namespace caduceus::webui
