#pragma once
// The knobs of context compression (SPEC 5.2), part of ChatSettings. The token budget they work in (half the
// context length for the history sent and the new input) is described in HistoryPreparation.h.
#include <QString>

namespace caduceus::chat {

struct CompressionOptions
{
    bool enabled = true;
    // The newest history items sent word for word; only older ones are summarised. At most this many, and
    // only as many as fit the tail's share of the token budget (HistoryPreparation::Budget::tail).
    int verbatimTail = 20;
    // Compress when more history items than this arrived since the last summary, whatever their size.
    int messageThreshold = 200;
    // A history of this many items or fewer is never compressed.
    int minimumItems = 4;
    // Size asked of the summary, at most a quarter of the history budget; a summary longer than twice the
    // size asked is cut (head and tail kept).
    int summaryBudgetTokens = 4000;
    // When neither the user nor the profile's config.yaml gives one.
    qint64 defaultContextLength = 200'000;
    // One summary run may take this long; then it is stopped and the previous summary is used.
    int runTimeoutMs = 180'000;
    // Appended to the hand-off prompt, e.g. "Write the summary in German."
    QString extraGuidance;
};

} // namespace caduceus::chat
