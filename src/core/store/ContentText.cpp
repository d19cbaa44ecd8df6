#include "store/ContentText.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace caduceus::store {

namespace {

bool isImageKind(const QString &type)
{
    return type == QLatin1String("image") || type == QLatin1String("image_url") ||
           type == QLatin1String("input_image");
}

bool isFileKind(const QString &type)
{
    return type == QLatin1String("file") || type == QLatin1String("input_file");
}

// Attachments name themselves differently by producer: ours carry path/name, OpenAI-style parts carry a
// url (possibly a huge data: URL that must not end up in the text).
QString attachmentLocation(const QJsonObject &block)
{
    for (const char *field : {"path", "name", "filename", "url", "file_id"}) {
        const QJsonValue value = block.value(QLatin1String(field));
        if (value.isString() && !value.toString().isEmpty())
            return value.toString();
    }
    for (const char *nested : {"image_url", "file"}) {
        const QJsonValue inner = block.value(QLatin1String(nested));
        if (inner.isObject())
            return attachmentLocation(inner.toObject());
        if (inner.isString() && !inner.toString().isEmpty())
            return inner.toString();
    }
    return {};
}

QString attachmentMarker(const QString &label, const QJsonObject &block)
{
    QString location = attachmentLocation(block);
    if (location.startsWith(QLatin1String("data:")))
        location = QStringLiteral("inline data");
    else if (location.size() > 4096)
        location = location.left(4096) + QStringLiteral("…");
    return QStringLiteral("[%1: %2]").arg(label, location);
}

bool looksLikeBlockArray(const QString &stored)
{
    for (const QChar c : stored) {
        if (c.isSpace())
            continue;
        return c == QLatin1Char('[');
    }
    return false;
}

} // namespace

QString ContentText::fromBlocks(const QJsonArray &blocks)
{
    QStringList parts;
    for (const QJsonValue &item : blocks) {
        if (item.isString()) {
            parts << item.toString();
            continue;
        }
        if (!item.isObject())
            continue;
        const QJsonObject block = item.toObject();
        const QString type = block.value(QLatin1String("type")).toString();
        if (type == QLatin1String("text") || type == QLatin1String("input_text") ||
            type == QLatin1String("output_text")) {
            parts << block.value(QLatin1String("text")).toString();
        } else if (isImageKind(type)) {
            parts << attachmentMarker(QStringLiteral("Image"), block);
        } else if (isFileKind(type)) {
            parts << attachmentMarker(QStringLiteral("File"), block);
        }
    }
    return parts.join(QLatin1Char('\n'));
}

QString ContentText::textOfBlocks(const QJsonArray &blocks)
{
    QStringList texts;
    for (const QJsonValue &item : blocks) {
        const QString type = item.toObject().value(QLatin1String("type")).toString();
        if (type == QLatin1String("text") || type == QLatin1String("input_text") ||
            type == QLatin1String("output_text"))
            texts << item.toObject().value(QLatin1String("text")).toString();
    }
    if (texts.isEmpty())
        return fromBlocks(blocks);
    return texts.join(QLatin1Char('\n'));
}

std::optional<QString> ContentText::fromStoredBlocks(const QString &stored)
{
    if (!looksLikeBlockArray(stored))
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(stored.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray())
        return std::nullopt;
    const QJsonArray blocks = doc.array();
    // A user who typed "[1, 2]" wrote text, not blocks: only arrays of typed objects are content.
    if (blocks.isEmpty() || !blocks.first().isObject() ||
        !blocks.first().toObject().contains(QLatin1String("type")))
        return std::nullopt;
    return textOfBlocks(blocks);
}

QString ContentText::oneLine(const QString &text, int maxChars)
{
    if (maxChars <= 0)
        return {};
    QString line;
    line.reserve(qMin<qsizetype>(text.size(), maxChars));
    bool pendingSpace = false;
    for (const QChar c : text) {
        if (c.isSpace()) {
            pendingSpace = !line.isEmpty();
            continue;
        }
        if (pendingSpace) {
            line += QLatin1Char(' ');
            pendingSpace = false;
        }
        line += c;
        if (line.size() >= maxChars + 1)
            break;
    }
    if (line.size() > maxChars) {
        qsizetype end = maxChars;
        if (QChar::isHighSurrogate(line.at(end - 1).unicode()))
            --end;
        line.truncate(end);
    }
    return line;
}

} // namespace caduceus::store
