#pragma once
#include <QString>

namespace caduceus::sim {

// `bytes` random bytes as lower-case hex (run_<32 hex> ids use 16).
QString randomHex(int bytes);

} // namespace caduceus::sim
