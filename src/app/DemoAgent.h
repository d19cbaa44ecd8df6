#pragma once
// The built-in simulated agent ("Demo agent"): hermes-sim started as a child process on a free loopback
// port, so a new user can chat before installing Hermes Agent. It stops with Caduceus.
#include <QObject>
#include <QProcess>
#include <QTimer>
#include <QUrl>

class DemoAgent : public QObject
{
    Q_OBJECT
public:
    explicit DemoAgent(QObject *parent = nullptr);
    ~DemoAgent() override;

    // Starts hermes-sim (found next to this program, or $CADUCEUS_SIM_PATH). started() or failed() follows.
    void start();
    void stop();
    bool isRunning() const { return m_process.state() == QProcess::Running && m_url.isValid(); }
    QUrl url() const { return m_url; }
    static QString executablePath();

Q_SIGNALS:
    void started(const QUrl &url);
    void failed(const QString &error);

private:
    void fail(const QString &error);

    QProcess m_process;
    QTimer m_startTimeout;
    QByteArray m_output;
    QUrl m_url;
};
