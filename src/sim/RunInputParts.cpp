#include "RunInputParts.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

namespace caduceus::sim {

namespace {

// Python's repr() of a JSON value, as the server's f"{raw_type!r}" writes it.
QString pythonRepr(const QJsonValue &value)
{
    if (value.isString()) {
        const QString s = value.toString();
        const QChar quote = s.contains(QLatin1Char('\'')) && !s.contains(QLatin1Char('"'))
                                ? QLatin1Char('"')
                                : QLatin1Char('\'');
        QString escaped = s;
        escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
        if (quote == QLatin1Char('\''))
            escaped.replace(QLatin1Char('\''), QLatin1String("\\'"));
        return quote + escaped + quote;
    }
    if (value.isNull() || value.isUndefined())
        return QStringLiteral("None");
    if (value.isBool())
        return value.toBool() ? QStringLiteral("True") : QStringLiteral("False");
    if (value.isDouble()) {
        const double d = value.toDouble();
        return d == double(qint64(d)) ? QString::number(qint64(d)) : QString::number(d);
    }
    return QStringLiteral("<object>");
}

bool refuse(RunInputParts &out, const QString &code, const QString &message)
{
    out.code = code;
    out.error = message;
    return false;
}

// One part into out.text; false (with the refusal) when the server refuses it.
bool readPart(const QJsonValue &part, RunInputParts &out, QStringList &pieces)
{
    if (part.isString()) {
        if (!part.toString().isEmpty())
            pieces << part.toString();
        return true;
    }
    if (!part.isObject())
        return true; // ignored, like the server (forward compatibility)
    const QJsonObject object = part.toObject();
    const QJsonValue rawType = object.value(QLatin1String("type"));
    const QString type = rawType.isString() ? rawType.toString().trimmed().toLower() : QString();
    if (type == QLatin1String("text") || type == QLatin1String("input_text") ||
        type == QLatin1String("output_text")) {
        const QJsonValue text = object.value(QLatin1String("text"));
        if (text.isString() && !text.toString().isEmpty())
            pieces << text.toString();
        else if (!text.isUndefined() && !text.isNull() && !text.isString())
            pieces << pythonRepr(text);
        return true;
    }
    if (type == QLatin1String("image_url") || type == QLatin1String("input_image")) {
        const QJsonValue ref = object.value(QLatin1String("image_url"));
        const QJsonValue urlValue = ref.isObject() ? ref.toObject().value(QLatin1String("url")) : ref;
        if (!urlValue.isString() || urlValue.toString().trimmed().isEmpty())
            return refuse(out, QStringLiteral("invalid_image_url"),
                          QStringLiteral("Image parts must include a non-empty image URL."));
        const QString url = urlValue.toString().trimmed();
        const QString lowered = url.toLower();
        if (lowered.startsWith(QLatin1String("data:"))) {
            const qsizetype comma = url.indexOf(QLatin1Char(','));
            if (!lowered.startsWith(QLatin1String("data:image/")) || comma < 0)
                return refuse(
                    out, QStringLiteral("unsupported_content_type"),
                    QStringLiteral("Only image data URLs are supported. Non-image data payloads are not "
                                   "supported."));
            // The sim checks what the server's model would choke on: the payload must be base64 of something.
            const QString header = url.left(comma);
            const QByteArray payload = url.mid(comma + 1).toLatin1();
            const auto decoded =
                QByteArray::fromBase64Encoding(payload, QByteArray::AbortOnBase64DecodingErrors);
            if (!header.endsWith(QLatin1String(";base64")) || !decoded || decoded.decoded.isEmpty())
                return refuse(out, QStringLiteral("invalid_image_url"),
                              QStringLiteral("Image data URLs must carry base64 image data."));
            pieces << QStringLiteral("[Image: %1, %2 bytes]")
                          .arg(header.mid(5).section(QLatin1Char(';'), 0, 0))
                          .arg(decoded.decoded.size());
        } else if (lowered.startsWith(QLatin1String("http://")) ||
                   lowered.startsWith(QLatin1String("https://"))) {
            pieces << QStringLiteral("[Image: %1]").arg(url.left(200));
        } else {
            return refuse(out, QStringLiteral("invalid_image_url"),
                          QStringLiteral("Image inputs must use http(s) URLs or data:image/... URLs."));
        }
        ++out.images;
        return true;
    }
    if (type == QLatin1String("file") || type == QLatin1String("input_file"))
        return refuse(
            out, QStringLiteral("unsupported_content_type"),
            QStringLiteral("Inline image inputs are supported, but uploaded files and document inputs are "
                           "not supported on this endpoint."));
    return refuse(
        out, QStringLiteral("unsupported_content_type"),
        QStringLiteral("Unsupported content part type %1. Only text and image_url/input_image parts are "
                       "supported.")
            .arg(pythonRepr(rawType)));
}

// A message's content: a string or a list of parts.
bool readContent(const QJsonValue &content, RunInputParts &out, QString *text)
{
    if (content.isString()) {
        *text = content.toString();
        return true;
    }
    if (!content.isArray()) {
        *text = content.isNull() || content.isUndefined() ? QString() : pythonRepr(content);
        return true;
    }
    QStringList pieces;
    for (const QJsonValue &part : content.toArray()) {
        if (!readPart(part, out, pieces))
            return false;
    }
    *text = pieces.join(QLatin1Char('\n'));
    return true;
}

} // namespace

RunInputParts RunInputParts::parse(const QJsonValue &input)
{
    RunInputParts out;
    if (input.isString()) {
        out.text = input.toString();
        if (out.text.trimmed().isEmpty())
            refuse(out, QString(), QStringLiteral("Missing 'input' field"));
        return out;
    }
    const QJsonArray list = input.toArray();
    if (!input.isArray() || list.isEmpty()) {
        refuse(out, QString(), QStringLiteral("Missing 'input' field"));
        return out;
    }
    // A list of parts without a message around them is read as this turn's content.
    const bool bareParts = list.first().isObject() &&
                           !list.first().toObject().contains(QLatin1String("role")) &&
                           list.first().toObject().contains(QLatin1String("type"));
    if (bareParts) {
        if (!readContent(input, out, &out.text))
            return out;
    } else {
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QJsonObject message = list.at(i).toObject();
            QString text;
            if (!readContent(message.value(QLatin1String("content")), out, &text))
                return out;
            if (i + 1 < list.size()) {
                if (!message.value(QLatin1String("role")).toString().isEmpty() && !text.isEmpty()) {
                    ++out.historyCount;
                    out.historyChars += text.size();
                }
                // Images of earlier turns are history, not this turn's.
                out.images = 0;
            } else {
                out.text = text;
            }
        }
    }
    if (out.text.trimmed().isEmpty() && out.images == 0)
        refuse(out, QString(), QStringLiteral("No user message found in input"));
    return out;
}

} // namespace caduceus::sim
