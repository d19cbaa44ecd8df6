#include "PerfProbe.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQuickWindow>
#include <algorithm>

namespace {
QElapsedTimer &processClock()
{
    static QElapsedTimer clock;
    return clock;
}

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype index = qMin(values.size() - 1, qsizetype(p * double(values.size() - 1) + 0.5));
    return values.at(index);
}
} // namespace

void PerfProbe::markProcessStart()
{
    processClock().start();
}

namespace {
// Started during static initialisation, before main(): first-frame times include Qt's own start-up.
const bool g_clockStarted = (PerfProbe::markProcessStart(), true);
} // namespace

bool PerfProbe::enabled()
{
    return !qEnvironmentVariableIsEmpty("CADUCEUS_PERF_LOG");
}

PerfProbe::PerfProbe(QObject *parent) : QObject(parent), m_file(qEnvironmentVariable("CADUCEUS_PERF_LOG"))
{
    if (!m_file.open(QIODevice::Append | QIODevice::Text))
        qWarning("caduceus: cannot write the performance log %s", qPrintable(m_file.fileName()));
    // A 2 ms heartbeat: how late it fires is how long the GUI thread was busy elsewhere.
    m_tick.setInterval(2);
    m_tick.setTimerType(Qt::PreciseTimer);
    connect(&m_tick, &QTimer::timeout, this, &PerfProbe::onTick);
}

qint64 PerfProbe::rssKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

void PerfProbe::write(const QJsonObject &record)
{
    if (!m_file.isOpen())
        return;
    m_file.write(QJsonDocument(record).toJson(QJsonDocument::Compact) + '\n');
    m_file.flush();
}

void PerfProbe::watchWindow(QQuickWindow *window)
{
    connect(window, &QQuickWindow::frameSwapped, this, [this]() {
        const qint64 now = processClock().nsecsElapsed();
        if (!m_firstFrameSeen) {
            m_firstFrameSeen = true;
            write(QJsonObject{{QStringLiteral("event"), QStringLiteral("first_frame")},
                              {QStringLiteral("ms"), double(now) / 1e6},
                              {QStringLiteral("rss_kb"), rssKb()}});
            // RSS once the window has settled.
            QTimer::singleShot(3000, this, [this]() {
                write(QJsonObject{{QStringLiteral("event"), QStringLiteral("idle")}, {QStringLiteral("rss_kb"), rssKb()}});
            });
        }
        if (m_streaming) {
            ++m_frames;
            if (m_lastFrameNs > 0)
                m_frameIntervals << double(now - m_lastFrameNs) / 1e6;
        }
        m_lastFrameNs = now;
    }, Qt::DirectConnection);
}

void PerfProbe::streamingStarted()
{
    m_streaming = true;
    m_lateness.clear();
    m_frameIntervals.clear();
    m_frames = 0;
    m_lastFrameNs = 0;
    m_tickClock.start();
    m_lastTickNs = 0;
    m_tick.start();
}

void PerfProbe::onTick()
{
    const qint64 now = m_tickClock.nsecsElapsed();
    if (m_lastTickNs > 0)
        m_lateness << qMax(0.0, double(now - m_lastTickNs) / 1e6 - double(m_tick.interval()));
    m_lastTickNs = now;
}

void PerfProbe::streamingFinished()
{
    if (!m_streaming)
        return;
    m_streaming = false;
    m_tick.stop();
    const double seconds = double(m_tickClock.nsecsElapsed()) / 1e9;
    write(QJsonObject{{QStringLiteral("event"), QStringLiteral("streaming")},
                      {QStringLiteral("seconds"), seconds},
                      {QStringLiteral("gui_stall_worst_ms"), percentile(m_lateness, 1.0)},
                      {QStringLiteral("gui_stall_p99_ms"), percentile(m_lateness, 0.99)},
                      {QStringLiteral("frames"), m_frames},
                      {QStringLiteral("frame_interval_p99_ms"), percentile(m_frameIntervals, 0.99)},
                      {QStringLiteral("frame_interval_worst_ms"), percentile(m_frameIntervals, 1.0)},
                      {QStringLiteral("rss_kb"), rssKb()}});
}
