#include "chat/ContentBlocks.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using caduceus::chat::ContentBlocks;

namespace {

QJsonObject text(const QString &t)
{
    return {{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), t}};
}

QJsonObject image(const QString &path, const QString &name = QStringLiteral("shot.png"))
{
    return {{QStringLiteral("type"), QStringLiteral("image")},
            {QStringLiteral("name"), name},
            {QStringLiteral("path"), path},
            {QStringLiteral("media_type"), QStringLiteral("image/png")}};
}

QJsonObject file(const QString &path, const QString &name = QStringLiteral("notes.pdf"))
{
    return {{QStringLiteral("type"), QStringLiteral("file")},
            {QStringLiteral("name"), name},
            {QStringLiteral("path"), path}};
}

} // namespace

class TestContentBlocks : public QObject
{
    Q_OBJECT

private slots:
    void isBlockArray()
    {
        QVERIFY(ContentBlocks::isBlockArray(QJsonArray{text(QStringLiteral("hi"))}));
        QVERIFY(!ContentBlocks::isBlockArray(QJsonArray{}));
        QVERIFY(!ContentBlocks::isBlockArray(QJsonArray{QStringLiteral("hi")}));
        QVERIFY(!ContentBlocks::isBlockArray(
            QJsonArray{QJsonObject{{QStringLiteral("text"), QStringLiteral("x")}}}));
        QVERIFY(!ContentBlocks::isBlockArray(QStringLiteral("[{\"type\":\"text\"}]")));
    }

    void flattenString()
    {
        QCOMPARE(ContentBlocks::flattenForAgent(QStringLiteral("plain text\nkept")),
                 QStringLiteral("plain text\nkept"));
    }

    void flattenBlocks()
    {
        const QJsonArray blocks{text(QStringLiteral("What is in this picture?")),
                                image(QStringLiteral("/tmp/up/a.png")),
                                file(QStringLiteral("/tmp/up/notes.pdf")), text(QStringLiteral("Be brief."))};
        QCOMPARE(
            ContentBlocks::flattenForAgent(blocks),
            QStringLiteral(
                "What is in this picture?\n[Image: /tmp/up/a.png]\n[File: /tmp/up/notes.pdf]\nBe brief."));
    }

    void flattenAdjacentTextBlocksConcatenates()
    {
        const QJsonArray blocks{text(QStringLiteral("Hello ")), text(QStringLiteral("world"))};
        QCOMPARE(ContentBlocks::flattenForAgent(blocks), QStringLiteral("Hello world"));
    }

    void flattenAttachmentOnly()
    {
        QCOMPARE(ContentBlocks::flattenForAgent(QJsonArray{image(QStringLiteral("C:/Users/me/x.png"))}),
                 QStringLiteral("[Image: C:/Users/me/x.png]"));
    }

    void flattenAttachmentWithoutPath()
    {
        // Blocks read back from the agent's transcript are not validated and may lack a path.
        const QJsonArray blocks{QJsonObject{{QStringLiteral("type"), QStringLiteral("image")},
                                            {QStringLiteral("name"), QStringLiteral("chart.png")}},
                                QJsonObject{{QStringLiteral("type"), QStringLiteral("file")}}};
        QCOMPARE(ContentBlocks::flattenForAgent(blocks), QStringLiteral("[Image: chart.png]\n[File]"));
    }

    void storedTextRoundTrip()
    {
        const QJsonArray blocks{text(QStringLiteral("see [attached] \"file\"")),
                                file(QStringLiteral("/tmp/f.txt"))};
        const QString stored = ContentBlocks::storedText(blocks);
        QVERIFY(!stored.contains(QLatin1Char('\n'))); // compact
        QCOMPARE(ContentBlocks::fromStoredText(stored), QJsonValue(blocks));
        QCOMPARE(ContentBlocks::storedText(QStringLiteral("just text")), QStringLiteral("just text"));
        QCOMPARE(ContentBlocks::fromStoredText(QStringLiteral("just text")),
                 QJsonValue(QStringLiteral("just text")));
    }

    void fromStoredTextKeepsUserTextThatLooksLikeJson()
    {
        // A user who types JSON must get their text back, not a reinterpretation.
        for (const QString &typed :
             {QStringLiteral("[1, 2, 3]"), QStringLiteral("[{\"type\":\"fruit\"}]"),
              QStringLiteral("[not json]"), QStringLiteral("[{\"type\":\"image\"}]")}) {
            QCOMPARE(ContentBlocks::fromStoredText(typed), QJsonValue(typed));
        }
    }

    void previewText()
    {
        const QJsonArray blocks{text(QStringLiteral("First line\r\nsecond line")),
                                image(QStringLiteral("/tmp/a.png")), text(QStringLiteral("third"))};
        QCOMPARE(ContentBlocks::previewText(blocks), QStringLiteral("First line second line third"));
        QCOMPARE(ContentBlocks::previewText(QStringLiteral("a\nb\rc")), QStringLiteral("a b c"));
        QCOMPARE(ContentBlocks::previewText(QString(300, QLatin1Char('x')), 100).size(), 100);
        QCOMPARE(ContentBlocks::previewText(QStringLiteral("  padded  ")), QStringLiteral("padded"));
    }

    void previewOfAttachmentsOnlyShowsNames()
    {
        const QJsonArray blocks{image(QStringLiteral("/tmp/a.png"), QStringLiteral("diagram.png")),
                                file(QStringLiteral("/tmp/b.pdf"), QStringLiteral("spec.pdf"))};
        QCOMPARE(ContentBlocks::previewText(blocks), QStringLiteral("[Image: diagram.png] [File: spec.pdf]"));
    }

    void previewNeverSplitsSurrogatePairs()
    {
        const QString emoji = QString::fromUcs4(U"\U0001F600");
        const QString preview =
            ContentBlocks::previewText(QStringLiteral("ab") + emoji + QStringLiteral("cd"), 3);
        QCOMPARE(preview, QStringLiteral("ab"));
    }

    void validInputs()
    {
        QCOMPARE(ContentBlocks::validate(QStringLiteral("hello")), QString());
        QCOMPARE(ContentBlocks::validate(
                     QJsonArray{text(QStringLiteral("look")), image(QStringLiteral("/tmp/a.png"))}),
                 QString());
        QCOMPARE(ContentBlocks::validate(QJsonArray{file(QStringLiteral("/tmp/a.txt"))}), QString());
    }

    void invalidInputs_data()
    {
        QTest::addColumn<QJsonValue>("input");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("number") << QJsonValue(42) << QStringLiteral("string or an array");
        QTest::newRow("object") << QJsonValue(text(QStringLiteral("x")))
                                << QStringLiteral("string or an array");
        QTest::newRow("empty string") << QJsonValue(QStringLiteral("  \n")) << QStringLiteral("empty");
        QTest::newRow("empty array") << QJsonValue(QJsonArray{}) << QStringLiteral("empty");
        QTest::newRow("only blank text")
            << QJsonValue(QJsonArray{text(QStringLiteral(" "))}) << QStringLiteral("empty");
        QTest::newRow("item not object")
            << QJsonValue(QJsonArray{QStringLiteral("hi")}) << QStringLiteral("Block 1");
        QTest::newRow("no type") << QJsonValue(QJsonArray{
                                        QJsonObject{{QStringLiteral("text"), QStringLiteral("x")}}})
                                 << QStringLiteral("type");
        QTest::newRow("unknown type")
            << QJsonValue(QJsonArray{text(QStringLiteral("x")),
                                     QJsonObject{{QStringLiteral("type"), QStringLiteral("audio")}}})
            << QStringLiteral("Block 2 has the unknown type \"audio\"");
        QTest::newRow("text not string")
            << QJsonValue(QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                                 {QStringLiteral("text"), 5}}})
            << QStringLiteral("\"text\" string");
        QTest::newRow("image without path")
            << QJsonValue(QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("image")},
                                                 {QStringLiteral("name"), QStringLiteral("a.png")}}})
            << QStringLiteral("has no path");
        QTest::newRow("file with empty path")
            << QJsonValue(QJsonArray{file(QString())}) << QStringLiteral("has no path");
        QTest::newRow("path with newline") << QJsonValue(QJsonArray{file(QStringLiteral("/tmp/a\nb"))})
                                           << QStringLiteral("control character");
        QTest::newRow("name not string")
            << QJsonValue(QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("file")},
                                                 {QStringLiteral("path"), QStringLiteral("/a")},
                                                 {QStringLiteral("name"), 3}}})
            << QStringLiteral("\"name\"");

        QJsonArray tooMany;
        for (int i = 0; i < ContentBlocks::MaxBlocks + 1; ++i)
            tooMany.append(text(QStringLiteral("x")));
        QTest::newRow("too many blocks") << QJsonValue(tooMany) << QStringLiteral("at most 50");

        const QString half(600 * 1024, QLatin1Char('y'));
        QTest::newRow("too much text in blocks")
            << QJsonValue(QJsonArray{text(half), text(half)}) << QStringLiteral("1 MB");
        QTest::newRow("too much text")
            << QJsonValue(QString(1024 * 1024 + 1, QLatin1Char('z'))) << QStringLiteral("1 MB");
        // 400 000 Chinese characters are 1.2 MB of UTF-8: the limit is about bytes on the wire.
        QTest::newRow("too many UTF-8 bytes")
            << QJsonValue(QString(400 * 1000, QChar(0x4F60))) << QStringLiteral("1 MB");
    }

    void invalidInputs()
    {
        QFETCH(QJsonValue, input);
        QFETCH(QString, mentions);
        const QString error = ContentBlocks::validate(input);
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }

    void exactlyAtTheLimitsIsFine()
    {
        QJsonArray fifty;
        for (int i = 0; i < ContentBlocks::MaxBlocks; ++i)
            fifty.append(text(QStringLiteral("x")));
        QCOMPARE(ContentBlocks::validate(fifty), QString());
        QCOMPARE(ContentBlocks::validate(QString(1024 * 1024, QLatin1Char('z'))), QString());
    }
};

QTEST_GUILESS_MAIN(TestContentBlocks)
#include "tst_content_blocks.moc"
