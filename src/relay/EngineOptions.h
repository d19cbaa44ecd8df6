#pragma once
// Tunables of one Engine.IO endpoint. The defaults are those of the reference Node.js server.

#include <QtGlobal>

namespace caduceus::relay {

struct EngineOptions
{
    int pingIntervalMs = 25'000;
    int pingTimeoutMs = 20'000;
    // Largest WebSocket message and largest polling POST body a client may send.
    qint64 maxPayload = 1'000'000;
    // How long a WebSocket may take from its connection to the "5" (upgrade) packet.
    int upgradeTimeoutMs = 10'000;
    // Outgoing bytes a client may leave unread before it is dropped as a slow consumer.
    qint64 maxBufferedBytes = 16 * 1024 * 1024;
    // Open Engine.IO sessions per endpoint; further handshakes are refused.
    int maxSessions = 1024;
    // A server-initiated close of a polling session keeps its last packets this long for one more GET.
    int closeLingerMs = 5'000;
};

} // namespace caduceus::relay
