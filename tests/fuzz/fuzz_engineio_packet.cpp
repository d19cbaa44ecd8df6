// Engine.IO v4 decoding (WebSocket text frames and long-polling bodies, straight from the network): any
// bytes give packets or a clear error, and whatever decodes survives encode → decode unchanged.
#include "FuzzCheck.h"
#include "relay/EnginePayload.h"

using caduceus::relay::EnginePacket;
using caduceus::relay::EnginePayload;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));

    const auto packet = EnginePacket::decodeText(bytes);
    if (packet) {
        const auto again = EnginePacket::decodeText(packet.value().encodeText());
        FUZZ_CHECK(again.ok(), "an encoded packet does not decode");
        FUZZ_CHECK(again.value() == packet.value(), "a packet changed through encode and decode");
    } else {
        FUZZ_CHECK(!packet.error().isEmpty(), "a rejected frame has no error message");
    }

    const auto binary = EnginePacket::fromBinaryFrame(bytes);
    FUZZ_CHECK(binary.binary && binary.data == bytes, "a binary frame did not become a binary message");

    const auto payload = EnginePayload::decode(bytes, 64);
    if (payload) {
        FUZZ_CHECK(!payload.value().isEmpty() && payload.value().size() <= 64,
                   "payload packet count out of bounds");
        const auto again = EnginePayload::decode(EnginePayload::encode(payload.value()), 64);
        FUZZ_CHECK(again.ok(), "an encoded payload does not decode");
        FUZZ_CHECK(again.value() == payload.value(), "a payload changed through encode and decode");
    } else {
        FUZZ_CHECK(!payload.error().isEmpty(), "a rejected payload has no error message");
    }
    return 0;
}
