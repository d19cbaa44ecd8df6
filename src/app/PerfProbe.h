#pragma once
// Measurements for bench/gui, switched on by CADUCEUS_PERF_LOG=<file>: time from program start to the
// first frame, RSS, and how late the GUI thread's event loop runs (its worst stall) while a run streams.
// One JSON object per line is appended to the file. Off by default: nothing is measured or written.
#include <QElapsedTimer>
#include <QFile>
#include <QObject>
#include <QTimer>

class QQuickWindow;

class PerfProbe : public QObject
{
    Q_OBJECT
public:
    // The clock that started in main(); set once, before anything else.
    static void markProcessStart();
    static bool enabled();

    explicit PerfProbe(QObject *parent = nullptr);
    void watchWindow(QQuickWindow *window);
    // A run started/ended in the open session: stall statistics are kept per streaming period.
    void streamingStarted();
    void streamingFinished();

private:
    void write(const QJsonObject &record);
    void onTick();
    static qint64 rssKb();

    QFile m_file;
    QTimer m_tick;
    QElapsedTimer m_tickClock;
    qint64 m_lastTickNs = 0;
    bool m_streaming = false;
    bool m_firstFrameSeen = false;
    QList<double> m_lateness;
    int m_frames = 0;
    QList<double> m_frameIntervals;
    qint64 m_lastFrameNs = 0;
};
