#include "RendererChoice.h"

#include <QDir>
#include <QSettings>
#include <QStringList>

namespace RendererChoice {

bool isSoftwareRasterizer(const QString &glRenderer)
{
    // "llvmpipe (LLVM 15.0.6, 256 bits)", "softpipe", "Software Rasterizer" (swrast)
    static const QStringList names{QStringLiteral("llvmpipe"), QStringLiteral("softpipe"),
                                   QStringLiteral("swrast"), QStringLiteral("software rasterizer")};
    for (const QString &name : names) {
        if (glRenderer.contains(name, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

Backend choose(const Facts &facts)
{
    if (!facts.quickBackendEnv.isEmpty() || !facts.rhiBackendEnv.isEmpty())
        return Backend::QtDefault;
    if (facts.setting == QLatin1String("software"))
        return Backend::Software;
    if (facts.setting == QLatin1String("gpu"))
        return Backend::QtDefault;
    if (facts.mesaForcesSoftware || !facts.gpuDeviceKnown)
        return Backend::Software;
    if (facts.devices == facts.seenDevices && isSoftwareRasterizer(facts.seenRenderer))
        return Backend::Software;
    return Backend::QtDefault;
}

QString currentDevices()
{
#ifdef Q_OS_LINUX
    QStringList devices =
        QDir(QStringLiteral("/dev/dri")).entryList(QDir::System | QDir::NoDotAndDotDot, QDir::Name);
    devices +=
        QDir(QStringLiteral("/dev")).entryList({QStringLiteral("nvidia[0-9]*")}, QDir::System, QDir::Name);
    return devices.join(QLatin1Char(' '));
#else
    return QStringLiteral("-");
#endif
}

Facts currentFacts()
{
    Facts facts;
    facts.quickBackendEnv = qEnvironmentVariable("QT_QUICK_BACKEND");
    facts.rhiBackendEnv = qEnvironmentVariable("QSG_RHI_BACKEND");
    const QSettings settings;
    facts.setting = settings.value(kSettingKey).toString();
    const QString gallium = qEnvironmentVariable("GALLIUM_DRIVER");
    facts.mesaForcesSoftware =
        qEnvironmentVariableIntValue("LIBGL_ALWAYS_SOFTWARE") != 0 || isSoftwareRasterizer(gallium);
    facts.devices = currentDevices();
    facts.gpuDeviceKnown = !facts.devices.isEmpty();
    facts.seenRenderer = settings.value(kSeenRendererKey).toString();
    facts.seenDevices = settings.value(kSeenDevicesKey).toString();
    return facts;
}

} // namespace RendererChoice
