#include "DemoAgent.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

DemoAgent::DemoAgent(QObject *parent) : QObject(parent)
{
    m_startTimeout.setSingleShot(true);
    connect(&m_startTimeout, &QTimer::timeout, this,
            [this]() { fail(QStringLiteral("the demo agent did not start within 10 s")); });
    connect(&m_process, &QProcess::readyReadStandardOutput, this, [this]() {
        if (m_url.isValid()) {
            m_process.readAllStandardOutput();
            return;
        }
        m_output.append(m_process.readAllStandardOutput());
        static const QRegularExpression listening(QStringLiteral("listening on (http://[^\\s]+)"));
        const auto match = listening.match(QString::fromUtf8(m_output));
        if (match.hasMatch()) {
            m_startTimeout.stop();
            m_url = QUrl(match.captured(1));
            m_output.clear();
            Q_EMIT started(m_url);
        } else if (m_output.size() > 64 * 1024) {
            m_output = m_output.right(4096);
        }
    });
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            fail(QStringLiteral("could not start %1: %2").arg(executablePath(), m_process.errorString()));
    });
    connect(&m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus) {
        if (!m_url.isValid())
            fail(QStringLiteral("the demo agent exited with code %1").arg(code));
        m_url = QUrl();
    });
}

DemoAgent::~DemoAgent()
{
    stop();
}

QString DemoAgent::executablePath()
{
    const QString fromEnv = qEnvironmentVariable("CADUCEUS_SIM_PATH");
    if (!fromEnv.isEmpty())
        return fromEnv;
    const QDir dir(QCoreApplication::applicationDirPath());
#ifdef Q_OS_WIN
    const QString name = QStringLiteral("hermes-sim.exe");
#else
    const QString name = QStringLiteral("hermes-sim");
#endif
    for (const QString &candidate : {dir.filePath(name), dir.filePath(QStringLiteral("../libexec/caduceus/") + name)}) {
        if (QFileInfo(candidate).isExecutable())
            return QFileInfo(candidate).canonicalFilePath();
    }
    return dir.filePath(name);
}

void DemoAgent::start()
{
    if (m_process.state() != QProcess::NotRunning)
        return;
    m_url = QUrl();
    m_output.clear();
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.setStandardErrorFile(QProcess::nullDevice());
    m_process.start(executablePath(), {QStringLiteral("--host"), QStringLiteral("127.0.0.1"), QStringLiteral("--port"),
                                       QStringLiteral("0")});
    m_startTimeout.start(10'000);
}

void DemoAgent::stop()
{
    m_startTimeout.stop();
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.disconnect(this);
    m_process.terminate();
    if (!m_process.waitForFinished(2000)) {
        m_process.kill();
        m_process.waitForFinished(1000);
    }
}

void DemoAgent::fail(const QString &error)
{
    m_startTimeout.stop();
    Q_EMIT failed(error);
}
