// Attachments for a remote agent (issue 16): what POST /v1/runs "input" becomes for an agent on this
// computer (paths) and for one elsewhere (content parts: images as data URLs, text files inline), and the
// clear refusals (binary file, too large). The default encoder is used here (no image codecs in core).
#include "chat/AgentInput.h"
#include "hermes/AgentEndpoint.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using caduceus::chat::AgentInput;

namespace {
// A valid 1×1 PNG (red, opaque).
const QByteArray kPng = QByteArray::fromBase64(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC");

QJsonObject block(const QString &type, const QString &path, const QString &media)
{
    return QJsonObject{{QStringLiteral("type"), type},
                       {QStringLiteral("name"), path.section(QLatin1Char('/'), -1)},
                       {QStringLiteral("path"), path},
                       {QStringLiteral("media_type"), media}};
}
QJsonObject text(const QString &t)
{
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), t}};
}
} // namespace

class AgentInputTest : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString write(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

private Q_SLOTS:
    void initTestCase() { AgentInput::setImageEncoder({}); }

    void plainTextStaysAString()
    {
        const AgentInput in = AgentInput::build(QStringLiteral("hello"), false);
        QVERIFY(in.ok());
        QVERIFY(!in.isParts());
        QCOMPARE(in.wireValue(), QJsonValue(QStringLiteral("hello")));
    }

    void localAgentGetsPaths()
    {
        const QString png = write(QStringLiteral("dot.png"), kPng);
        const QJsonArray blocks{text(QStringLiteral("look")),
                                block(QStringLiteral("image"), png, QStringLiteral("image/png"))};
        const AgentInput in = AgentInput::build(blocks, true);
        QVERIFY(in.ok());
        QVERIFY(!in.isParts());
        QCOMPARE(in.text, QStringLiteral("look\n[Image: %1]").arg(png));
        QCOMPARE(in.notes.size(), 1);
        QVERIFY2(in.notes.first().contains(QLatin1String("path")), qPrintable(in.notes.first()));
    }

    void remoteAgentGetsImagePartsAndInlineText()
    {
        const QString png = write(QStringLiteral("dot.png"), kPng);
        const QString notes = write(QStringLiteral("notes.txt"), "line one\nline two ü\n");
        const QJsonArray blocks{text(QStringLiteral("look")),
                                block(QStringLiteral("image"), png, QStringLiteral("image/png")),
                                block(QStringLiteral("file"), notes, QStringLiteral("text/plain"))};
        const AgentInput in = AgentInput::build(blocks, false);
        QVERIFY2(in.ok(), qPrintable(in.error));
        QVERIFY(in.isParts());
        const QJsonArray wire = in.wireValue().toArray();
        QCOMPARE(wire.size(), 1);
        QCOMPARE(wire.at(0).toObject().value(QLatin1String("role")).toString(), QStringLiteral("user"));
        const QJsonArray parts = wire.at(0).toObject().value(QLatin1String("content")).toArray();
        QCOMPARE(parts.size(), 3);
        QCOMPARE(parts.at(0).toObject(), text(QStringLiteral("look")));
        const QJsonObject image = parts.at(1).toObject();
        QCOMPARE(image.value(QLatin1String("type")).toString(), QStringLiteral("image_url"));
        QCOMPARE(image.value(QLatin1String("image_url")).toObject().value(QLatin1String("url")).toString(),
                 QStringLiteral("data:image/png;base64,") + QString::fromLatin1(kPng.toBase64()));
        const QString inline_ = parts.at(2).toObject().value(QLatin1String("text")).toString();
        QCOMPARE(inline_,
                 QStringLiteral("--- notes.txt ---\nline one\nline two ü\n--- end of notes.txt ---"));
        QCOMPARE(in.notes.size(), 2);
        QVERIFY2(in.notes.at(0).contains(QStringLiteral("as an image (1×1")), qPrintable(in.notes.at(0)));
        QVERIFY2(in.notes.at(1).contains(QLatin1String("inline as text")), qPrintable(in.notes.at(1)));
        // No local path reaches a remote agent.
        QVERIFY(!QJsonDocument(wire).toJson().contains(m_dir.path().toUtf8()));
    }

    void loopbackTunnelCanAskForInlineAttachments()
    {
        caduceus::hermes::AgentEndpoint endpoint;
        endpoint.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:8642"));
        QVERIFY(endpoint.readsLocalFiles());
        endpoint.baseUrl = QUrl(QStringLiteral("http://[::1]:8642"));
        QVERIFY(endpoint.readsLocalFiles());
        endpoint.baseUrl = QUrl(QStringLiteral("http://localhost:8642"));
        QVERIFY(endpoint.readsLocalFiles());
        endpoint.inlineAttachments = true;
        QVERIFY(!endpoint.readsLocalFiles());
        endpoint.inlineAttachments = false;
        endpoint.baseUrl = QUrl(QStringLiteral("https://agent.example.org"));
        QVERIFY(!endpoint.readsLocalFiles());
        endpoint.baseUrl = QUrl(QStringLiteral("http://192.168.1.20:8642"));
        QVERIFY(!endpoint.readsLocalFiles());
    }

    void binaryFileIsRefusedForRemoteAgent()
    {
        const QString bin = write(QStringLiteral("blob.bin"), QByteArray("\x7f"
                                                                         "ELF\x02\x01\x00\x00",
                                                                         8));
        QJsonArray blocks{text(QStringLiteral("see")),
                          block(QStringLiteral("file"), bin, QStringLiteral("application/octet-stream"))};
        const AgentInput in = AgentInput::build(blocks, false);
        QVERIFY(!in.ok());
        QVERIFY2(in.error.contains(QLatin1String("blob.bin is not a text file")), qPrintable(in.error));
        // Refused when the message is written, before it is queued.
        const QString planned = AgentInput::planDelivery(blocks, false);
        QCOMPARE(planned, in.error);
        // An agent on this computer opens it itself: no refusal, the path is sent.
        QVERIFY(AgentInput::planDelivery(blocks, true).isEmpty());
        QCOMPARE(blocks.at(1).toObject().value(QLatin1String("delivery")).toString(), QStringLiteral("path"));
    }

    void largeTextFileIsRefused()
    {
        const QString big =
            write(QStringLiteral("big.log"), QByteArray(AgentInput::MaxTextFileBytes + 1, 'a'));
        const AgentInput in = AgentInput::build(
            QJsonArray{block(QStringLiteral("file"), big, QStringLiteral("text/plain"))}, false);
        QVERIFY(!in.ok());
        QVERIFY2(in.error.contains(QLatin1String("big.log is")) && in.error.contains(QLatin1String("256 KB")),
                 qPrintable(in.error));
    }

    void imageTooLargeWithoutCodecIsRefused()
    {
        QByteArray huge = kPng;
        huge.append(QByteArray(AgentInput::MaxImageBytes, '\0'));
        const QString path = write(QStringLiteral("huge.png"), huge);
        const AgentInput in = AgentInput::build(
            QJsonArray{block(QStringLiteral("image"), path, QStringLiteral("image/png"))}, false);
        QVERIFY(!in.ok());
        QVERIFY2(in.error.startsWith(QLatin1String("huge.png cannot be sent to the agent")),
                 qPrintable(in.error));
    }

    void encoderDecidesTheImage()
    {
        const QString png = write(QStringLiteral("photo.png"), kPng);
        AgentInput::setImageEncoder([](const QString &, int maxSide, qint64 maxBytes) {
            AgentInput::EncodedImage out;
            out.data = QByteArray(maxBytes + 1, 'x'); // an encoder that cannot get under the limit
            out.mediaType = QStringLiteral("image/jpeg");
            out.original = QSize(8000, 6000);
            out.sent = QSize(maxSide, maxSide * 3 / 4);
            return out;
        });
        const AgentInput in = AgentInput::build(
            QJsonArray{block(QStringLiteral("image"), png, QStringLiteral("image/png"))}, false);
        AgentInput::setImageEncoder({});
        QVERIFY(!in.ok());
        QVERIFY2(in.error.contains(QLatin1String("after downscaling to 2048 pixels")) &&
                     in.error.contains(QLatin1String("5.0 MB")),
                 qPrintable(in.error));
    }

    void recordedDeliveryWins()
    {
        const QString notes = write(QStringLiteral("n.txt"), "hi\n");
        QJsonObject b = block(QStringLiteral("file"), notes, QStringLiteral("text/plain"));
        b.insert(QStringLiteral("delivery"), QStringLiteral("text"));
        // Written for a remote agent: sent inline even if the agent now is a local one.
        const AgentInput in = AgentInput::build(QJsonArray{b}, true);
        QVERIFY(in.isParts());
    }
};

QTEST_GUILESS_MAIN(AgentInputTest)
#include "tst_agent_input.moc"
