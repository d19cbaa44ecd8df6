#pragma once
// Test helper: `caduceus --relay` (CADUCEUS_PATH) on a free loopback port with its own data folder,
// against an agent URL; the agent key and the relay token come from the environment, as a user would
// set them. The constructor does nothing; start() blocks until the relay prints its URL.
#include <QElapsedTimer>
#include <QProcess>
#include <QStringList>
#include <QUrl>

#include <csignal>

namespace caduceus::test {

class RelayProcess
{
public:
    bool start(const QString &dataDir, const QUrl &agent, const QByteArray &agentKey,
               const QByteArray &relayToken, const QStringList &extraArguments = {},
               const QProcessEnvironment &extraEnvironment = {})
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(extraEnvironment);
        env.insert(QStringLiteral("CADUCEUS_AGENT_KEY"), QString::fromLatin1(agentKey));
        env.insert(QStringLiteral("CADUCEUS_RELAY_TOKEN"), QString::fromLatin1(relayToken));
        env.insert(QStringLiteral("CADUCEUS_NO_KEYCHAIN"), QStringLiteral("1"));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.setStandardErrorFile(dataDir + QStringLiteral("/relay-stderr.log"), QIODevice::Append);
        m_process.start(QStringLiteral(CADUCEUS_PATH),
                        QStringList{QStringLiteral("--relay"), QStringLiteral("--port"), QStringLiteral("0"),
                                    QStringLiteral("--agent"), agent.toString(), QStringLiteral("--data-dir"),
                                    dataDir} +
                            extraArguments);
        if (!m_process.waitForStarted(10000))
            return false;
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 20000 && m_process.state() == QProcess::Running) {
            m_process.waitForReadyRead(100);
            m_output += m_process.readAllStandardOutput();
            const qsizetype at = m_output.indexOf("listening on ");
            const qsizetype end = at < 0 ? -1 : m_output.indexOf('\n', at);
            if (end > 0) {
                url = QUrl(QString::fromUtf8(m_output.mid(at + 13, end - at - 13)).trimmed());
                return url.isValid();
            }
        }
        return false;
    }

    // Any signal, e.g. SIGABRT to see what a crash prints.
    void signal(int number)
    {
        ::kill(pid_t(m_process.processId()), number);
        m_process.waitForFinished(5000);
    }

    // SIGKILL: no handler runs, nothing is flushed.
    void kill()
    {
        m_process.kill();
        m_process.waitForFinished(5000);
    }

    // SIGTERM, then SIGKILL after five seconds.
    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            kill();
    }

    ~RelayProcess() { stop(); }

    qint64 pid() const { return m_process.processId(); }
    QByteArray output()
    {
        m_output += m_process.readAllStandardOutput();
        return m_output;
    }

    QUrl url;

private:
    QProcess m_process;
    QByteArray m_output;
};

} // namespace caduceus::test
