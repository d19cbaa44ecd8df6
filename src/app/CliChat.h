#pragma once
// `caduceus chat "prompt"`: one turn streamed to the terminal, for scripting and quick checks.
// Answer text goes to stdout; tools, approvals and status lines go to stderr. Ctrl+C stops the run
// (graceful abort), a second Ctrl+C quits at once.
#include <QObject>
#include <QSocketNotifier>
#include <QString>

namespace caduceus::chat {
class SessionManager;
class SessionController;
}

class CliChat : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString prompt;
        QString sessionId;   // continue this session; new one when empty
        QString model;
        QString approve;     // once|session|always|deny: answer approvals without asking
        bool showReasoning = false;
    };

    CliChat(caduceus::chat::SessionManager *manager, const Options &options, QObject *parent = nullptr);
    void start();
    void interrupt();        // SIGINT

Q_SIGNALS:
    void finished(int exitCode);

private:
    void onEvent(const QString &sessionId, const QString &name, const QJsonObject &payload);
    void askApproval(const QJsonObject &request);
    void onStdin();

    caduceus::chat::SessionManager *m_manager;
    Options m_options;
    caduceus::chat::SessionController *m_controller = nullptr;
    QSocketNotifier *m_stdin = nullptr;
    bool m_waitingForApproval = false;
    bool m_interrupted = false;
    bool m_inReasoning = false;
    bool m_textOnLine = false;
    int m_exitCode = 0;
};
