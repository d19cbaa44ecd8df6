#pragma once
// One Engine.IO v4 packet and its wire forms: a WebSocket text frame ("4hello"), a WebSocket binary
// frame (raw bytes, always a message), or an item of a polling payload (binary as "b<base64>").

#include "relay/Decoded.h"

#include <QByteArray>

namespace caduceus::relay {

enum class EnginePacketType : quint8
{
    Open = 0,
    Close = 1,
    Ping = 2,
    Pong = 3,
    Message = 4,
    Upgrade = 5,
    Noop = 6,
};

struct EnginePacket
{
    EnginePacketType type = EnginePacketType::Message;
    // UTF-8 text for text packets, raw bytes for binary messages.
    QByteArray data;
    // Only message packets carry binary data.
    bool binary = false;

    static EnginePacket control(EnginePacketType type, const QByteArray &data = {});
    static EnginePacket textMessage(const QByteArray &utf8);
    static EnginePacket binaryMessage(const QByteArray &bytes);

    // "<type digit><data>" — the text WebSocket frame of a text packet. For a binary packet this is its
    // base64 form, as used by polling payloads.
    QByteArray encodeText() const;

    // A text frame or polling item. Rejects empty input, unknown type digits, invalid UTF-8 and bad base64.
    static Decoded<EnginePacket> decodeText(const QByteArray &frame);
    // A binary WebSocket frame is always a binary message.
    static EnginePacket fromBinaryFrame(const QByteArray &bytes);

    bool operator==(const EnginePacket &other) const = default;
};

} // namespace caduceus::relay
