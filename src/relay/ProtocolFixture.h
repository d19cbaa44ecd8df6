#pragma once
// The behaviour the official Engine.IO / Socket.IO protocol test suites expect from a server, served by
// the relay's own transport code (`caduceus --relay --protocol-fixture`, tests/e2e):
//  - timings pingInterval 300 ms, pingTimeout 200 ms, connect timeout 1 s, maxPayload 1 000 000;
//  - namespaces "/" and "/custom": on connect emit "auth" with the CONNECT payload ({} when none);
//    "message" → "message-back" with the same arguments (binary ones stay binary);
//    "message-with-ack" → acknowledged with the same arguments;
//    "emit-with-ack" → emitted back with an ack request, and the ack's arguments emitted again;
//  - a raw Engine.IO echo endpoint at /engine.io/ (every text and binary message sent back unchanged).
//
//   RelayServer relay(ProtocolFixture::options());
//   ProtocolFixture::install(relay);
//   relay.listen(QHostAddress::LocalHost, port);

#include "relay/RelayOptions.h"

namespace caduceus::relay {

class RelayServer;

class ProtocolFixture
{
public:
    static RelayOptions options();
    // Registers the fixture namespaces and the echo endpoint on a server made with options().
    static void install(RelayServer &server);
};

} // namespace caduceus::relay
