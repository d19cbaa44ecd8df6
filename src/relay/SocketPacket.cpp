#include "relay/SocketPacket.h"

#include <QJsonDocument>

#include <QJsonParseError>
#include <algorithm>

namespace caduceus::relay {

namespace {

using Result = Decoded<SocketPacket>;

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Event names that Socket.IO clients and servers use for their own life cycle.
bool isReservedEventName(const QString &name)
{
    static const QStringList reserved = {
        QStringLiteral("connect"),       QStringLiteral("connect_error"), QStringLiteral("disconnect"),
        QStringLiteral("disconnecting"), QStringLiteral("newListener"),   QStringLiteral("removeListener"),
    };
    return reserved.contains(name);
}

// QJsonDocument only holds objects and arrays, so any JSON value is read and written inside a
// one-item array.
std::optional<QJsonValue> parseJsonValue(const QByteArray &text)
{
    QJsonParseError error{};
    const auto document = QJsonDocument::fromJson('[' + text + ']', &error);
    if (error.error != QJsonParseError::NoError || !document.isArray())
        return std::nullopt;
    const QJsonArray wrapper = document.array();
    if (wrapper.size() != 1)
        return std::nullopt;
    return wrapper.first();
}

QByteArray serializeJsonValue(const QJsonValue &value)
{
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

QString validatePayload(const SocketPacket &packet)
{
    const QJsonValue &data = packet.data;
    switch (packet.type) {
    case SocketPacketType::Connect:
        if (!data.isUndefined() && !data.isObject())
            return QStringLiteral("CONNECT payload must be an object");
        return {};
    case SocketPacketType::Disconnect:
        if (!data.isUndefined())
            return QStringLiteral("DISCONNECT must not carry a payload");
        return {};
    case SocketPacketType::ConnectError:
        if (!data.isObject() && !data.isString())
            return QStringLiteral("CONNECT_ERROR payload must be an object or a string");
        return {};
    case SocketPacketType::Event:
    case SocketPacketType::BinaryEvent: {
        if (!data.isArray() || data.toArray().isEmpty())
            return QStringLiteral("EVENT payload must be a non-empty array");
        const QJsonValue name = data.toArray().first();
        if (!name.isString())
            return QStringLiteral("EVENT name must be a string");
        if (isReservedEventName(name.toString()))
            return QStringLiteral("EVENT name \"%1\" is reserved").arg(name.toString());
        return {};
    }
    case SocketPacketType::Ack:
    case SocketPacketType::BinaryAck:
        if (!packet.id)
            return QStringLiteral("ACK without an ack id");
        if (!data.isArray())
            return QStringLiteral("ACK payload must be an array");
        return {};
    }
    return QStringLiteral("unknown packet type");
}

} // namespace

SocketPacket SocketPacket::connect(const QString &nsp, const QJsonObject &payload)
{
    SocketPacket packet;
    packet.type = SocketPacketType::Connect;
    packet.nsp = nsp;
    packet.data = payload;
    return packet;
}

SocketPacket SocketPacket::connectError(const QString &nsp, const QString &message)
{
    SocketPacket packet;
    packet.type = SocketPacketType::ConnectError;
    packet.nsp = nsp;
    packet.data = QJsonObject{{QStringLiteral("message"), message}};
    return packet;
}

SocketPacket SocketPacket::disconnect(const QString &nsp)
{
    SocketPacket packet;
    packet.type = SocketPacketType::Disconnect;
    packet.nsp = nsp;
    return packet;
}

SocketPacket SocketPacket::event(const QString &nsp, const QJsonArray &args, std::optional<qint64> id,
                                 int attachments)
{
    SocketPacket packet;
    packet.type = attachments > 0 ? SocketPacketType::BinaryEvent : SocketPacketType::Event;
    packet.nsp = nsp;
    packet.id = id;
    packet.data = args;
    packet.attachments = attachments;
    return packet;
}

SocketPacket SocketPacket::ack(const QString &nsp, qint64 id, const QJsonArray &args, int attachments)
{
    SocketPacket packet;
    packet.type = attachments > 0 ? SocketPacketType::BinaryAck : SocketPacketType::Ack;
    packet.nsp = nsp;
    packet.id = id;
    packet.data = args;
    packet.attachments = attachments;
    return packet;
}

QString SocketPacket::eventName() const
{
    if (!isEvent())
        return {};
    return data.toArray().first().toString();
}

QJsonArray SocketPacket::arguments() const
{
    QJsonArray args = data.toArray();
    if (isEvent() && !args.isEmpty())
        args.removeFirst();
    return args;
}

QByteArray SocketPacket::encode() const
{
    QByteArray out;
    out.append(char('0' + static_cast<int>(type)));
    if (isBinary()) {
        out.append(QByteArray::number(attachments));
        out.append('-');
    }
    if (!nsp.isEmpty() && nsp != QLatin1String("/")) {
        out.append(nsp.toUtf8());
        out.append(',');
    }
    if (id)
        out.append(QByteArray::number(*id));
    if (!data.isUndefined())
        out.append(serializeJsonValue(data));
    return out;
}

QByteArray SocketPacket::encodeEvent(const QString &nsp, const QString &name, QByteArrayView argumentJson)
{
    // Event names are plain ASCII words ("message.delta"): quoted directly; anything else through QJson.
    const bool plain = std::all_of(name.cbegin(), name.cend(), [](QChar c) {
        return c.unicode() >= 0x20 && c.unicode() < 0x7f && c != QLatin1Char('"') && c != QLatin1Char('\\');
    });
    const QByteArray quotedName = plain ? '"' + name.toLatin1() + '"' : serializeJsonValue(name);
    QByteArray out;
    out.reserve(nsp.size() + quotedName.size() + argumentJson.size() + 5);
    out.append(char('0' + static_cast<int>(SocketPacketType::Event)));
    if (!nsp.isEmpty() && nsp != QLatin1String("/")) {
        out.append(nsp.toUtf8());
        out.append(',');
    }
    out.append('[').append(quotedName).append(',').append(argumentJson).append(']');
    return out;
}

Decoded<SocketPacket> SocketPacket::decode(const QByteArray &text, const SocketPacketLimits &limits)
{
    if (text.isEmpty())
        return Result::failure(QStringLiteral("empty packet"));
    const char typeChar = text.at(0);
    if (typeChar < '0' || typeChar > '6')
        return Result::failure(QStringLiteral("unknown packet type"));

    SocketPacket packet;
    packet.type = static_cast<SocketPacketType>(typeChar - '0');
    qsizetype pos = 1;
    const qsizetype size = text.size();

    if (packet.isBinary()) {
        const qsizetype dash = text.indexOf('-', pos);
        if (dash < 0)
            return Result::failure(QStringLiteral("binary packet without attachment count"));
        const QByteArray digits = text.mid(pos, dash - pos);
        if (digits.isEmpty() || digits.size() > 6 || !std::all_of(digits.begin(), digits.end(), isDigit))
            return Result::failure(QStringLiteral("invalid attachment count"));
        packet.attachments = digits.toInt();
        if (packet.attachments > limits.maxAttachments)
            return Result::failure(QStringLiteral("too many attachments (%1, at most %2)")
                                       .arg(packet.attachments)
                                       .arg(limits.maxAttachments));
        pos = dash + 1;
    }

    if (pos < size && text.at(pos) == '/') {
        qsizetype comma = text.indexOf(',', pos);
        if (comma < 0)
            comma = size;
        if (comma - pos > limits.maxNamespaceLength)
            return Result::failure(QStringLiteral("namespace too long"));
        const QByteArray nsp = text.mid(pos, comma - pos);
        if (!nsp.isValidUtf8())
            return Result::failure(QStringLiteral("namespace is not valid UTF-8"));
        packet.nsp = QString::fromUtf8(nsp);
        pos = std::min(comma + 1, size);
    }

    const qsizetype idStart = pos;
    while (pos < size && isDigit(text.at(pos)))
        ++pos;
    if (pos > idStart) {
        if (pos - idStart > MaxAckIdDigits)
            return Result::failure(QStringLiteral("ack id too long"));
        packet.id = text.mid(idStart, pos - idStart).toLongLong();
    }

    if (pos < size) {
        const auto payload = parseJsonValue(text.mid(pos));
        if (!payload)
            return Result::failure(QStringLiteral("payload is not valid JSON"));
        packet.data = *payload;
    }

    const QString invalid = validatePayload(packet);
    if (!invalid.isEmpty())
        return Result::failure(invalid);
    return Result::success(std::move(packet));
}

} // namespace caduceus::relay
