#pragma once

#include "relay/AuthFailures.h"
#include "relay/SocketPacket.h"

namespace caduceus::relay {

struct SocketServerOptions
{
    // A connection that has joined no namespace this long after its handshake is closed.
    int connectTimeoutMs = 45'000;
    // Server → client emits waiting for an ack, per socket; the oldest is given up beyond this.
    int maxPendingAcks = 256;
    // Binary attachments of one packet are held until the last one arrives: at most this many bytes per
    // connection (a packet announcing more is a protocol error), and only for a namespace it has joined.
    qint64 maxPendingAttachmentBytes = 2 * 1024 * 1024;
    SocketPacketLimits packetLimits;
    // Back-off and log rate of failed token checks (shared with the REST API of the same relay).
    AuthFailures::Options authFailures;
};

} // namespace caduceus::relay
