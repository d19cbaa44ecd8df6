#include "chat/ContentBlocks.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace caduceus::chat {

namespace {

const QString TypeKey = QStringLiteral("type");
const QString TextType = QStringLiteral("text");
const QString ImageType = QStringLiteral("image");
const QString FileType = QStringLiteral("file");

enum class AttachmentLabel
{
    Path,
    Name
};

// "[Image: <path>]" for the agent, "[Image: <name>]" for previews; whichever is known when the other is not
// (blocks read back from the agent's own transcript may carry neither).
QString attachmentMarker(const QJsonObject &block, AttachmentLabel preferred)
{
    const bool isImage = block.value(TypeKey).toString() == ImageType;
    const QString label = isImage ? QStringLiteral("Image") : QStringLiteral("File");
    const QString path = block.value(QLatin1String("path")).toString();
    const QString name = block.value(QLatin1String("name")).toString();
    const QString shown =
        preferred == AttachmentLabel::Path ? (path.isEmpty() ? name : path) : (name.isEmpty() ? path : name);
    if (shown.isEmpty())
        return QStringLiteral("[%1]").arg(label);
    return QStringLiteral("[%1: %2]").arg(label, shown);
}

// Counting UTF-8 bytes without allocating: the limit is about what goes over the wire.
qsizetype utf8Length(QStringView text)
{
    qsizetype bytes = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        if (c < 0x80)
            bytes += 1;
        else if (c < 0x800)
            bytes += 2;
        else if (QChar::isHighSurrogate(c) && i + 1 < text.size() &&
                 QChar::isLowSurrogate(text[i + 1].unicode())) {
            bytes += 4;
            ++i;
        } else
            bytes += 3;
    }
    return bytes;
}

} // namespace

QString ContentBlocks::cutAtCharBoundary(const QString &text, int maxChars)
{
    if (maxChars <= 0)
        return {};
    if (text.size() <= maxChars)
        return text;
    qsizetype end = maxChars;
    if (QChar::isHighSurrogate(text.at(end - 1).unicode()))
        --end;
    return text.left(end);
}

namespace {

QString describePosition(qsizetype index)
{
    return QStringLiteral("Block %1").arg(index + 1);
}

QString validatePath(const QJsonObject &block, qsizetype index)
{
    const QJsonValue path = block.value(QStringLiteral("path"));
    const QString kind = block.value(TypeKey).toString();
    if (!path.isString() || path.toString().trimmed().isEmpty())
        return QStringLiteral("%1 (%2) has no path: attachments must name a local file.")
            .arg(describePosition(index), kind);
    const QString pathText = path.toString();
    if (pathText.size() > ContentBlocks::MaxPathChars)
        return QStringLiteral("%1 (%2) has a path longer than %3 characters.")
            .arg(describePosition(index), kind)
            .arg(ContentBlocks::MaxPathChars);
    for (const QChar c : pathText) {
        if (c.unicode() < 0x20)
            return QStringLiteral("%1 (%2) has a path containing a control character.")
                .arg(describePosition(index), kind);
    }
    for (const char *field : {"name", "media_type"}) {
        const QJsonValue value = block.value(QLatin1String(field));
        if (!value.isUndefined() && !value.isNull() && !value.isString())
            return QStringLiteral("%1 (%2) has a \"%3\" that is not a string.")
                .arg(describePosition(index), kind, QLatin1String(field));
    }
    return {};
}

} // namespace

bool ContentBlocks::isBlockArray(const QJsonValue &input)
{
    if (!input.isArray())
        return false;
    const QJsonArray array = input.toArray();
    return !array.isEmpty() && array.first().isObject() && array.first().toObject().contains(TypeKey);
}

QString ContentBlocks::flattenForAgent(const QJsonValue &input)
{
    if (input.isString())
        return input.toString();
    if (!isBlockArray(input))
        return input.isArray() || input.isObject() ? storedText(input) : input.toVariant().toString();

    QString out;
    bool lastWasAttachment = false;
    for (const QJsonValue &item : input.toArray()) {
        const QJsonObject block = item.toObject();
        const QString type = block.value(TypeKey).toString();
        if (type == TextType) {
            if (lastWasAttachment && !out.isEmpty())
                out += QLatin1Char('\n');
            out += block.value(TextType).toString();
            lastWasAttachment = false;
        } else if (type == ImageType || type == FileType) {
            if (!out.isEmpty() && !out.endsWith(QLatin1Char('\n')))
                out += QLatin1Char('\n');
            out += attachmentMarker(block, AttachmentLabel::Path);
            lastWasAttachment = true;
        }
    }
    return out;
}

QString ContentBlocks::storedText(const QJsonValue &input)
{
    if (input.isString())
        return input.toString();
    if (input.isArray())
        return QString::fromUtf8(QJsonDocument(input.toArray()).toJson(QJsonDocument::Compact));
    if (input.isObject())
        return QString::fromUtf8(QJsonDocument(input.toObject()).toJson(QJsonDocument::Compact));
    return input.toVariant().toString();
}

QString ContentBlocks::previewText(const QJsonValue &input, int maxChars)
{
    QString text;
    if (input.isString()) {
        text = input.toString();
    } else if (isBlockArray(input)) {
        QStringList texts;
        QStringList attachments;
        for (const QJsonValue &item : input.toArray()) {
            const QJsonObject block = item.toObject();
            const QString type = block.value(TypeKey).toString();
            if (type == TextType) {
                const QString piece = block.value(TextType).toString().trimmed();
                if (!piece.isEmpty())
                    texts << piece;
            } else if (type == ImageType || type == FileType) {
                attachments << attachmentMarker(block, AttachmentLabel::Name);
            }
        }
        text = texts.isEmpty() ? attachments.join(QLatin1Char(' ')) : texts.join(QLatin1Char(' '));
    } else {
        text = storedText(input);
    }
    text.replace(QLatin1String("\r\n"), QLatin1String(" "));
    text.replace(QLatin1Char('\r'), QLatin1Char(' '));
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return cutAtCharBoundary(text.trimmed(), maxChars);
}

QJsonValue ContentBlocks::fromStoredText(const QString &stored)
{
    const QStringView trimmed = QStringView(stored).trimmed();
    if (!trimmed.startsWith(QLatin1Char('[')) || !trimmed.endsWith(QLatin1Char(']')))
        return stored;
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(stored.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !document.isArray())
        return stored;
    const QJsonValue blocks = document.array();
    // Only a well-formed block array came from storedText; anything else is text the user typed.
    if (!isBlockArray(blocks) || !validate(blocks).isEmpty())
        return stored;
    return blocks;
}

QString ContentBlocks::validate(const QJsonValue &input)
{
    if (input.isString()) {
        const QString text = input.toString();
        if (text.trimmed().isEmpty())
            return QStringLiteral("The message is empty.");
        if (utf8Length(text) > MaxTextBytes)
            return QStringLiteral("The message is too large: more than 1 MB of text.");
        return {};
    }
    if (!input.isArray())
        return QStringLiteral("The input must be a string or an array of content blocks.");

    const QJsonArray blocks = input.toArray();
    if (blocks.isEmpty())
        return QStringLiteral("The message is empty: the content block array has no blocks.");
    if (blocks.size() > MaxBlocks)
        return QStringLiteral("The message has %1 content blocks; at most %2 are allowed.")
            .arg(blocks.size())
            .arg(MaxBlocks);

    qsizetype textBytes = 0;
    bool hasContent = false;
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        if (!blocks.at(i).isObject())
            return QStringLiteral("%1 is not an object.").arg(describePosition(i));
        const QJsonObject block = blocks.at(i).toObject();
        const QJsonValue type = block.value(TypeKey);
        if (!type.isString())
            return QStringLiteral("%1 has no \"type\" string.").arg(describePosition(i));
        const QString typeName = type.toString();
        if (typeName == TextType) {
            const QJsonValue text = block.value(TextType);
            if (!text.isString())
                return QStringLiteral("%1 (text) has no \"text\" string.").arg(describePosition(i));
            textBytes += utf8Length(text.toString());
            if (textBytes > MaxTextBytes)
                return QStringLiteral("The message is too large: more than 1 MB of text.");
            hasContent = hasContent || !text.toString().trimmed().isEmpty();
        } else if (typeName == ImageType || typeName == FileType) {
            const QString pathError = validatePath(block, i);
            if (!pathError.isEmpty())
                return pathError;
            hasContent = true;
        } else {
            return QStringLiteral("%1 has the unknown type \"%2\" (expected text, image or file).")
                .arg(describePosition(i), typeName.left(40));
        }
    }
    if (!hasContent)
        return QStringLiteral("The message is empty: its text blocks hold no text.");
    return {};
}

} // namespace caduceus::chat
