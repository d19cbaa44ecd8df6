#pragma once
// Tunables of one Engine.IO endpoint. The defaults are those of the reference Node.js server.

#include <QStringList>
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
    // Outgoing bytes a client may leave unread before it is dropped as a slow consumer (plus the largest
    // single packet sent while it was behind, so one message above the bound does not cut off a reader).
    qint64 maxBufferedBytes = 16 * 1024 * 1024;
    // Open Engine.IO sessions per endpoint; further handshakes are refused.
    int maxSessions = 1024;
    // Sessions not admitted yet (EngineServer::requireAdmission: a Socket.IO client is admitted when it
    // joins a namespace, i.e. once it has shown the token). Anyone can open one, so they have their own
    // small budget inside maxSessions, in total and per client address: at either limit a new handshake
    // replaces the oldest unadmitted session (of that address first), so a flood of handshakes never
    // takes the room of admitted sessions nor keeps a new client out. Each lives at most
    // unadmittedLifeMs, and may send at most maxUnadmittedPayload bytes per polling request or per WebSocket
    // frame and message (a larger one closes its WebSocket with code 1009).
    int maxUnadmittedSessions = 256;
    int maxUnadmittedSessionsPerAddress = 128;
    int unadmittedLifeMs = 10'000;
    qint64 maxUnadmittedPayload = 16 * 1024;
    // A server-initiated close of a polling session keeps its last packets this long for one more GET.
    int closeLingerMs = 5'000;
    // Web pages a browser may connect from, as exact origins (scheme://host[:port]). A request with an
    // Origin header is refused unless the origin is listed here or is the relay's own page reached by an
    // IP address or "localhost" (a DNS name could be rebound to this machine by any web site). Requests
    // without Origin (programs, not browsers) are not affected; the namespace token is needed anyway.
    QStringList allowedOrigins;
};

} // namespace caduceus::relay
