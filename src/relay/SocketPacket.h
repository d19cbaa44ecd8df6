#pragma once
// One Socket.IO v5 packet (the text part; binary attachments travel as separate Engine.IO messages):
//   <type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>]
// e.g. 40/chat-run,{"token":"x"}   42["message",1]   43456[1] 452-["upload",{"_placeholder":true,"num":0},…]

#include "relay/Decoded.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace caduceus::relay {

enum class SocketPacketType : quint8
{
    Connect = 0,
    Disconnect = 1,
    Event = 2,
    Ack = 3,
    ConnectError = 4,
    BinaryEvent = 5,
    BinaryAck = 6,
};

struct SocketPacketLimits
{
    int maxAttachments = 64;
    int maxNamespaceLength = 256;
};

struct SocketPacket
{
    static constexpr int MaxAckIdDigits = 15; // stays exact as a JavaScript number

    SocketPacketType type = SocketPacketType::Event;
    QString nsp = QStringLiteral("/");
    std::optional<qint64> id;
    // Undefined when the packet has no payload.
    QJsonValue data = QJsonValue(QJsonValue::Undefined);
    // Binary attachments that follow the text part (binary packet types only).
    int attachments = 0;

    static SocketPacket connect(const QString &nsp, const QJsonObject &payload);
    static SocketPacket connectError(const QString &nsp, const QString &message);
    static SocketPacket disconnect(const QString &nsp);
    // An event or ack; becomes the binary variant when attachments > 0.
    static SocketPacket event(const QString &nsp, const QJsonArray &args, std::optional<qint64> id = {},
                              int attachments = 0);
    static SocketPacket ack(const QString &nsp, qint64 id, const QJsonArray &args, int attachments = 0);
    // The text of an EVENT packet whose one argument is already JSON text (a payload that arrived as JSON
    // and is passed on): the same as event(nsp, {name, argument}).encode() without decoding the argument.
    static QByteArray encodeEvent(const QString &nsp, const QString &name, QByteArrayView argumentJson);

    bool isBinary() const
    {
        return type == SocketPacketType::BinaryEvent || type == SocketPacketType::BinaryAck;
    }
    bool isEvent() const { return type == SocketPacketType::Event || type == SocketPacketType::BinaryEvent; }
    bool isAck() const { return type == SocketPacketType::Ack || type == SocketPacketType::BinaryAck; }
    // The event name of an event packet (the first payload item).
    QString eventName() const;
    // The event arguments after the name, or the ack arguments.
    QJsonArray arguments() const;

    QByteArray encode() const;
    // Validates the grammar and the payload shape of each type: CONNECT payload absent or an object,
    // DISCONNECT without payload, EVENT a non-empty array starting with a non-reserved event name, ACK an
    // array with an id, CONNECT_ERROR an object or a string.
    static Decoded<SocketPacket> decode(const QByteArray &text, const SocketPacketLimits &limits = {});

    bool operator==(const SocketPacket &other) const = default;
};

} // namespace caduceus::relay
