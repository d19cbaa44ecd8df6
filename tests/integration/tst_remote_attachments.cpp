// Attachments for a remote agent (issue 16), end to end: SessionManager → HermesClient → hermes-sim.
// An agent elsewhere gets the image as a data-URL part and the text file inline (the sim checks the parts
// and records the turn as the agent's state.db would); an agent on this computer gets paths; a binary file
// for a remote agent fails the turn with a sentence naming it, and nothing reaches the agent.
#include "ChatHarness.h"
#include "chat/AgentInput.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QSignalSpy>

using namespace caduceus;
using caduceus::test::ChatHarness;
using caduceus::test::SimProcess;

namespace {
const QByteArray kPng = QByteArray::fromBase64(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC");
}

class RemoteAttachmentsTest : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<SimProcess> m_sim;

    QString write(const QString &name, const QByteArray &bytes)
    {
        QFile file(m_dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
            qFatal("cannot write %s", qPrintable(name));
        return file.fileName();
    }
    static QJsonObject attachment(const QString &type, const QString &path, const QString &media)
    {
        return QJsonObject{
            {"type", type}, {"name", path.section('/', -1)}, {"path", path}, {"media_type", media}};
    }
    // The user turn the sim recorded for the session's last run (the agent's state.db).
    QString recordedTurn(ChatHarness &h, const QString &session)
    {
        const auto runs = h.store->runsForSession(session);
        if (runs.isEmpty())
            return {};
        QNetworkRequest request(m_sim->url("/api/sessions/" + runs.last().agentSessionId + "/messages"));
        request.setRawHeader("Authorization", "Bearer test-key");
        std::unique_ptr<QNetworkReply> reply(h.nam.get(request));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished())
            (void)finished.wait(10'000);
        const QJsonArray messages =
            QJsonDocument::fromJson(reply->readAll()).object().value("messages").toArray();
        return messages.isEmpty() ? QString() : messages.first().toObject().value("content").toString();
    }
    void useAgent(ChatHarness &h, bool inlineAttachments)
    {
        hermes::AgentEndpoint endpoint = h.manager->agent(QStringLiteral("default"));
        endpoint.inlineAttachments =
            inlineAttachments; // the sim listens on 127.0.0.1: "elsewhere" is a tunnel
        h.manager->setAgent(endpoint);
    }

private Q_SLOTS:
    void initTestCase()
    {
        chat::AgentInput::setImageEncoder({}); // the core's pass-through: the bytes sent are the file's
        m_sim = std::make_unique<SimProcess>(QStringList{"--key", "test-key", "--delay-ms", "1"});
        QVERIFY2(m_sim->isReady(), qPrintable(m_sim->errorString()));
    }

    void remoteAgentGetsImagePartAndInlineText()
    {
        ChatHarness h(m_dir.filePath("remote.db"), m_sim->baseUrl());
        useAgent(h, true);
        const QString png = write("screen.png", kPng);
        const QString notes = write("notes.txt", "the build fails at step 3\n");
        chat::SessionController::RunInput input;
        input.input =
            QJsonArray{QJsonObject{{"type", "text"}, {"text", "why does it fail?"}},
                       attachment("image", png, "image/png"), attachment("file", notes, "text/plain")};
        QCOMPARE(h.manager->controller("s-remote")->submit(input), QString());
        QVERIFY2(h.waitFor("run.completed", 1, 20'000, "s-remote"), qPrintable(h.names().join(',')));
        QCOMPARE(recordedTurn(h, "s-remote"),
                 QStringLiteral(
                     "why does it fail?\n[Image: image/png, %1 bytes]\n--- notes.txt ---\nthe build fails at "
                     "step 3\n--- end of notes.txt ---")
                     .arg(kPng.size()));
    }

    void localAgentGetsPaths()
    {
        ChatHarness h(m_dir.filePath("local.db"), m_sim->baseUrl());
        const QString png = write("local.png", kPng);
        chat::SessionController::RunInput input;
        input.input = QJsonArray{QJsonObject{{"type", "text"}, {"text", "look"}},
                                 attachment("image", png, "image/png")};
        QCOMPARE(h.manager->controller("s-local")->submit(input), QString());
        QVERIFY(h.waitFor("run.completed", 1, 20'000, "s-local"));
        QCOMPARE(recordedTurn(h, "s-local"), QStringLiteral("look\n[Image: %1]").arg(png));
    }

    void binaryFileForRemoteAgentFailsTheTurnClearly()
    {
        ChatHarness h(m_dir.filePath("binary.db"), m_sim->baseUrl());
        useAgent(h, true);
        const QString blob = write("core.dump", QByteArray("\0\1\2\3binary", 10));
        chat::SessionController::RunInput input;
        input.input = QJsonArray{QJsonObject{{"type", "text"}, {"text", "what crashed?"}},
                                 attachment("file", blob, "application/octet-stream")};
        QCOMPARE(h.manager->controller("s-binary")->submit(input), QString());
        QVERIFY(h.waitFor("run.failed", 1, 20'000, "s-binary"));
        const QString error = h.last("run.failed").value("error").toString();
        QVERIFY2(error.contains("core.dump is not a text file"), qPrintable(error));
        QVERIFY(h.store->runsForSession("s-binary").isEmpty() ||
                h.store->runsForSession("s-binary").last().runId.isEmpty());
    }
};

QTEST_GUILESS_MAIN(RemoteAttachmentsTest)
#include "tst_remote_attachments.moc"
