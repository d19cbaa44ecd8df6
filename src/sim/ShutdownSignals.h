#pragma once
// Turns SIGINT/SIGTERM into a clean QCoreApplication::quit() on the main thread.

#include <QObject>

class QSocketNotifier;

namespace caduceus::sim {

class ShutdownSignals : public QObject
{
    Q_OBJECT
public:
    explicit ShutdownSignals(QObject *parent = nullptr);
    ~ShutdownSignals() override;

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace caduceus::sim
