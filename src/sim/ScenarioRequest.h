#pragma once
// The sim:<name> and sim:<param>=<n> tokens a run's input carries to pick its script.

#include <QSet>
#include <QString>
#include <optional>

namespace caduceus::sim {

struct ScenarioRequest
{
    QSet<QString> names;        // e.g. {"tools", "slow"}; empty: the default demo answer
    std::optional<int> deltas;  // sim:deltas=N
    std::optional<int> delayMs; // sim:delay=MS
    std::optional<int> chars;   // sim:chars=N
    QString textWithoutTokens;  // what the user wrote, tokens removed, whitespace tidied

    bool has(const QString &name) const { return names.contains(name); }
    static ScenarioRequest parse(const QString &input);
};

} // namespace caduceus::sim
