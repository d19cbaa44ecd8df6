#pragma once
// The knobs of context compression (SPEC 5.2), part of ChatSettings.
#include <QString>

namespace caduceus::chat {

struct CompressionOptions
{
    bool enabled = true;
    // The newest history items always sent word for word; only older ones are summarised.
    int verbatimTail = 20;
    // Compress when more history items than this arrived since the last summary, whatever their size.
    int messageThreshold = 200;
    // A history of this many items or fewer is never compressed.
    int minimumItems = 4;
    // Size asked of the summary; a summary longer than twice this is cut (head and tail kept).
    int summaryBudgetTokens = 4000;
    // When neither the user nor the profile's config.yaml gives one.
    qint64 defaultContextLength = 200'000;
    // One summary run may take this long; then it is stopped and the previous summary is used.
    int runTimeoutMs = 180'000;
    // Appended to the hand-off prompt, e.g. "Write the summary in German."
    QString extraGuidance;
};

} // namespace caduceus::chat
