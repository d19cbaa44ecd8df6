#pragma once
// Which Qt Quick scene graph backend the window uses. Without a GPU, OpenGL runs on a software
// rasteriser (Mesa's llvmpipe, softpipe or swrast): the scene is then drawn in software anyway, but
// through a GL driver that costs ~60 MB more memory, a slower start and 15–30 ms frames while an
// answer streams. Qt Quick's own software renderer is much cheaper there.
//
// Asking OpenGL for its renderer's name before the window exists would load that same driver (and
// keep it in memory), so the choice is made from cheap facts: the user's choice, the Mesa variables
// that force software rendering, whether the computer has a GPU device at all, and the renderer the
// window reported the last time it used OpenGL on this same set of devices.
#include <QString>

namespace RendererChoice {

enum class Backend
{
    QtDefault,
    Software
};

// The setting "ui/renderer": "auto" (or empty), "gpu" or "software".
inline const QString kSettingKey = QStringLiteral("ui/renderer");
// What the window found the last time it drew with OpenGL: the renderer and the devices then.
inline const QString kSeenRendererKey = QStringLiteral("ui/glRenderer");
inline const QString kSeenDevicesKey = QStringLiteral("ui/glDevices");

struct Facts
{
    QString quickBackendEnv;         // QT_QUICK_BACKEND
    QString rhiBackendEnv;           // QSG_RHI_BACKEND
    QString setting;                 // kSettingKey
    bool mesaForcesSoftware = false; // LIBGL_ALWAYS_SOFTWARE, GALLIUM_DRIVER=llvmpipe|softpipe|swrast
    bool gpuDeviceKnown = true;      // false only where devices can be listed (Linux) and none is there
    QString devices;                 // the GPU devices now (compared with seenDevices)
    QString seenRenderer;            // kSeenRendererKey
    QString seenDevices;             // kSeenDevicesKey
};

// True for the GL_RENDERER strings of Mesa's software rasterisers.
bool isSoftwareRasterizer(const QString &glRenderer);

// The user's choice wins (environment, then the setting); then the facts above.
Backend choose(const Facts &facts);

// The facts of this process: environment, settings and (Linux) /dev/dri and /dev/nvidia*.
Facts currentFacts();
// The GPU devices now, as a comparable string ("" when there is none).
QString currentDevices();

} // namespace RendererChoice
