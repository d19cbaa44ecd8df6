#include "webui/AllowedFolders.h"

#include <QDir>
#include <QFileInfo>

namespace caduceus::webui {

namespace {

Qt::CaseSensitivity pathCase()
{
#if defined(Q_OS_WIN) || defined(Q_OS_MACOS)
    return Qt::CaseInsensitive;
#else
    return Qt::CaseSensitive;
#endif
}

bool hasParentSegment(const QString &path)
{
    QString normalized = path;
    normalized.replace(QLatin1Char('\\'), QLatin1Char('/'));
    const QStringList segments = normalized.split(QLatin1Char('/'));
    return segments.contains(QStringLiteral(".."));
}

} // namespace

bool AllowedFolders::isFileSystemRoot(const QString &canonicalFolder)
{
    return QDir(canonicalFolder).isRoot();
}

bool AllowedFolders::isInside(const QString &path, const QString &folder)
{
    if (folder.isEmpty() || path.isEmpty())
        return false;
    if (path.compare(folder, pathCase()) == 0)
        return true;
    const QString prefix = folder.endsWith(QLatin1Char('/')) ? folder : folder + QLatin1Char('/');
    return path.startsWith(prefix, pathCase());
}

AllowedFolders::Decision AllowedFolders::check(const QString &path, const QStringList &folders)
{
    Decision decision;
    if (path.isEmpty() || path.contains(QChar(0)) || !QDir::isAbsolutePath(path) || hasParentSegment(path))
        return decision; // Invalid

    QStringList roots;
    for (const QString &folder : folders) {
        if (folder.isEmpty())
            continue;
        const QString canonical = QFileInfo(folder).canonicalFilePath();
        if (!canonical.isEmpty() && !isFileSystemRoot(canonical) && QFileInfo(canonical).isDir())
            roots.append(canonical);
    }

    const QFileInfo info(path);
    const QString canonical = info.canonicalFilePath();
    if (canonical.isEmpty()) {
        // Absent (or a dangling link): say "missing" only where the user could have a file.
        const QString cleaned = QDir::cleanPath(QDir::fromNativeSeparators(path));
        decision.verdict = Verdict::Forbidden;
        for (const QString &folder : folders) {
            const QString cleanedFolder =
                QDir::cleanPath(QDir::fromNativeSeparators(QFileInfo(folder).absoluteFilePath()));
            if (!folder.isEmpty() && !QDir(cleanedFolder).isRoot() && isInside(cleaned, cleanedFolder)) {
                decision.verdict = Verdict::Missing;
                break;
            }
        }
        if (decision.verdict == Verdict::Forbidden) {
            for (const QString &root : std::as_const(roots)) {
                if (isInside(cleaned, root)) {
                    decision.verdict = Verdict::Missing;
                    break;
                }
            }
        }
        return decision;
    }
    for (const QString &root : std::as_const(roots)) {
        if (isInside(canonical, root)) {
            const QFileInfo target(canonical);
            if (!target.isFile()) {
                decision.verdict = Verdict::NotAFile;
                return decision;
            }
            decision.verdict = Verdict::Allowed;
            decision.filePath = canonical;
            return decision;
        }
    }
    decision.verdict = Verdict::Forbidden;
    return decision;
}

} // namespace caduceus::webui
