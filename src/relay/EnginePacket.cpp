#include "relay/EnginePacket.h"

namespace caduceus::relay {

namespace {
constexpr char BinaryPrefix = 'b';
} // namespace

EnginePacket EnginePacket::control(EnginePacketType type, const QByteArray &data)
{
    return EnginePacket{type, data, false};
}

EnginePacket EnginePacket::textMessage(const QByteArray &utf8)
{
    return EnginePacket{EnginePacketType::Message, utf8, false};
}

EnginePacket EnginePacket::binaryMessage(const QByteArray &bytes)
{
    return EnginePacket{EnginePacketType::Message, bytes, true};
}

QByteArray EnginePacket::encodeText() const
{
    if (binary)
        return BinaryPrefix + data.toBase64();
    QByteArray out;
    out.reserve(data.size() + 1);
    out.append(char('0' + static_cast<int>(type)));
    out.append(data);
    return out;
}

Decoded<EnginePacket> EnginePacket::decodeText(const QByteArray &frame)
{
    if (frame.isEmpty())
        return Decoded<EnginePacket>::failure(QStringLiteral("empty packet"));
    const char first = frame.at(0);
    if (first == BinaryPrefix) {
        const auto decoded =
            QByteArray::fromBase64Encoding(frame.mid(1), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return Decoded<EnginePacket>::failure(QStringLiteral("invalid base64 in binary packet"));
        return Decoded<EnginePacket>::success(binaryMessage(*decoded));
    }
    if (first < '0' || first > '6')
        return Decoded<EnginePacket>::failure(QStringLiteral("unknown packet type"));
    const QByteArray data = frame.mid(1);
    if (!data.isValidUtf8())
        return Decoded<EnginePacket>::failure(QStringLiteral("packet is not valid UTF-8"));
    return Decoded<EnginePacket>::success(control(static_cast<EnginePacketType>(first - '0'), data));
}

EnginePacket EnginePacket::fromBinaryFrame(const QByteArray &bytes)
{
    return binaryMessage(bytes);
}

} // namespace caduceus::relay
