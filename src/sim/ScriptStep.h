#pragma once
// One step of a run's script. SimRun plays the steps in order; a step may take several turns
// (a Say emits one delta per turn, a RunTool starts then completes) before it is removed.

#include "PythonJson.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace caduceus::sim {

struct ToolCallSpec
{
    QString name;      // "terminal"
    QString arguments; // JSON text as the model wrote it: {"command": "ls -la"}
    QString preview;   // what tool.started shows
    QString result;    // the tool row's content
    double durationSeconds = 0.1;
};

struct ApprovalSpec
{
    QString command;
    QString description;
    QString patternKey;
    ToolCallSpec tool; // what runs once the command is approved
};

struct ScriptStep
{
    enum class Kind
    {
        Say,            // message.delta chunks
        Think,          // reasoning.delta chunks
        EndModelCall,   // reasoning.available + the assistant row that asks for toolCalls
        RunTool,        // tool.started, (duration), tool.completed + the tool row
        AwaitApprovals, // approval.request for each, wait for answers, then play the outcome
        Emit,           // any other event, e.g. subagent.*
        DropStream,     // cut the SSE connection, run goes on
        Fail,           // run.failed
        Complete,       // run.completed
        Hang,           // wait until stopped
    };

    Kind kind = Kind::Say;
    int delayMs = 0; // after each delta (Say/Think) or after the step

    // Say / Think: text cut into chunks of chunkChars. With repeatDeltas >= 0 the text is a
    // pattern and exactly repeatDeltas deltas of chunkChars are cut from it cyclically (bench).
    QString text;
    int chunkChars = 12;
    qsizetype cursor = 0;
    qint64 repeatDeltas = -1;

    QList<ToolCallSpec> toolCalls; // EndModelCall
    ToolCallSpec tool;             // RunTool
    bool toolStarted = false;      // RunTool progress
    bool toolBlocked = false;      // RunTool whose approval was denied: no events, a BLOCKED row
    QList<ApprovalSpec> approvals; // AwaitApprovals
    QByteArray eventName;          // Emit
    OrderedFields fields;          // Emit

    static ScriptStep say(const QString &text, int chunkChars, int delayMs)
    {
        ScriptStep step;
        step.kind = Kind::Say;
        step.text = text;
        step.chunkChars = chunkChars;
        step.delayMs = delayMs;
        return step;
    }
    static ScriptStep of(Kind kind, int delayMs = 0)
    {
        ScriptStep step;
        step.kind = kind;
        step.delayMs = delayMs;
        return step;
    }
};

} // namespace caduceus::sim
