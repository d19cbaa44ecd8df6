#pragma once
// Test helper: runs hermes-sim on a free port for the lifetime of this object.
//
//     caduceus::test::SimProcess sim({"--key", "secret", "--delay-ms", "1"});
//     QVERIFY2(sim.isReady(), qPrintable(sim.errorString()));
//     QNetworkRequest request(sim.url("/v1/runs"));
//
// The binary is HERMES_SIM_PATH (defined for every test by caduceus_add_qt_test) unless a program is
// given. The constructor blocks until the sim listens (tests may block; library code may not).
// The destructor stops the process (SIGTERM, then kill).

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

namespace caduceus::test {

class SimProcess
{
public:
    explicit SimProcess(const QStringList &arguments = {}, const QString &program = defaultProgram(),
                        int startTimeoutMs = 15'000)
    {
        if (program.isEmpty()) {
            m_error = QStringLiteral("No hermes-sim binary: HERMES_SIM_PATH is not defined");
            return;
        }
        if (!m_directory.isValid()) {
            m_error = QStringLiteral("Cannot create a temporary directory for the port file");
            return;
        }
        const QString portFile = m_directory.filePath(QStringLiteral("port"));
        m_process.setProgram(program);
        m_process.setArguments(QStringList{QStringLiteral("--port"), QStringLiteral("0"),
                                           QStringLiteral("--port-file"), portFile} +
                               arguments);
        // The sim's complaints show up in the test log; stdout carries the "listening on" line.
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start();
        if (!m_process.waitForStarted(startTimeoutMs)) {
            m_error = QStringLiteral("Cannot start %1: %2").arg(program, m_process.errorString());
            return;
        }
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < startTimeoutMs) {
            QFile file(portFile);
            if (file.open(QIODevice::ReadOnly)) {
                bool ok = false;
                const uint port = file.readAll().trimmed().toUInt(&ok);
                if (ok && port > 0 && port <= 65535) {
                    m_port = quint16(port);
                    readBaseUrl();
                    return;
                }
            }
            if (m_process.state() == QProcess::NotRunning) {
                m_error = QStringLiteral("hermes-sim exited before listening (exit code %1)")
                              .arg(m_process.exitCode());
                return;
            }
            m_process.waitForFinished(25); // a short sleep that also notices an early exit
        }
        m_error = QStringLiteral("hermes-sim did not write its port file within %1 ms").arg(startTimeoutMs);
    }

    ~SimProcess() { stop(); }

    SimProcess(const SimProcess &) = delete;
    SimProcess &operator=(const SimProcess &) = delete;

    bool isReady() const { return m_port != 0 && m_process.state() == QProcess::Running; }
    QString errorString() const { return m_error; }
    quint16 port() const { return m_port; }
    // e.g. http://127.0.0.1:40123, as the sim announced it.
    QUrl baseUrl() const { return m_baseUrl; }
    QUrl url(const QString &path) const { return m_baseUrl.resolved(QUrl(path)); }
    QProcess &process() { return m_process; }

    // SIGTERM first so the sim exits cleanly; kill if it does not within three seconds.
    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(3000)) {
            m_process.kill();
            m_process.waitForFinished(3000);
        }
    }

    static QString defaultProgram()
    {
#ifdef HERMES_SIM_PATH
        return QStringLiteral(HERMES_SIM_PATH);
#else
        return qEnvironmentVariable("HERMES_SIM_PATH");
#endif
    }

private:
    void readBaseUrl()
    {
        // The line is printed before the port file is written, so it is already in the pipe.
        m_process.waitForReadyRead(1000);
        const QString line = QString::fromUtf8(m_process.readAllStandardOutput()).trimmed();
        static const QString prefix = QStringLiteral("hermes-sim listening on ");
        const qsizetype at = line.indexOf(prefix);
        m_baseUrl = at >= 0 ? QUrl(line.mid(at + prefix.size()).section(QLatin1Char('\n'), 0, 0).trimmed())
                            : QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
    }

    QTemporaryDir m_directory;
    QProcess m_process;
    QString m_error;
    quint16 m_port = 0;
    QUrl m_baseUrl;
};

} // namespace caduceus::test
