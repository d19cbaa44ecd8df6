// hermes-sim reads POST /v1/runs "input" like the v0.19 API server: a string, or messages whose content may
// be OpenAI-style parts. Images as data URLs (image_url or input_image) are accepted and checked (base64 of
// an image media type); file parts and unknown types are refused with the server's own error body.
#include "SimProcess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using caduceus::test::SimProcess;

namespace {
const QByteArray kKey = "parts-key";
const QByteArray kPng = QByteArray::fromBase64(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC");

QJsonObject textPart(const QString &text)
{
    return QJsonObject{{"type", "text"}, {"text", text}};
}
QJsonObject imagePart(const QString &url)
{
    return QJsonObject{{"type", "image_url"}, {"image_url", QJsonObject{{"url", url}}}};
}
QJsonArray userMessage(const QJsonArray &parts)
{
    return QJsonArray{QJsonObject{{"role", "user"}, {"content", parts}}};
}
} // namespace

class SimInputPartsTest : public QObject
{
    Q_OBJECT

    std::unique_ptr<SimProcess> m_sim;
    QNetworkAccessManager m_nam;

    struct Answer
    {
        int status = 0;
        QByteArray body;
        QJsonObject json;
    };
    Answer call(const QByteArray &method, const QString &path, const QByteArray &body = {})
    {
        QNetworkRequest request(m_sim->url(path));
        request.setRawHeader("Authorization", "Bearer " + kKey);
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        std::unique_ptr<QNetworkReply> reply(m_nam.sendCustomRequest(request, method, body));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        Answer out;
        if (!reply->isFinished() && !finished.wait(20'000))
            return out;
        out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.body = reply->readAll();
        out.json = QJsonDocument::fromJson(out.body).object();
        return out;
    }
    Answer start(const QJsonValue &input, const QString &sessionId)
    {
        return call("POST", "/v1/runs",
                    QJsonDocument(QJsonObject{{"input", input}, {"session_id", sessionId}})
                        .toJson(QJsonDocument::Compact));
    }
    // This turn as the sim's transcript (the agent's state.db) recorded it, once the run completed.
    QString recordedTurn(const QString &runId, const QString &sessionId)
    {
        if (!QTest::qWaitFor(
                [&] {
                    return call("GET", "/v1/runs/" + runId).json.value("status").toString() == "completed";
                },
                15'000))
            return QStringLiteral("(the run did not complete)");
        const QJsonArray messages =
            call("GET", "/api/sessions/" + sessionId + "/messages").json.value("messages").toArray();
        return messages.isEmpty() ? QString() : messages.first().toObject().value("content").toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sim =
            std::make_unique<SimProcess>(QStringList{"--key", QString::fromLatin1(kKey), "--delay-ms", "1"});
        QVERIFY2(m_sim->isReady(), qPrintable(m_sim->errorString()));
    }
    void cleanupTestCase() { m_sim.reset(); }

    void imageDataUrlPartsAreAccepted()
    {
        const QString url = QStringLiteral("data:image/png;base64,") + QString::fromLatin1(kPng.toBase64());
        const Answer started =
            start(userMessage({textPart("what is in this picture?"), imagePart(url)}), "parts-1");
        QCOMPARE(started.status, 202);
        QCOMPARE(recordedTurn(started.json.value("run_id").toString(), "parts-1"),
                 QStringLiteral("what is in this picture?\n[Image: image/png, %1 bytes]").arg(kPng.size()));
    }

    void inputImageWithBareUrlAndEarlierMessagesAsHistory()
    {
        const QString url = QStringLiteral("data:image/jpeg;base64,") +
                            QString::fromLatin1(QByteArray("\xff\xd8\xff\xe0").toBase64());
        const QJsonArray input{
            QJsonObject{{"role", "user"}, {"content", "first"}},
            QJsonObject{{"role", "assistant"}, {"content", "ok"}},
            QJsonObject{{"role", "user"},
                        {"content", QJsonArray{QJsonObject{{"type", "input_text"}, {"text", "and this?"}},
                                               QJsonObject{{"type", "input_image"}, {"image_url", url}}}}}};
        const Answer started = start(input, "parts-2");
        QCOMPARE(started.status, 202);
        const QString runId = started.json.value("run_id").toString();
        QCOMPARE(recordedTurn(runId, "parts-2"), QStringLiteral("and this?\n[Image: image/jpeg, 4 bytes]"));
        QVERIFY(
            call("GET", "/v1/runs/" + runId).json.value("output").toString().contains("2 earlier messages"));
    }

    void filePartsAreRefusedLikeTheServer()
    {
        const Answer refused = start(
            userMessage({textPart("read this"), QJsonObject{{"type", "input_file"}, {"file_id", "f_1"}}}),
            "parts-3");
        QCOMPARE(refused.status, 400);
        // The server's envelope, field for field (the key order is the output side's business).
        QCOMPARE(refused.json.value("error").toObject(),
                 (QJsonObject{{"message",
                               "Inline image inputs are supported, but uploaded files and document inputs "
                               "are not supported on this endpoint."},
                              {"type", "invalid_request_error"},
                              {"param", "input"},
                              {"code", "unsupported_content_type"}}));
    }

    void unknownPartTypesAreRefusedLikeTheServer()
    {
        const Answer refused =
            start(userMessage({QJsonObject{{"type", "input_audio"}, {"data", "AAAA"}}}), "parts-4");
        QCOMPARE(refused.status, 400);
        QCOMPARE(refused.json.value("error").toObject(),
                 (QJsonObject{{"message", "Unsupported content part type 'input_audio'. Only text and "
                                          "image_url/input_image parts are supported."},
                              {"type", "invalid_request_error"},
                              {"param", "input"},
                              {"code", "unsupported_content_type"}}));
    }

    void badImageUrlsAreRefused()
    {
        const Answer text = start(userMessage({imagePart("data:text/plain;base64,SGVsbG8=")}), "parts-5");
        QCOMPARE(text.status, 400);
        QCOMPARE(text.json.value("error").toObject().value("code").toString(),
                 QStringLiteral("unsupported_content_type"));
        const Answer path = start(userMessage({imagePart("/home/me/photo.png")}), "parts-6");
        QCOMPARE(path.status, 400);
        QCOMPARE(path.json.value("error").toObject().value("code").toString(),
                 QStringLiteral("invalid_image_url"));
        const Answer notBase64 =
            start(userMessage({imagePart("data:image/png;base64,@@@not base64@@@")}), "parts-7");
        QCOMPARE(notBase64.status, 400);
        QCOMPARE(notBase64.json.value("error").toObject().value("code").toString(),
                 QStringLiteral("invalid_image_url"));
        // Still healthy, and a plain string still works.
        QCOMPARE(start(QJsonValue(QStringLiteral("hello")), "parts-8").status, 202);
    }
};

QTEST_GUILESS_MAIN(SimInputPartsTest)
#include "tst_sim_input_parts.moc"
