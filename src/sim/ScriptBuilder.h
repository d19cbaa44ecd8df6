#pragma once
// Turns a run's input (and its sim: tokens) into the script SimRun plays.

#include "DemoAnswer.h"
#include "ScenarioRequest.h"
#include "ScriptStep.h"
#include "SimOptions.h"

#include <deque>

namespace caduceus::sim {

struct RunInput
{
    QString input;
    QString sessionId;
    QString model;
    QString instructions;
    int historyCount = 0;
    qint64 historyChars = 0;
};

class ScriptBuilder
{
public:
    ScriptBuilder(const SimOptions &options, const RunInput &input);

    std::deque<ScriptStep> build() const;
    // What happens once every approval of a gate is decided (approved[i] for approvals[i]).
    // `timedOut`: nobody answered the gate; the agent blocked what was not approved.
    std::deque<ScriptStep> approvalOutcome(const QList<ApprovalSpec> &approvals, const QList<bool> &approved,
                                           bool timedOut = false) const;
    // The text a steered run says next.
    ScriptStep steering(const QString &guidance) const;

    const ScenarioRequest &scenario() const { return m_scenario; }
    bool ignoresStop() const { return m_scenario.has(QStringLiteral("nocancel")); }
    bool refusesEventStream() const { return m_scenario.has(QStringLiteral("events404")); }
    bool reportsBigUsage() const { return m_scenario.has(QStringLiteral("usage")); }
    int estimatedInputTokens() const;

    // Bench totals are capped so that no input can make the sim allocate without bound.
    static constexpr qint64 kMaxBenchChars = 16 * 1024 * 1024;

private:
    int deltaDelayMs() const;
    QString mainAnswer() const;
    void addBench(std::deque<ScriptStep> &steps) const;
    void addTools(std::deque<ScriptStep> &steps) const;
    void addApprovals(std::deque<ScriptStep> &steps) const;
    static void insertDropInLastSay(std::deque<ScriptStep> &steps);

    SimOptions m_options;
    RunInput m_input;
    ScenarioRequest m_scenario;
    DemoAnswer m_demo;
};

} // namespace caduceus::sim
