// Which scene graph backend the window starts with: software where OpenGL would only be a software
// rasteriser, the user's choice (environment or setting) always first.
#include "RendererChoice.h"

#include <QTest>

using RendererChoice::Backend;
using RendererChoice::Facts;

class TestRendererChoice : public QObject
{
    Q_OBJECT

    static Facts withGpu()
    {
        Facts f;
        f.devices = QStringLiteral("card0 renderD128");
        f.gpuDeviceKnown = true;
        return f;
    }

private Q_SLOTS:
    void softwareRasterisersAreRecognised_data()
    {
        QTest::addColumn<QString>("renderer");
        QTest::addColumn<bool>("software");
        QTest::newRow("llvmpipe") << "llvmpipe (LLVM 15.0.6, 256 bits)" << true;
        QTest::newRow("softpipe") << "softpipe" << true;
        QTest::newRow("swrast") << "Software Rasterizer" << true;
        QTest::newRow("intel") << "Mesa Intel(R) UHD Graphics 620 (KBL GT2)" << false;
        QTest::newRow("amd") << "AMD Radeon RX 6600 (navi23, LLVM 15.0.7, DRM 3.49)" << false;
        QTest::newRow("nvidia") << "NVIDIA GeForce RTX 3060/PCIe/SSE2" << false;
        QTest::newRow("virgl") << "virgl (AMD Radeon)" << false;
        QTest::newRow("empty") << "" << false;
    }
    void softwareRasterisersAreRecognised()
    {
        QFETCH(QString, renderer);
        QFETCH(bool, software);
        QCOMPARE(RendererChoice::isSoftwareRasterizer(renderer), software);
    }

    void noGpuDeviceMeansSoftware()
    {
        Facts f;
        f.gpuDeviceKnown = false;
        QCOMPARE(RendererChoice::choose(f), Backend::Software);
        QCOMPARE(RendererChoice::choose(withGpu()), Backend::QtDefault);
    }

    void mesaForcedSoftwareMeansSoftware()
    {
        Facts f = withGpu();
        f.mesaForcesSoftware = true;
        QCOMPARE(RendererChoice::choose(f), Backend::Software);
    }

    void aRasteriserSeenOnTheSameDevicesMeansSoftware()
    {
        Facts f = withGpu();
        f.seenRenderer = QStringLiteral("llvmpipe (LLVM 15.0.6, 256 bits)");
        f.seenDevices = f.devices;
        QCOMPARE(RendererChoice::choose(f), Backend::Software);
        // a new device (a GPU was added or its driver loaded): try OpenGL again
        f.devices = QStringLiteral("card0 card1 renderD128 renderD129");
        QCOMPARE(RendererChoice::choose(f), Backend::QtDefault);
        // a real GPU seen last time
        f = withGpu();
        f.seenRenderer = QStringLiteral("Mesa Intel(R) UHD Graphics 620");
        f.seenDevices = f.devices;
        QCOMPARE(RendererChoice::choose(f), Backend::QtDefault);
    }

    void theUsersChoiceWins()
    {
        Facts f;
        f.gpuDeviceKnown = false;
        f.quickBackendEnv = QStringLiteral("rhi");
        QCOMPARE(RendererChoice::choose(f), Backend::QtDefault);
        f.quickBackendEnv.clear();
        f.rhiBackendEnv = QStringLiteral("opengl");
        QCOMPARE(RendererChoice::choose(f), Backend::QtDefault);
        f.rhiBackendEnv.clear();
        f.setting = QStringLiteral("gpu");
        QCOMPARE(RendererChoice::choose(f), Backend::QtDefault);
        Facts g = withGpu();
        g.setting = QStringLiteral("software");
        QCOMPARE(RendererChoice::choose(g), Backend::Software);
        g.setting = QStringLiteral("auto");
        QCOMPARE(RendererChoice::choose(g), Backend::QtDefault);
    }
};

QTEST_GUILESS_MAIN(TestRendererChoice)
#include "tst_renderer_choice.moc"
