#pragma once
// Turns SIGINT/SIGTERM into a Qt signal on the main thread (self-pipe), so a stop persists in-flight
// runs instead of killing the process mid-write.
#include <QObject>

class QSocketNotifier;

class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void interrupted(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};
