#include "webui/UploadStore.h"

#include "webui/ContentTypes.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>

namespace caduceus::webui {

namespace {

QString newBatchName()
{
    static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    QString name = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss-"));
    for (int i = 0; i < 10; ++i)
        name.append(QLatin1Char(alphabet[QRandomGenerator::system()->bounded(36)]));
    return name;
}

// "a.txt" taken → "a (2).txt"
QString uniqueName(const QString &name, const QSet<QString> &taken)
{
    if (!taken.contains(name.toLower()))
        return name;
    const QFileInfo info(name);
    const QString stem = info.completeBaseName();
    const QString suffix = info.suffix().isEmpty() ? QString() : QLatin1Char('.') + info.suffix();
    for (int n = 2;; ++n) {
        const QString candidate = QStringLiteral("%1 (%2)%3").arg(stem).arg(n).arg(suffix);
        if (!taken.contains(candidate.toLower()))
            return candidate;
    }
}

} // namespace

UploadStore::UploadStore(const QString &folder, qint64 maxTotalBytes, int maxFiles)
    : m_folder(folder), m_maxTotalBytes(maxTotalBytes), m_maxFiles(maxFiles)
{
}

QString UploadStore::safeFileName(const QString &name)
{
    QString safe;
    const QString base =
        name.mid(std::max(name.lastIndexOf(QLatin1Char('/')), name.lastIndexOf(QLatin1Char('\\'))) + 1);
    for (QChar c : base) {
        const bool forbidden =
            c.unicode() < 0x20 || c.unicode() == 0x7F || QStringLiteral(":*?\"<>|").contains(c);
        safe += forbidden ? QLatin1Char('_') : c;
    }
    safe = safe.trimmed();
    while (safe.startsWith(QLatin1Char('.')))
        safe.remove(0, 1);
    while (safe.endsWith(QLatin1Char('.')) || safe.endsWith(QLatin1Char(' ')))
        safe.chop(1);
    if (safe.isEmpty())
        safe = QStringLiteral("file");
    static const QRegularExpression reserved(QStringLiteral("^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\\..*)?$"),
                                             QRegularExpression::CaseInsensitiveOption);
    if (reserved.match(safe).hasMatch())
        safe.prepend(QLatin1Char('_'));
    if (safe.size() > 200) {
        const QString suffix = QFileInfo(safe).suffix().left(20);
        const QString stem = safe.left(200 - suffix.size() - 1);
        safe = suffix.isEmpty() ? safe.left(200) : stem + QLatin1Char('.') + suffix;
    }
    return safe;
}

UploadStore::Result UploadStore::save(const QList<net::MultipartPart> &parts) const
{
    Result result;
    auto fail = [&result](int status, const QString &message) {
        result.files.clear();
        result.errorStatus = status;
        result.error = message;
        return result;
    };
    QList<const net::MultipartPart *> files;
    qint64 total = 0;
    for (const net::MultipartPart &part : parts) {
        if (!part.isFile)
            continue;
        files.append(&part);
        total += part.data.size();
    }
    if (files.isEmpty())
        return fail(400,
                    QStringLiteral("The upload contains no file (send each file as a part named \"file\")"));
    if (files.size() > m_maxFiles)
        return fail(413, QStringLiteral("Too many files in one upload (at most %1)").arg(m_maxFiles));
    if (total > m_maxTotalBytes)
        return fail(413, QStringLiteral("The upload is %1 MB; the limit is %2 MB")
                             .arg(double(total) / (1024 * 1024), 0, 'f', 1)
                             .arg(double(m_maxTotalBytes) / (1024 * 1024), 0, 'f', 1));

    QDir root(m_folder);
    if (m_folder.isEmpty() || !root.mkpath(QStringLiteral(".")))
        return fail(500, QStringLiteral("Cannot create the upload folder %1").arg(m_folder));
    QFile::setPermissions(m_folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    const QString batchName = newBatchName();
    if (!root.mkdir(batchName))
        return fail(500, QStringLiteral("Cannot create a folder in %1").arg(m_folder));
    QDir batch(root.filePath(batchName));

    QSet<QString> taken;
    for (const net::MultipartPart *part : std::as_const(files)) {
        const QString name = uniqueName(safeFileName(part->fileName), taken);
        taken.insert(name.toLower());
        const QString path = QFileInfo(batch.filePath(name)).absoluteFilePath();
        QSaveFile out(path);
        const bool written = out.open(QIODevice::WriteOnly) &&
                             out.write(part->data.data(), part->data.size()) == part->data.size() &&
                             out.commit();
        if (!written) {
            const QString reason = out.errorString();
            batch.removeRecursively();
            return fail(500, QStringLiteral("Cannot save %1: %2").arg(name, reason));
        }
        QByteArray type = part->contentType;
        if (type.isEmpty() || type == "application/octet-stream")
            type = ContentTypes::forFileName(name);
        result.files.append({name, path, part->data.size(), type});
    }
    return result;
}

} // namespace caduceus::webui
