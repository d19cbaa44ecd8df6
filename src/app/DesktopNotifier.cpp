#include "DesktopNotifier.h"

namespace {
QString shortened(const QString &text, int max)
{
    const QString simple = text.simplified();
    return simple.size() <= max ? simple : simple.left(max - 1) + QChar(0x2026);
}
} // namespace

DesktopNotifier::DesktopNotifier(std::function<bool()> enabled, QObject *parent)
    : QObject(parent), m_enabled(std::move(enabled))
{
}

void DesktopNotifier::runFinished(const QString &sessionId, const QString &sessionTitle, bool failed)
{
    const QString chat = sessionTitle.isEmpty() ? tr("New chat") : shortened(sessionTitle, 80);
    post(failed ? tr("Hermes could not finish") : tr("Hermes has answered"),
         failed ? tr("The run in \"%1\" failed.").arg(chat) : chat, sessionId);
}

void DesktopNotifier::approvalRequested(const QString &sessionId, const QString &sessionTitle,
                                        const QString &command)
{
    const QString chat = sessionTitle.isEmpty() ? tr("New chat") : shortened(sessionTitle, 80);
    post(tr("Hermes asks for approval"), tr("%1: %2").arg(chat, shortened(command, 160)), sessionId);
}

void DesktopNotifier::activateLast()
{
    if (!m_lastSessionId.isEmpty())
        Q_EMIT sessionActivated(m_lastSessionId);
}

void DesktopNotifier::post(const QString &title, const QString &body, const QString &sessionId)
{
    if (m_windowActive || (m_enabled && !m_enabled()))
        return;
    m_lastSessionId = sessionId;
    Q_EMIT notify(title, body, sessionId);
}
