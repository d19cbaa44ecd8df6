#pragma once

#include "relay/EngineOptions.h"
#include "relay/SocketServerOptions.h"

#include <QString>

namespace caduceus::relay {

struct RelayOptions
{
    EngineOptions engine;
    SocketServerOptions socket;
    // Where Socket.IO clients connect (their `path` option).
    QString socketIoPath = QStringLiteral("/socket.io/");
};

} // namespace caduceus::relay
