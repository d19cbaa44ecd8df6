#pragma once

#include "relay/SocketPacket.h"

namespace caduceus::relay {

struct SocketServerOptions
{
    // A connection that has joined no namespace this long after its handshake is closed.
    int connectTimeoutMs = 45'000;
    // Server → client emits waiting for an ack, per socket; the oldest is given up beyond this.
    int maxPendingAcks = 256;
    SocketPacketLimits packetLimits;
};

} // namespace caduceus::relay
