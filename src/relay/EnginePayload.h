#pragma once
// The body of an Engine.IO v4 polling request or response: packets joined by the record separator
// \x1e, binary messages written as "b<base64>".

#include "relay/Decoded.h"
#include "relay/EnginePacket.h"

#include <QList>

namespace caduceus::relay {

class EnginePayload
{
public:
    static constexpr char Separator = '\x1e';

    static QByteArray encode(const QList<EnginePacket> &packets);
    // Rejects an empty body, an empty item, more than maxPackets items, and any invalid item.
    static Decoded<QList<EnginePacket>> decode(const QByteArray &body, int maxPackets = 10'000);
};

} // namespace caduceus::relay
