// The window and a browser on one live session (issue 16, section 5): the window's backend (AppRuntime +
// ChatBackend, as GuiMode builds them, with the relay switched on from its settings) runs in this process
// against hermes-sim; the browser is a node process with the real socket.io-client (browser.mjs), driven
// over stdin and reporting every event on stdout. A run started in one streams in the other, a stop in the
// browser stops the window's run, and an approval answered in one closes the prompt in the other.
#include "AppRuntime.h"
#include "ChatBackend.h"
#include "SimProcess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

namespace {

constexpr int WaitMs = 20'000;
const QString AgentKey = QStringLiteral("window-browser-key");

// The node process and what it printed, one JSON object a line.
class Browser
{
public:
    bool start(const QString &relayUrl, const QString &token, QString *error)
    {
        m_process.setProgram(QStringLiteral(NODE_EXECUTABLE));
        m_process.setArguments({QStringLiteral(BROWSER_SCRIPT), relayUrl, token});
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process, [this] {
            while (m_process.canReadLine()) {
                const QByteArray line = m_process.readLine().trimmed();
                if (!line.isEmpty())
                    m_lines.append(QJsonDocument::fromJson(line).object());
            }
        });
        m_process.start();
        if (!m_process.waitForStarted(WaitMs)) {
            *error = m_process.errorString();
            return false;
        }
        if (waitFor([](const QJsonObject &o) { return o.contains(QLatin1String("connected")); }) < 0) {
            *error = QStringLiteral("the browser did not connect: %1").arg(dump());
            return false;
        }
        return true;
    }

    ~Browser()
    {
        if (m_process.state() != QProcess::NotRunning) {
            command({{QStringLiteral("cmd"), QStringLiteral("quit")}});
            if (!m_process.waitForFinished(5000))
                m_process.kill();
        }
    }

    void command(const QJsonObject &command)
    {
        m_process.write(QJsonDocument(command).toJson(QJsonDocument::Compact) + '\n');
    }

    // Waits for the first line (from `from` on) that matches; returns its index or -1.
    int waitFor(const std::function<bool(const QJsonObject &)> &matches, qsizetype from = 0,
                int timeoutMs = WaitMs)
    {
        int found = -1;
        (void)QTest::qWaitFor(
            [&] {
                for (qsizetype i = from; i < m_lines.size(); ++i) {
                    if (matches(m_lines.at(i))) {
                        found = int(i);
                        return true;
                    }
                }
                return false;
            },
            timeoutMs);
        return found;
    }

    // The first event `name` of `session` from line `from` on.
    int waitForEvent(const QString &name, const QString &session, qsizetype from = 0, int timeoutMs = WaitMs)
    {
        return waitFor(
            [&](const QJsonObject &o) {
                return o.value(QLatin1String("event")).toString() == name &&
                       o.value(QLatin1String("payload"))
                               .toObject()
                               .value(QLatin1String("session_id"))
                               .toString() == session;
            },
            from, timeoutMs);
    }

    // The events `name` of `session` received so far.
    QList<QJsonObject> events(const QString &name, const QString &session) const
    {
        QList<QJsonObject> found;
        for (const QJsonObject &o : m_lines) {
            const QJsonObject payload = o.value(QLatin1String("payload")).toObject();
            if (o.value(QLatin1String("event")).toString() == name &&
                payload.value(QLatin1String("session_id")).toString() == session)
                found.append(payload);
        }
        return found;
    }

    QString streamedText(const QString &session) const
    {
        QString text;
        for (const QJsonObject &delta : events(QStringLiteral("message.delta"), session))
            text += delta.value(QLatin1String("delta")).toString();
        return text;
    }

    // Sends a command and waits for its ack; returns the ack's result.
    QJsonObject request(const QJsonObject &command)
    {
        const qsizetype from = m_lines.size();
        this->command(command);
        const QString name = command.value(QLatin1String("cmd")).toString();
        const int at = waitFor(
            [&](const QJsonObject &o) { return o.value(QLatin1String("ack")).toString() == name; }, from);
        return at < 0 ? QJsonObject{{QStringLiteral("timeout"), true}}
                      : m_lines.at(at).value(QLatin1String("result")).toObject();
    }

    qsizetype lineCount() const { return m_lines.size(); }
    QString dump() const
    {
        QStringList lines;
        for (qsizetype i = std::max<qsizetype>(0, m_lines.size() - 20); i < m_lines.size(); ++i)
            lines.append(
                QString::fromUtf8(QJsonDocument(m_lines.at(i)).toJson(QJsonDocument::Compact).left(300)));
        return lines.join(QLatin1Char('\n'));
    }

private:
    QProcess m_process;
    QList<QJsonObject> m_lines;
};

} // namespace

class TestWindowBrowser : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    std::unique_ptr<caduceus::test::SimProcess> m_sim;
    std::unique_ptr<AppRuntime> m_runtime;
    std::unique_ptr<ChatBackend> m_window;
    std::unique_ptr<Browser> m_browser;

    // The text of the window's newest assistant row.
    QString windowAnswer() const
    {
        ChatModel *chat = m_window->chat();
        for (int row = chat->rowCount() - 1; row >= 0; --row) {
            const QModelIndex index = chat->index(row);
            if (chat->data(index, ChatModel::RoleRole).toString() == QLatin1String("assistant"))
                return chat->data(index, ChatModel::ContentRole).toString();
        }
        return {};
    }

    QString windowLastStatus(const QString &role) const
    {
        ChatModel *chat = m_window->chat();
        for (int row = chat->rowCount() - 1; row >= 0; --row) {
            const QModelIndex index = chat->index(row);
            if (chat->data(index, ChatModel::RoleRole).toString() == role)
                return chat->data(index, ChatModel::StatusRole).toString();
        }
        return {};
    }

    // A new chat open in the window, followed by the browser.
    QString openSharedSession()
    {
        m_window->newSession();
        const QString session = m_window->currentSessionId();
        const QJsonObject ack = m_browser->request(
            {{QStringLiteral("cmd"), QStringLiteral("resume")}, {QStringLiteral("session"), session}});
        if (!ack.value(QLatin1String("ok")).toBool())
            qWarning("resume refused: %s", QJsonDocument(ack).toJson().constData());
        return session;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        QCoreApplication::setOrganizationName(QStringLiteral("CaduceusWindowBrowserTest"));
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        qputenv("HERMES_HOME", m_home.filePath(QStringLiteral("no-hermes")).toUtf8());

        m_sim = std::make_unique<caduceus::test::SimProcess>(QStringList{QStringLiteral("--key"), AgentKey});
        QVERIFY2(m_sim->isReady(), qPrintable(m_sim->errorString()));

        m_runtime = std::make_unique<AppRuntime>();
        QString error, notice;
        QVERIFY2(m_runtime->openStore(m_home.filePath(QStringLiteral("caduceus.db")), &error, &notice),
                 qPrintable(error));
        AppRuntime::AgentOptions agent;
        agent.url = m_sim->baseUrl();
        agent.key = AgentKey;
        bool answered = false, connected = false;
        QString message;
        m_runtime->connectAgent(agent, [&](bool ok, const QString &text) {
            answered = true;
            connected = ok;
            message = text;
        });
        QVERIFY(QTest::qWaitFor([&] { return answered; }, WaitMs));
        QVERIFY2(connected, qPrintable(message));

        // The window, with Settings → Web UI relay → on (any free port).
        m_window = std::make_unique<ChatBackend>(m_runtime.get());
        m_window->setAgentConnected(true, message);
        m_window->setRelayEnabled(true, 0);
        QVERIFY2(QTest::qWaitFor(
                     [&] { return m_window->relayRunning() || !m_window->relayError().isEmpty(); }, WaitMs),
                 "the relay neither started nor failed");
        QVERIFY2(m_window->relayRunning(), qPrintable(m_window->relayError()));

        m_browser = std::make_unique<Browser>();
        QVERIFY2(m_browser->start(m_window->relayUrl(), m_window->relayToken(), &error), qPrintable(error));
    }

    void cleanupTestCase()
    {
        m_browser.reset();
        m_window.reset();
        m_runtime.reset();
        m_sim.reset();
    }

    void runStartedInTheWindowStreamsInTheBrowser()
    {
        const QString session = openSharedSession();
        QVERIFY(
            m_window->send(QStringLiteral("from the window sim:bench sim:deltas=25 sim:delay=20"), {}, false)
                .isEmpty());
        QVERIFY(m_window->working());
        QVERIFY2(m_browser->waitForEvent(QStringLiteral("run.started"), session) >= 0,
                 qPrintable(m_browser->dump()));
        const int firstDelta = m_browser->waitForEvent(QStringLiteral("message.delta"), session);
        QVERIFY2(firstDelta >= 0, qPrintable(m_browser->dump()));
        // Live: the browser has text while the window's run is still going.
        QVERIFY(m_window->working());
        const int completed = m_browser->waitForEvent(QStringLiteral("run.completed"), session);
        QVERIFY2(completed >= 0, qPrintable(m_browser->dump()));
        const QString output = m_browser->events(QStringLiteral("run.completed"), session)
                                   .constFirst()
                                   .value(QLatin1String("output"))
                                   .toString();
        QVERIFY(!output.isEmpty());
        QCOMPARE(m_browser->streamedText(session), output);
        QVERIFY(QTest::qWaitFor([&] { return !m_window->working(); }, WaitMs));
        QCOMPARE(windowAnswer(), output);
    }

    void runStartedInTheBrowserStreamsInTheWindow()
    {
        const QString session = openSharedSession();
        const QString input = QStringLiteral("from the browser sim:bench sim:deltas=40 sim:delay=25");
        const QJsonObject ack = m_browser->request({{QStringLiteral("cmd"), QStringLiteral("run")},
                                                    {QStringLiteral("session"), session},
                                                    {QStringLiteral("input"), input}});
        QVERIFY2(ack.value(QLatin1String("ok")).toBool(), QJsonDocument(ack).toJson().constData());
        QVERIFY(QTest::qWaitFor([&] { return m_window->working(); }, WaitMs));
        // The window's transcript grows while the browser's run streams.
        QVERIFY(QTest::qWaitFor([&] { return !windowAnswer().isEmpty(); }, WaitMs));
        QVERIFY2(m_window->working(), "the window saw text only after the run ended");
        const QString partial = windowAnswer();
        QVERIFY2(m_browser->waitForEvent(QStringLiteral("run.completed"), session) >= 0,
                 qPrintable(m_browser->dump()));
        const QString output = m_browser->events(QStringLiteral("run.completed"), session)
                                   .constFirst()
                                   .value(QLatin1String("output"))
                                   .toString();
        QVERIFY(output.startsWith(partial));
        QVERIFY(QTest::qWaitFor([&] { return !m_window->working(); }, WaitMs));
        QCOMPARE(windowAnswer(), output);
        ChatModel *chat = m_window->chat();
        bool userShown = false;
        for (int row = 0; row < chat->rowCount(); ++row)
            userShown = userShown || chat->data(chat->index(row), ChatModel::ContentRole).toString() == input;
        QVERIFY2(userShown, "the browser's message is in the window's transcript");
    }

    void stopInTheBrowserStopsTheWindowsRun()
    {
        const QString session = openSharedSession();
        QVERIFY(m_window->send(QStringLiteral("a long one sim:bench sim:deltas=400 sim:delay=50"), {}, false)
                    .isEmpty());
        QVERIFY2(m_browser->waitForEvent(QStringLiteral("message.delta"), session) >= 0,
                 qPrintable(m_browser->dump()));
        QVERIFY(QTest::qWaitFor([&] { return !windowAnswer().isEmpty(); }, WaitMs));
        QVERIFY(m_window->working());

        const QJsonObject ack = m_browser->request(
            {{QStringLiteral("cmd"), QStringLiteral("abort")}, {QStringLiteral("session"), session}});
        QVERIFY2(ack.value(QLatin1String("ok")).toBool(), QJsonDocument(ack).toJson().constData());
        QVERIFY2(m_browser->waitForEvent(QStringLiteral("abort.completed"), session) >= 0,
                 qPrintable(m_browser->dump()));
        QVERIFY(QTest::qWaitFor([&] { return !m_window->working() && !m_window->aborting(); }, WaitMs));
        // The window keeps the partial answer, marked stopped, well short of the 400 deltas.
        QVERIFY(!windowAnswer().isEmpty());
        QCOMPARE(windowLastStatus(QStringLiteral("assistant")), QStringLiteral("cancelled"));
        QVERIFY(m_browser->events(QStringLiteral("run.completed"), session).isEmpty());
    }

    void approvalAnsweredInTheBrowserClosesTheWindowsPrompt()
    {
        const QString session = openSharedSession();
        QVERIFY(m_window->send(QStringLiteral("run it sim:approval"), {}, false).isEmpty());
        QVERIFY2(m_browser->waitForEvent(QStringLiteral("approval.request"), session) >= 0,
                 qPrintable(m_browser->dump()));
        QVERIFY(QTest::qWaitFor([&] { return m_window->pendingApprovals().size() == 1; }, WaitMs));

        const QJsonObject ack = m_browser->request({{QStringLiteral("cmd"), QStringLiteral("approve")},
                                                    {QStringLiteral("session"), session},
                                                    {QStringLiteral("choice"), QStringLiteral("once")}});
        QVERIFY2(ack.value(QLatin1String("ok")).toBool(), QJsonDocument(ack).toJson().constData());
        // The window's prompt closes without anyone touching the window.
        QVERIFY(QTest::qWaitFor([&] { return m_window->pendingApprovals().isEmpty(); }, WaitMs));
        QVERIFY2(m_browser->waitForEvent(QStringLiteral("approval.responded"), session) >= 0,
                 qPrintable(m_browser->dump()));
        QVERIFY2(m_browser->waitForEvent(QStringLiteral("run.completed"), session) >= 0,
                 qPrintable(m_browser->dump()));
        QVERIFY(QTest::qWaitFor([&] { return !m_window->working(); }, WaitMs));
    }

    void approvalAnsweredInTheWindowClosesTheBrowsersPrompt()
    {
        const QString session = openSharedSession();
        const QJsonObject ack =
            m_browser->request({{QStringLiteral("cmd"), QStringLiteral("run")},
                                {QStringLiteral("session"), session},
                                {QStringLiteral("input"), QStringLiteral("run it sim:approval")}});
        QVERIFY2(ack.value(QLatin1String("ok")).toBool(), QJsonDocument(ack).toJson().constData());
        const int request = m_browser->waitForEvent(QStringLiteral("approval.request"), session);
        QVERIFY2(request >= 0, qPrintable(m_browser->dump()));
        QVERIFY(QTest::qWaitFor([&] { return m_window->pendingApprovals().size() == 1; }, WaitMs));

        m_window->respondApproval(QStringLiteral("deny"), false);
        // The browser learns that the prompt was answered (the web UI closes it on approval.responded).
        const int responded = m_browser->waitForEvent(QStringLiteral("approval.responded"), session, request);
        QVERIFY2(responded >= 0, qPrintable(m_browser->dump()));
        const QJsonObject answer =
            m_browser->events(QStringLiteral("approval.responded"), session).constLast();
        QCOMPARE(answer.value(QLatin1String("choice")).toString(), QStringLiteral("deny"));
        QVERIFY(!answer.contains(QLatin1String("error")));
        QVERIFY(m_window->pendingApprovals().isEmpty());
        QVERIFY2(m_browser->waitForEvent(QStringLiteral("run.completed"), session, request) >= 0 ||
                     m_browser->waitForEvent(QStringLiteral("run.failed"), session, request) >= 0,
                 qPrintable(m_browser->dump()));
        QVERIFY(QTest::qWaitFor([&] { return !m_window->working(); }, WaitMs));
    }
};

QTEST_MAIN(TestWindowBrowser)
#include "tst_window_browser.moc"
