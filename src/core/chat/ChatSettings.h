#pragma once
#include "chat/CompressionOptions.h"
#include "hermes/RunEventStream.h"

#include <QString>

namespace caduceus::chat {

// Behaviour knobs shared by every session controller.
struct ChatSettings
{
    int graceMs = 5000;            // abort: wait this long for run.cancelled after POST …/stop
    QString systemPrompt;          // prepended to every run's instructions
    int resumeMessageLimit = 500;  // messages sent in `resumed` (older ones are paged)
    int persistIntervalMs = 250;   // streamed text reaches the database at least this often
    int syncTimeoutMs = 8000;      // transcript sync after a run is best effort within this time
    int maxQueuedPerSession = 100;
    // Memory: a session nothing holds, with no run, queue or pending approval, is unloaded after this long
    // unused, and the least recently used beyond maxIdleSessions sooner (it reloads from the store on use).
    int unloadIdleAfterMs = 120000;
    int maxIdleSessions = 16;
    hermes::RunEventStream::Options stream;
    CompressionOptions compression;
};

} // namespace caduceus::chat
