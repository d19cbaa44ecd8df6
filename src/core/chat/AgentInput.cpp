#include "chat/AgentInput.h"

#include "chat/ContentBlocks.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QMutex>
#include <QStringDecoder>

namespace caduceus::chat {

namespace {

const QString TypeKey = QStringLiteral("type");
const QString DeliveryKey = QStringLiteral("delivery");
const QString PathDelivery = QStringLiteral("path");
const QString ImageDelivery = QStringLiteral("image");
const QString TextDelivery = QStringLiteral("text");

QMutex s_encoderMutex;
AgentInput::ImageEncoder s_encoder;

QString sizeText(qint64 bytes)
{
    if (bytes >= 1024 * 1024)
        return QStringLiteral("%1 MB").arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 1);
    if (bytes >= 1024)
        return QStringLiteral("%1 KB").arg((bytes + 1023) / 1024);
    return QStringLiteral("%1 bytes").arg(bytes);
}

bool isAttachment(const QJsonObject &block)
{
    const QString type = block.value(TypeKey).toString();
    return type == QLatin1String("image") || type == QLatin1String("file");
}

QString nameOf(const QJsonObject &block)
{
    const QString name = block.value(QLatin1String("name")).toString();
    return name.isEmpty() ? QFileInfo(block.value(QLatin1String("path")).toString()).fileName() : name;
}

bool looksLikeImage(const QJsonObject &block)
{
    return block.value(TypeKey).toString() == QLatin1String("image") ||
           block.value(QLatin1String("media_type")).toString().startsWith(QLatin1String("image/"));
}

// The delivery chosen when the message was written, else the one the agent's location calls for.
QString deliveryOf(const QJsonObject &block, bool agentReadsLocalFiles)
{
    const QString chosen = block.value(DeliveryKey).toString();
    if (chosen == PathDelivery || chosen == ImageDelivery || chosen == TextDelivery)
        return chosen;
    if (agentReadsLocalFiles)
        return PathDelivery;
    return looksLikeImage(block) ? ImageDelivery : TextDelivery;
}

// The file's text, or *error saying why it cannot be sent inline.
QString readTextFile(const QString &path, const QString &name, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1 cannot be read: %2.").arg(name, file.errorString());
        return {};
    }
    if (file.size() > AgentInput::MaxTextFileBytes) {
        *error = QStringLiteral("%1 is %2: text files up to %3 can be sent to an agent on another computer.")
                     .arg(name, sizeText(file.size()), sizeText(AgentInput::MaxTextFileBytes));
        return {};
    }
    const QByteArray bytes = file.read(AgentInput::MaxTextFileBytes + 1);
    QStringDecoder decoder(QStringDecoder::Utf8);
    QString text = decoder.decode(bytes);
    if (bytes.contains('\0') || decoder.hasError()) {
        *error =
            QStringLiteral("%1 is not a text file: only images and text files can be sent to an agent on "
                           "another computer.")
                .arg(name);
        return {};
    }
    return text;
}

// Without a codec: the file as it is, when the agent's models read its format.
AgentInput::EncodedImage passThrough(const QString &path, int, qint64 maxBytes)
{
    AgentInput::EncodedImage out;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        out.error = QStringLiteral("cannot be read: %1").arg(file.errorString());
        return out;
    }
    if (file.size() > maxBytes) {
        out.error =
            QStringLiteral("is %1, over the %2 an image may have, and this program cannot downscale images "
                           "(the window can)")
                .arg(sizeText(file.size()), sizeText(maxBytes));
        return out;
    }
    out.data = file.readAll();
    const QByteArray &d = out.data;
    if (d.startsWith("\x89PNG\r\n\x1a\n")) {
        out.mediaType = QStringLiteral("image/png");
        if (d.size() >= 24) {
            const auto be32 = [&d](int at) {
                return int((uchar(d[at]) << 24) | (uchar(d[at + 1]) << 16) | (uchar(d[at + 2]) << 8) |
                           uchar(d[at + 3]));
            };
            out.original = out.sent = QSize(be32(16), be32(20));
        }
    } else if (d.startsWith("\xff\xd8\xff")) {
        out.mediaType = QStringLiteral("image/jpeg");
    } else if (d.startsWith("GIF87a") || d.startsWith("GIF89a")) {
        out.mediaType = QStringLiteral("image/gif");
    } else if (d.size() >= 12 && d.startsWith("RIFF") && d.mid(8, 4) == "WEBP") {
        out.mediaType = QStringLiteral("image/webp");
    } else {
        out.data.clear();
        out.error =
            QStringLiteral("is not a PNG, JPEG, GIF or WebP image, and this program cannot convert images "
                           "(the window can)");
    }
    return out;
}

} // namespace

void AgentInput::setImageEncoder(ImageEncoder encoder)
{
    QMutexLocker lock(&s_encoderMutex);
    s_encoder = std::move(encoder);
}

AgentInput::EncodedImage AgentInput::encodeImage(const QString &path, int maxSide, qint64 maxBytes)
{
    ImageEncoder encoder;
    {
        QMutexLocker lock(&s_encoderMutex);
        encoder = s_encoder;
    }
    return encoder ? encoder(path, maxSide, maxBytes) : passThrough(path, maxSide, maxBytes);
}

QJsonValue AgentInput::wireValue() const
{
    if (!isParts())
        return text;
    return QJsonArray{
        QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), parts}}};
}

AgentInput AgentInput::build(const QJsonValue &input, bool agentReadsLocalFiles)
{
    AgentInput out;
    bool anyInline = false;
    if (ContentBlocks::isBlockArray(input)) {
        for (const QJsonValue &item : input.toArray()) {
            const QJsonObject block = item.toObject();
            if (isAttachment(block) && deliveryOf(block, agentReadsLocalFiles) != PathDelivery)
                anyInline = true;
        }
    }
    if (!anyInline) {
        out.text = ContentBlocks::flattenForAgent(input);
        if (ContentBlocks::isBlockArray(input)) {
            for (const QJsonValue &item : input.toArray()) {
                if (isAttachment(item.toObject()))
                    out.notes << QStringLiteral("%1: sent as its path (the agent runs on this computer)")
                                     .arg(nameOf(item.toObject()));
            }
        }
        return out;
    }

    qint64 total = 0;
    for (const QJsonValue &item : input.toArray()) {
        const QJsonObject block = item.toObject();
        if (block.value(TypeKey).toString() == QLatin1String("text")) {
            const QString text = block.value(QLatin1String("text")).toString();
            if (!text.isEmpty())
                out.parts.append(
                    QJsonObject{{TypeKey, QStringLiteral("text")}, {QStringLiteral("text"), text}});
            total += text.size();
            continue;
        }
        if (!isAttachment(block))
            continue;
        const QString name = nameOf(block);
        const QString path = block.value(QLatin1String("path")).toString();
        const QString delivery = deliveryOf(block, agentReadsLocalFiles);
        if (delivery == PathDelivery) {
            out.parts.append(
                QJsonObject{{TypeKey, QStringLiteral("text")},
                            {QStringLiteral("text"), ContentBlocks::flattenForAgent(QJsonArray{block})}});
            out.notes << QStringLiteral("%1: sent as its path").arg(name);
        } else if (delivery == ImageDelivery) {
            const EncodedImage image = encodeImage(path, MaxImageSide, MaxImageBytes);
            if (!image.error.isEmpty()) {
                out.error = QStringLiteral("%1 cannot be sent to the agent: it %2.").arg(name, image.error);
                return out;
            }
            if (image.data.size() > MaxImageBytes) {
                out.error =
                    QStringLiteral("%1 is still %2 after downscaling to %3 pixels; images up to %4 can be "
                                   "sent to an agent on another computer.")
                        .arg(name, sizeText(image.data.size()))
                        .arg(MaxImageSide)
                        .arg(sizeText(MaxImageBytes));
                return out;
            }
            const QString url = QStringLiteral("data:%1;base64,").arg(image.mediaType) +
                                QString::fromLatin1(image.data.toBase64());
            total += url.size();
            out.parts.append(
                QJsonObject{{TypeKey, QStringLiteral("image_url")},
                            {QStringLiteral("image_url"), QJsonObject{{QStringLiteral("url"), url}}}});
            QString how = image.sent.isValid() && image.original.isValid() && image.sent != image.original
                              ? QStringLiteral("downscaled from %1×%2 to %3×%4")
                                    .arg(image.original.width())
                                    .arg(image.original.height())
                                    .arg(image.sent.width())
                                    .arg(image.sent.height())
                          : image.sent.isValid()
                              ? QStringLiteral("%1×%2").arg(image.sent.width()).arg(image.sent.height())
                              : QString();
            out.notes << QStringLiteral("%1: sent as an image (%2%3%4)")
                             .arg(name, how, how.isEmpty() ? QString() : QStringLiteral(", "),
                                  sizeText(image.data.size()));
        } else {
            QString error;
            const QString text = readTextFile(path, name, &error);
            if (!error.isEmpty()) {
                out.error = error;
                return out;
            }
            const QString wrapped =
                QStringLiteral("--- %1 ---\n%2%3--- end of %1 ---")
                    .arg(name, text, text.endsWith(QLatin1Char('\n')) ? QString() : QStringLiteral("\n"));
            total += wrapped.size();
            out.parts.append(
                QJsonObject{{TypeKey, QStringLiteral("text")}, {QStringLiteral("text"), wrapped}});
            out.notes << QStringLiteral("%1: sent inline as text").arg(name);
        }
        if (total > MaxInlineBytes) {
            out.error =
                QStringLiteral("Together the attachments are larger than the %1 an agent accepts in one "
                               "message; send fewer or smaller files.")
                    .arg(sizeText(MaxInlineBytes + 1024 * 1024));
            return out;
        }
    }
    return out;
}

QString AgentInput::planDelivery(QJsonArray &blocks, bool agentReadsLocalFiles)
{
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        QJsonObject block = blocks.at(i).toObject();
        if (!isAttachment(block))
            continue;
        QString delivery = deliveryOf(block, agentReadsLocalFiles);
        const QString name = nameOf(block);
        const QString path = block.value(QLatin1String("path")).toString();
        if (delivery == TextDelivery) {
            QString error;
            readTextFile(path, name, &error);
            if (!error.isEmpty())
                return error;
        } else if (delivery == ImageDelivery && !QFileInfo(path).isReadable()) {
            return QStringLiteral("%1 cannot be read.").arg(name);
        }
        block.insert(DeliveryKey, delivery);
        blocks.replace(i, block);
    }
    return {};
}

} // namespace caduceus::chat
