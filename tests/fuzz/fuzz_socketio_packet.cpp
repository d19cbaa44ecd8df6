// Socket.IO v5 decoding (the text part of every packet a browser sends) and the check of binary
// placeholders: any bytes give a packet or a clear error; a decoded packet encodes to text that decodes
// to the same packet, so what the relay forwards is what it understood.
#include "FuzzCheck.h"
#include "relay/SocketPacket.h"
#include "relay/SocketPayload.h"

using caduceus::relay::SocketPacket;
using caduceus::relay::SocketPacketLimits;
using caduceus::relay::SocketPayload;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const SocketPacketLimits limits;

    const auto packet = SocketPacket::decode(bytes, limits);
    if (!packet) {
        FUZZ_CHECK(!packet.error().isEmpty(), "a rejected packet has no error message");
        return 0;
    }
    const SocketPacket &p = packet.value();
    FUZZ_CHECK(p.attachments >= 0 && p.attachments <= limits.maxAttachments,
               "attachment count out of bounds");
    FUZZ_CHECK(p.nsp.size() <= limits.maxNamespaceLength, "namespace longer than the limit");
    if (p.isEvent())
        FUZZ_CHECK(!p.eventName().isEmpty() || p.data.toArray().first().isString(),
                   "an event without a name");

    const auto again = SocketPacket::decode(p.encode(), limits);
    FUZZ_CHECK(again.ok(), "an encoded packet does not decode");
    FUZZ_CHECK(again.value() == p, "a packet changed through encode and decode");

    // The attachments a binary packet announces, as empty buffers: every placeholder must then resolve.
    QList<QByteArray> binaries;
    for (int i = 0; i < p.attachments; ++i)
        binaries << QByteArray(1, char(i));
    const SocketPayload args(p.arguments(), binaries);
    const QString invalid = args.validatePlaceholders();
    if (invalid.isEmpty()) {
        for (const QJsonValue &value : args.values) {
            if (SocketPayload::placeholderIndex(value))
                FUZZ_CHECK(args.binaryFor(value).has_value(), "a valid placeholder has no attachment");
        }
    }
    return 0;
}
