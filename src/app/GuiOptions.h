#pragma once
#include "AppRuntime.h"

#include <QString>

struct GuiOptions
{
    AppRuntime::AgentOptions agent;
    QString startupNotice; // e.g. the database was moved aside
    bool selfTest = false; // --self-test: open the window and its dialogs once, report, exit (WindowSelfTest)
};
