#include "ScriptBuilder.h"

#include <QJsonArray>

#include <algorithm>

namespace caduceus::sim {

namespace {

constexpr int kSlowDelayMs = 200;
constexpr int kDefaultLongChars = 16'000;
constexpr int kDefaultBenchDeltas = 1000;

// The agent sometimes hands back a stringified content array in Python repr (SPEC section 7);
// the apostrophe and the word None inside the strings are the traps for a naive repair.
const QString kPythonReprContent = QStringLiteral(
    "[{'type': 'text', 'text': \"It's done\"}, {'type': 'thinking', 'thinking': 'None of this'}]");

ToolCallSpec terminalCall(const QString &command, const QString &result, double seconds)
{
    QString arguments;
    arguments += QStringLiteral("{\"command\": ");
    QByteArray quoted;
    python_json::appendString(quoted, command);
    arguments += QString::fromUtf8(quoted) + QLatin1Char('}');
    return ToolCallSpec{QStringLiteral("terminal"), arguments, command, result, seconds};
}

int millis(double seconds)
{
    return int(seconds * 1000.0);
}

} // namespace

ScriptBuilder::ScriptBuilder(const SimOptions &options, const RunInput &input)
    : m_options(options), m_input(input), m_scenario(ScenarioRequest::parse(input.input)),
      m_demo(m_scenario.textWithoutTokens, input.historyCount)
{
}

int ScriptBuilder::deltaDelayMs() const
{
    if (m_scenario.delayMs)
        return *m_scenario.delayMs;
    if (m_scenario.has(QStringLiteral("slow")) || m_scenario.has(QStringLiteral("nocancel")))
        return kSlowDelayMs;
    return m_options.deltaDelayMs;
}

int ScriptBuilder::estimatedInputTokens() const
{
    // About four characters a token, plus the agent's own system prompt and tool schemas.
    const qint64 chars = m_input.input.size() + m_input.instructions.size() + m_input.historyChars;
    return int(std::min<qint64>(chars / 4 + 600, 100'000'000));
}

QString ScriptBuilder::mainAnswer() const
{
    if (m_scenario.has(QStringLiteral("contentarray")))
        return kPythonReprContent;
    if (m_scenario.has(QStringLiteral("long")))
        return m_demo.longMarkdown(m_scenario.chars.value_or(kDefaultLongChars));
    if (m_scenario.chars)
        return m_demo.longMarkdown(*m_scenario.chars);
    return m_demo.markdown();
}

std::deque<ScriptStep> ScriptBuilder::build() const
{
    std::deque<ScriptStep> steps;
    const int delay = deltaDelayMs();
    const int chunk = m_options.chunkChars;

    if (m_scenario.has(QStringLiteral("bench"))) {
        addBench(steps);
        steps.push_back(ScriptStep::of(ScriptStep::Kind::Complete));
        return steps;
    }

    if (m_scenario.has(QStringLiteral("subagent"))) {
        const QString goal = QStringLiteral("Survey the project for %1").arg(m_demo.topicPhrase());
        ScriptStep start = ScriptStep::of(ScriptStep::Kind::Emit, 400);
        start.eventName = "subagent.start";
        start.fields = {{QStringLiteral("subagent_id"), QStringLiteral("sub_1")},
                        {QStringLiteral("goal"), goal},
                        {QStringLiteral("status"), QStringLiteral("running")}};
        ScriptStep complete = ScriptStep::of(ScriptStep::Kind::Emit, delay);
        complete.eventName = "subagent.complete";
        complete.fields = {
            {QStringLiteral("subagent_id"), QStringLiteral("sub_1")},
            {QStringLiteral("goal"), goal},
            {QStringLiteral("status"), QStringLiteral("completed")},
            {QStringLiteral("summary"), QStringLiteral("Found three relevant files and no blockers.")},
            {QStringLiteral("duration_seconds"), 0.4}};
        steps.push_back(start);
        steps.push_back(complete);
    }

    if (m_scenario.has(QStringLiteral("reasoning"))) {
        ScriptStep think = ScriptStep::say(m_demo.reasoning(), chunk, delay);
        think.kind = ScriptStep::Kind::Think;
        steps.push_back(think);
    }

    if (m_scenario.has(QStringLiteral("tools"))) {
        addTools(steps);
    } else if (m_scenario.has(QStringLiteral("approval")) || m_scenario.has(QStringLiteral("approval2"))) {
        addApprovals(steps);
    } else if (m_scenario.has(QStringLiteral("fail"))) {
        steps.push_back(ScriptStep::say(QStringLiteral("Let me work through that. First, I'll gather what I "
                                                       "need and then "),
                                        chunk, delay));
        ScriptStep fail = ScriptStep::of(ScriptStep::Kind::Fail);
        fail.text = QStringLiteral("Simulated failure (sim:fail): the model provider answered HTTP 500. "
                                   "Try again in a moment.");
        steps.push_back(fail);
        return steps;
    } else if (m_scenario.has(QStringLiteral("silent"))) {
        steps.push_back(ScriptStep::say(QStringLiteral("Working on it… "), chunk, delay));
        steps.push_back(ScriptStep::of(ScriptStep::Kind::Hang));
        return steps;
    } else {
        const QString answer = mainAnswer();
        int answerChunk = chunk;
        if (m_scenario.deltas && *m_scenario.deltas > 0)
            answerChunk =
                int(std::max<qsizetype>(1, (answer.size() + *m_scenario.deltas - 1) / *m_scenario.deltas));
        steps.push_back(ScriptStep::say(answer, answerChunk, delay));
    }

    if (m_scenario.has(QStringLiteral("drop")))
        insertDropInLastSay(steps);
    steps.push_back(ScriptStep::of(ScriptStep::Kind::Complete));
    return steps;
}

void ScriptBuilder::addBench(std::deque<ScriptStep> &steps) const
{
    const int chars = std::max(1, m_scenario.chars.value_or(m_options.chunkChars));
    qint64 deltas = m_scenario.deltas.value_or(kDefaultBenchDeltas);
    deltas = std::min<qint64>(deltas, kMaxBenchChars / chars);
    // A pattern longer than one delta, so consecutive deltas differ like real text does.
    const QString base = QStringLiteral("The quick brown fox jumps over the lazy dog; pack my box with five "
                                        "dozen liquor jugs. ");
    ScriptStep bench =
        ScriptStep::say(base.repeated(int(chars / base.size()) + 2), chars, m_scenario.delayMs.value_or(0));
    bench.repeatDeltas = deltas;
    steps.push_back(bench);
}

void ScriptBuilder::addTools(std::deque<ScriptStep> &steps) const
{
    const int delay = deltaDelayMs();
    const int chunk = m_options.chunkChars;
    const ToolCallSpec listing =
        terminalCall(QStringLiteral("ls -la"),
                     QStringLiteral("total 16\ndrwxr-xr-x  4 user user 4096 .\n-rw-r--r--  1 user user  812 "
                                    "README.md\ndrwxr-xr-x  3 user user 4096 src"),
                     0.15);
    const ToolCallSpec readme{QStringLiteral("read_file"), QStringLiteral("{\"path\": \"README.md\"}"),
                              QStringLiteral("README.md"),
                              QStringLiteral("# Demo project\n\nA small example used by hermes-sim."), 0.1};

    steps.push_back(ScriptStep::say(QStringLiteral("Let me look at the project first. "), chunk, delay));
    ScriptStep firstCall = ScriptStep::of(ScriptStep::Kind::EndModelCall);
    firstCall.toolCalls = {listing};
    steps.push_back(firstCall);
    ScriptStep runListing = ScriptStep::of(ScriptStep::Kind::RunTool, millis(listing.durationSeconds));
    runListing.tool = listing;
    steps.push_back(runListing);

    steps.push_back(
        ScriptStep::say(QStringLiteral("Now the README, to see what the project is about. "), chunk, delay));
    ScriptStep secondCall = ScriptStep::of(ScriptStep::Kind::EndModelCall);
    secondCall.toolCalls = {readme};
    steps.push_back(secondCall);
    ScriptStep runReadme = ScriptStep::of(ScriptStep::Kind::RunTool, millis(readme.durationSeconds));
    runReadme.tool = readme;
    steps.push_back(runReadme);

    steps.push_back(ScriptStep::say(QStringLiteral("I looked at the project layout (`README.md` and `src/`) "
                                                   "and read the README.\n\n") +
                                        m_demo.markdown(),
                                    chunk, delay));
}

void ScriptBuilder::addApprovals(std::deque<ScriptStep> &steps) const
{
    const int delay = deltaDelayMs();
    const bool two = m_scenario.has(QStringLiteral("approval2"));
    QList<ApprovalSpec> approvals;
    approvals.append(ApprovalSpec{QStringLiteral("rm -rf build/"), QStringLiteral("recursive delete"),
                                  QStringLiteral("recursive delete"),
                                  terminalCall(QStringLiteral("rm -rf build/"), QString(), 0.15)});
    if (two) {
        approvals.append(ApprovalSpec{
            QStringLiteral("git push --force origin main"), QStringLiteral("force push"),
            QStringLiteral("force push"),
            terminalCall(QStringLiteral("git push --force origin main"),
                         QStringLiteral("+ 1a2b3c4...5d6e7f8 main -> main (forced update)"), 0.2)});
    }

    steps.push_back(
        ScriptStep::say(two ? QStringLiteral("This needs two guarded commands: a clean build folder "
                                             "and a forced push. ")
                            : QStringLiteral("I'll clear the build folder first. "),
                        m_options.chunkChars, delay));
    ScriptStep call = ScriptStep::of(ScriptStep::Kind::EndModelCall);
    for (const ApprovalSpec &approval : approvals)
        call.toolCalls.append(approval.tool);
    steps.push_back(call);
    ScriptStep gate = ScriptStep::of(ScriptStep::Kind::AwaitApprovals);
    gate.approvals = approvals;
    steps.push_back(gate);
}

std::deque<ScriptStep> ScriptBuilder::approvalOutcome(const QList<ApprovalSpec> &approvals,
                                                      const QList<bool> &approved, bool timedOut) const
{
    std::deque<ScriptStep> steps;
    QStringList lines;
    for (qsizetype i = 0; i < approvals.size(); ++i) {
        const ApprovalSpec &approval = approvals.at(i);
        const bool ran = i < approved.size() && approved.at(i);
        ScriptStep run =
            ScriptStep::of(ScriptStep::Kind::RunTool, ran ? millis(approval.tool.durationSeconds) : 0);
        run.tool = approval.tool;
        run.toolBlocked = !ran;
        if (!ran) {
            // The tool row the agent v0.19.0 writes for a refused command.
            const QString reason = timedOut ? QStringLiteral("Command timed out without user response.")
                                            : QStringLiteral("Command denied by user.");
            run.tool.result = QString::fromUtf8(python_json::object(
                {{QStringLiteral("output"), QString()},
                 {QStringLiteral("exit_code"), -1},
                 {QStringLiteral("error"),
                  QStringLiteral("BLOCKED: %1 The user has NOT consented to this action. Do NOT retry this "
                                 "command, do NOT rephrase it, and do NOT attempt the same outcome via a "
                                 "different command.")
                      .arg(reason)},
                 {QStringLiteral("status"), QStringLiteral("blocked")}}));
        }
        steps.push_back(run);
        lines.append(ran ? QStringLiteral("- Ran `%1`: done.").arg(approval.command)
                         : QStringLiteral("- Did **not** run `%1`: it was denied, so nothing changed.")
                               .arg(approval.command));
    }

    QString text;
    const bool allApproved = std::all_of(approved.begin(), approved.end(), [](bool ok) { return ok; });
    const bool noneApproved = std::none_of(approved.begin(), approved.end(), [](bool ok) { return ok; });
    if (approvals.size() == 1 && allApproved)
        text = QStringLiteral("Done: the build folder is gone, and the tree is clean.");
    else if (approvals.size() == 1)
        text = QStringLiteral(
                   "I did not run `%1` because the command was denied. The build folder is untouched; "
                   "tell me if you want another approach.")
                   .arg(approvals.first().command);
    else
        text = QStringLiteral("Here is where things stand:\n\n%1\n\n%2")
                   .arg(lines.join(QLatin1Char('\n')),
                        noneApproved ? QStringLiteral("Nothing was changed.")
                                     : QStringLiteral("Tell me if anything else needs doing."));
    steps.push_back(ScriptStep::say(text, m_options.chunkChars, deltaDelayMs()));
    return steps;
}

ScriptStep ScriptBuilder::steering(const QString &guidance) const
{
    return ScriptStep::say(QStringLiteral("\n\n**Noted, changing course.** You asked me to: *%1*. "
                                          "I'll follow that guidance for the rest of this answer.\n\n")
                               .arg(guidance.simplified()),
                           m_options.chunkChars, deltaDelayMs());
}

void ScriptBuilder::insertDropInLastSay(std::deque<ScriptStep> &steps)
{
    for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
        if (it->kind != ScriptStep::Kind::Say || it->repeatDeltas >= 0)
            continue;
        // Cut between two deltas in the middle of the answer.
        const qsizetype deltas = (it->text.size() + it->chunkChars - 1) / it->chunkChars;
        const qsizetype cut = std::max<qsizetype>(1, deltas / 2) * it->chunkChars;
        ScriptStep second = *it;
        second.text = it->text.mid(cut);
        it->text = it->text.left(cut);
        const auto position = std::next(it).base(); // the element *it refers to, as forward iterator
        const auto inserted = steps.insert(std::next(position), ScriptStep::of(ScriptStep::Kind::DropStream));
        if (!second.text.isEmpty())
            steps.insert(std::next(inserted), second);
        return;
    }
}

} // namespace caduceus::sim
