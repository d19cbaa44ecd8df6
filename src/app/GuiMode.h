#pragma once
// The desktop window: a QML engine over ChatBackend. Only built with CADUCEUS_BUILD_APP.
class AppRuntime;
struct GuiOptions;

class GuiMode
{
public:
    // Loads the window; returns false (after printing why) when QML could not be loaded.
    static bool start(AppRuntime *runtime, const GuiOptions &options);
};
