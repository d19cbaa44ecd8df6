#pragma once

#include <QString>

namespace caduceus::relay {

// A random, URL-safe identifier (Engine.IO session ids, Socket.IO socket ids): 15 random bytes from the
// system's secure generator, base64url-encoded to 20 characters, so ids can neither be guessed nor collide.
QString makeRandomId();

} // namespace caduceus::relay
