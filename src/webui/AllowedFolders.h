#pragma once
// Which files the download endpoint may read: only files inside the configured folders (the upload
// folder, --allow-dir folders, session workspaces). Paths are canonicalised (symbolic links resolved)
// before the check, so neither "../" nor a link inside an allowed folder reaches anything outside it.
// Whether a file outside exists is never revealed: outside is always "forbidden".
#include <QString>
#include <QStringList>

namespace caduceus::webui {

class AllowedFolders
{
public:
    enum class Verdict
    {
        Allowed,
        Invalid,   // empty, relative, or containing a ".." segment or a NUL: 400
        Forbidden, // outside every allowed folder: 403
        Missing,   // inside an allowed folder but absent: 404
        NotAFile,  // a folder or a device: 404
    };
    struct Decision
    {
        Verdict verdict = Verdict::Invalid;
        QString filePath; // canonical, when allowed
    };

    // The file system root is never accepted as an allowed folder (it would allow everything).
    static Decision check(const QString &path, const QStringList &folders);
    // Both canonical: true when `path` is `folder` itself or below it.
    static bool isInside(const QString &path, const QString &folder);
    static bool isFileSystemRoot(const QString &canonicalFolder);
};

} // namespace caduceus::webui
