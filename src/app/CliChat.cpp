#include "CliChat.h"

#include "chat/SessionController.h"
#include "chat/SessionManager.h"
#include "protocol/EventNames.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>
#include <QTimer>
#include <cstdio>
#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

using caduceus::chat::SessionController;
namespace EventName = caduceus::EventName;

namespace {
QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}
QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}
} // namespace

CliChat::CliChat(caduceus::chat::SessionManager *manager, const Options &options, QObject *parent)
    : QObject(parent), m_manager(manager), m_options(options)
{
}

void CliChat::start()
{
    const QString sessionId =
        m_options.sessionId.isEmpty() ? caduceus::chat::SessionManager::newSessionId() : m_options.sessionId;
    m_controller = m_manager->controller(sessionId);
    if (!m_controller) {
        err() << "caduceus: invalid session id \"" << sessionId << "\" (letters, digits, _ . : - only)\n";
        err().flush();
        QTimer::singleShot(0, this, [this]() { Q_EMIT finished(2); });
        return;
    }
    m_manager->hold(sessionId, this);
    connect(m_manager, &caduceus::chat::SessionManager::sessionEvent, this, &CliChat::onEvent);
    err() << "session " << sessionId << "\n";
    err().flush();
    if (m_controller->isWorking())
        err() << "(waiting for the run already in progress in this session)\n";
    SessionController::RunInput input;
    input.input = m_options.prompt;
    input.model = m_options.model;
    const QString error = m_controller->submit(input);
    if (!error.isEmpty()) {
        err() << "caduceus: " << error << "\n";
        err().flush();
        QTimer::singleShot(0, this, [this]() { Q_EMIT finished(2); });
    }
}

void CliChat::interrupt()
{
    if (m_interrupted || !m_controller || !m_controller->isWorking()) {
        Q_EMIT finished(130);
        return;
    }
    m_interrupted = true;
    err() << "\nstopping… (Ctrl+C again to quit now)\n";
    err().flush();
    m_controller->abort();
}

void CliChat::onEvent(const QString &sessionId, const QString &name, const QJsonObject &payload)
{
    if (!m_controller || sessionId != m_controller->sessionId())
        return;
    const auto endLine = [this]() {
        if (m_textOnLine) {
            out() << "\n";
            out().flush();
            m_textOnLine = false;
        }
    };
    if (name == EventName::MessageDelta) {
        if (m_inReasoning) {
            err() << "\n";
            m_inReasoning = false;
        }
        const QString delta = payload.value(QLatin1String("delta")).toString();
        out() << delta;
        out().flush();
        m_textOnLine = !delta.endsWith(QLatin1Char('\n'));
    } else if (name == EventName::ReasoningDelta || name == EventName::ThinkingDelta) {
        if (m_options.showReasoning) {
            err() << payload.value(QLatin1String("delta")).toString(payload.value(QLatin1String("text")).toString());
            err().flush();
            m_inReasoning = true;
        }
    } else if (name == EventName::ToolStarted) {
        endLine();
        err() << "⚙ " << payload.value(QLatin1String("tool")).toString() << ": "
              << payload.value(QLatin1String("preview")).toString() << "\n";
        err().flush();
    } else if (name == EventName::ToolCompleted) {
        err() << (payload.value(QLatin1String("error")).toBool() ? "✗ " : "✓ ")
              << payload.value(QLatin1String("tool")).toString() << " ("
              << QString::number(payload.value(QLatin1String("duration")).toDouble(), 'f', 2) << " s)\n";
        err().flush();
    } else if (name == EventName::ApprovalRequest) {
        endLine();
        askApproval(payload);
    } else if (name == EventName::ApprovalResponded) {
        const QString error = payload.value(QLatin1String("error")).toString();
        err() << (error.isEmpty() ? QStringLiteral("approval: %1").arg(payload.value(QLatin1String("choice")).toString())
                                  : QStringLiteral("approval failed: %1").arg(error))
              << "\n";
        err().flush();
    } else if (name == EventName::RunQueued) {
        err() << "queued (" << payload.value(QLatin1String("queue_length")).toInt() << " waiting)\n";
        err().flush();
    } else if (name == EventName::RunCompleted) {
        const QString parsed = payload.value(QLatin1String("parsed_content")).toString();
        if (!m_textOnLine && !parsed.isEmpty())
            out() << parsed;
        endLine();
        const QJsonObject usage = payload.value(QLatin1String("usage")).toObject();
        if (!usage.isEmpty()) {
            err() << "tokens: " << usage.value(QLatin1String("input_tokens")).toInteger() << " in, "
                  << usage.value(QLatin1String("output_tokens")).toInteger() << " out\n";
        }
        err().flush();
        if (payload.value(QLatin1String("queue_remaining")).toInt() == 0)
            Q_EMIT finished(m_exitCode);
    } else if (name == EventName::RunFailed) {
        endLine();
        err() << "error: " << payload.value(QLatin1String("error")).toString() << "\n";
        err().flush();
        Q_EMIT finished(1);
    } else if (name == EventName::RunCancelled) {
        endLine();
        err() << "the run was cancelled\n";
        err().flush();
        Q_EMIT finished(130);
    } else if (name == EventName::AbortCompleted) {
        endLine();
        err() << "stopped; the partial answer was kept\n";
        err().flush();
        Q_EMIT finished(130);
    }
}

void CliChat::askApproval(const QJsonObject &request)
{
    const QStringList choices = request.value(QLatin1String("choices")).toVariant().toStringList();
    err() << "\n⚠ approval needed: " << request.value(QLatin1String("description")).toString() << "\n    "
          << request.value(QLatin1String("command")).toString() << "\n";
    if (!m_options.approve.isEmpty()) {
        err() << "answering \"" << m_options.approve << "\" (--approve)\n";
        err().flush();
        m_controller->respondApproval(m_options.approve, false);
        return;
    }
#ifdef Q_OS_UNIX
    if (isatty(STDIN_FILENO)) {
        err() << "allow? [o]nce, [s]ession" << (choices.contains(QLatin1String("always")) ? ", [a]lways" : "")
              << ", [d]eny (the agent denies by itself after 60 s): ";
        err().flush();
        m_waitingForApproval = true;
        if (!m_stdin) {
            m_stdin = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
            connect(m_stdin, &QSocketNotifier::activated, this, &CliChat::onStdin);
        }
        m_stdin->setEnabled(true);
        return;
    }
#endif
    err() << "not a terminal and no --approve given: denying\n";
    err().flush();
    m_controller->respondApproval(QStringLiteral("deny"), false);
}

void CliChat::onStdin()
{
    char buffer[256];
#ifdef Q_OS_UNIX
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof(buffer) - 1);
#else
    const long n = 0;
#endif
    if (n <= 0) {
        m_stdin->setEnabled(false);
        return;
    }
    if (!m_waitingForApproval)
        return;
    const QString answer = QString::fromLocal8Bit(buffer, int(n)).trimmed().toLower();
    QString choice;
    if (answer.startsWith(QLatin1Char('o')))
        choice = QStringLiteral("once");
    else if (answer.startsWith(QLatin1Char('s')))
        choice = QStringLiteral("session");
    else if (answer.startsWith(QLatin1Char('a')))
        choice = QStringLiteral("always");
    else if (answer.startsWith(QLatin1Char('d')))
        choice = QStringLiteral("deny");
    if (choice.isEmpty()) {
        err() << "please type o, s, a or d: ";
        err().flush();
        return;
    }
    m_waitingForApproval = false;
    m_stdin->setEnabled(false);
    m_controller->respondApproval(choice, false);
}
