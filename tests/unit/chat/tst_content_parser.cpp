#include "chat/ContentParser.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using caduceus::chat::ContentParser;
using caduceus::chat::ParsedContent;

namespace {

QJsonObject argumentsOf(const ParsedContent &parsed, int index)
{
    const QString arguments = parsed.toolCalls.at(index)
                                  .toObject()
                                  .value(QLatin1String("function"))
                                  .toObject()
                                  .value(QLatin1String("arguments"))
                                  .toString();
    return QJsonDocument::fromJson(arguments.toUtf8()).object();
}

} // namespace

class TestContentParser : public QObject
{
    Q_OBJECT

private slots:
    void looksLikeContentArray_data()
    {
        QTest::addColumn<QString>("raw");
        QTest::addColumn<bool>("expected");
        QTest::newRow("json array") << "[{\"type\":\"text\",\"text\":\"hi\"}]" << true;
        QTest::newRow("padded") << "\n  [{'type': 'text'}]  \n" << true;
        QTest::newRow("double serialised")
            << "\"[{\\\"type\\\":\\\"text\\\",\\\"text\\\":\\\"hi\\\"}]\"" << true;
        QTest::newRow("plain prose") << "Hello [world]" << false;
        QTest::newRow("starts only") << "[1, 2" << false;
        QTest::newRow("empty") << "" << false;
        QTest::newRow("quoted prose") << "\"just a quote\"" << false;
    }

    void looksLikeContentArray()
    {
        QFETCH(QString, raw);
        QFETCH(bool, expected);
        QCOMPARE(ContentParser::looksLikeContentArray(raw), expected);
    }

    void strictJsonWithAllBlockKinds()
    {
        const QString raw =
            QStringLiteral("[{\"type\":\"thinking\",\"thinking\":\"The user wants the file list.\"},"
                           "{\"type\":\"text\",\"text\":\"Let me look. \"},"
                           "{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"terminal\",\"input\":{"
                           "\"command\":\"ls -la\",\"timeout\":30}},"
                           "{\"type\":\"text\",\"text\":\"Done.\"}]");
        const ParsedContent parsed = ContentParser::parse(raw);
        QVERIFY(parsed.ok);
        QCOMPARE(parsed.text, QStringLiteral("Let me look. Done."));
        QCOMPARE(parsed.reasoning, QStringLiteral("The user wants the file list."));
        QCOMPARE(parsed.toolCalls.size(), 1);
        const QJsonObject call = parsed.toolCalls.first().toObject();
        QCOMPARE(call.value(QLatin1String("id")).toString(), QStringLiteral("toolu_01"));
        QCOMPARE(call.value(QLatin1String("type")).toString(), QStringLiteral("function"));
        QCOMPARE(call.value(QLatin1String("function")).toObject().value(QLatin1String("name")).toString(),
                 QStringLiteral("terminal"));
        const QJsonObject arguments = argumentsOf(parsed, 0);
        QCOMPARE(arguments.value(QLatin1String("command")).toString(), QStringLiteral("ls -la"));
        QCOMPARE(arguments.value(QLatin1String("timeout")).toInt(), 30);
    }

    void severalThinkingBlocksAreSeparated()
    {
        const ParsedContent parsed = ContentParser::parse(QStringLiteral(
            "[{\"type\":\"thinking\",\"thinking\":\"first\"},{\"type\":\"redacted_thinking\",\"data\":\"x\"},"
            "{\"type\":\"thinking\",\"thinking\":\"second\"},{\"type\":\"text\",\"text\":\"answer\"}]"));
        QVERIFY(parsed.ok);
        QCOMPARE(parsed.reasoning, QStringLiteral("first\n\nsecond"));
        QCOMPARE(parsed.text, QStringLiteral("answer"));
    }

    void pythonReprWithKeywords()
    {
        const QString raw = QStringLiteral(
            "[{'type': 'text', 'text': 'Running it now.'}, {'type': 'tool_use', 'id': 'toolu_9', 'name': "
            "'terminal', "
            "'input': {'command': 'pytest -q', 'background': False, 'timeout': None, 'check': True}}]");
        const ParsedContent parsed = ContentParser::parse(raw);
        QVERIFY(parsed.ok);
        QCOMPARE(parsed.text, QStringLiteral("Running it now."));
        const QJsonObject arguments = argumentsOf(parsed, 0);
        QCOMPARE(arguments.value(QLatin1String("command")).toString(), QStringLiteral("pytest -q"));
        QVERIFY(arguments.value(QLatin1String("background")).isBool());
        QCOMPARE(arguments.value(QLatin1String("background")).toBool(), false);
        QVERIFY(arguments.value(QLatin1String("timeout")).isNull());
        QCOMPARE(arguments.value(QLatin1String("check")).toBool(), true);
    }

    void apostrophes_data()
    {
        QTest::addColumn<QString>("raw");
        QTest::addColumn<QString>("text");
        QTest::newRow("double-quoted repr string")
            << QStringLiteral("[{'type': 'text', 'text': \"It's fine, isn't it?\"}]")
            << QStringLiteral("It's fine, isn't it?");
        QTest::newRow("escaped in single quotes")
            << QStringLiteral("[{'type': 'text', 'text': 'It\\'s fine, isn\\'t it?'}]")
            << QStringLiteral("It's fine, isn't it?");
        QTest::newRow("bare in single quotes")
            << QStringLiteral("[{'type': 'text', 'text': 'It's the user's file'}]")
            << QStringLiteral("It's the user's file");
        QTest::newRow("quoted word with comma after")
            << QStringLiteral("[{'type': 'text', 'text': 'He said 'hi', then left'}]")
            << QStringLiteral("He said 'hi', then left");
        QTest::newRow("rock 'n' roll") << QStringLiteral("[{'type': 'text', 'text': 'rock 'n' roll'}]")
                                       << QStringLiteral("rock 'n' roll");
        QTest::newRow("double quotes inside single")
            << QStringLiteral("[{'type': 'text', 'text': 'say \"hi\"'}]") << QStringLiteral("say \"hi\"");
        QTest::newRow("strict json apostrophe")
            << QStringLiteral("[{\"type\":\"text\",\"text\":\"It's ok\"}]") << QStringLiteral("It's ok");
    }

    void apostrophes()
    {
        QFETCH(QString, raw);
        QFETCH(QString, text);
        const ParsedContent parsed = ContentParser::parse(raw);
        QVERIFY2(parsed.ok, qPrintable(raw));
        QCOMPARE(parsed.text, text);
    }

    void keywordsInsideTextSurvive()
    {
        const ParsedContent parsed =
            ContentParser::parse(QStringLiteral("[{'type': 'text', 'text': 'None of the checks returned "
                                                "True; False alarms: None. NoneType is fine.', "
                                                "'cache': None}]"));
        QVERIFY(parsed.ok);
        QCOMPARE(parsed.text,
                 QStringLiteral("None of the checks returned True; False alarms: None. NoneType is fine."));
    }

    void escapesAreDecoded()
    {
        const ParsedContent parsed = ContentParser::parse(
            QStringLiteral("[{'type': 'text', 'text': 'a\\nb\\tc \\\\ d \\x41 \\u00e9 \\U0001F600 \\q'}]"));
        QVERIFY(parsed.ok);
        QCOMPARE(parsed.text, QStringLiteral("a\nb\tc \\ d A \u00e9 ") + QString::fromUcs4(U"\U0001F600") +
                                  QStringLiteral(" \\q"));
    }

    void rawLineBreaksInsideStrings()
    {
        // LLM-written JSON sometimes has literal line breaks inside strings: strict JSON refuses, repair
        // accepts.
        const ParsedContent parsed =
            ContentParser::parse(QStringLiteral("[{\"type\": \"text\", \"text\": \"line one\nline two\"}]"));
        QVERIFY(parsed.ok);
        QCOMPARE(parsed.text, QStringLiteral("line one\nline two"));
    }

    void unicodeSurvives()
    {
        const ParsedContent parsed =
            ContentParser::parse(QStringLiteral("[{'type': 'text', 'text': '你好 — ok ") +
                                 QString::fromUcs4(U"\U0001F600") + QStringLiteral("'}]"));
        QVERIFY(parsed.ok);
        QCOMPARE(parsed.text, QStringLiteral("你好 — ok ") + QString::fromUcs4(U"\U0001F600"));
    }

    void nestedToolInput()
    {
        const ParsedContent parsed = ContentParser::parse(QStringLiteral(
            "[{'type': 'tool_use', 'id': 'toolu_2', 'name': 'write_files', 'input': {'files': [{'path': "
            "'/tmp/a.txt', "
            "'options': {'overwrite': True, 'mode': 420}}, {'path': '/tmp/b.txt', 'options': {}}], "
            "'note': \"don't touch None\"}}]"));
        QVERIFY(parsed.ok);
        QVERIFY(parsed.text.isEmpty());
        const QJsonObject arguments = argumentsOf(parsed, 0);
        const QJsonArray files = arguments.value(QLatin1String("files")).toArray();
        QCOMPARE(files.size(), 2);
        const QJsonObject options = files.first().toObject().value(QLatin1String("options")).toObject();
        QCOMPARE(options.value(QLatin1String("overwrite")).toBool(), true);
        QCOMPARE(options.value(QLatin1String("mode")).toInt(), 420);
        QCOMPARE(arguments.value(QLatin1String("note")).toString(), QStringLiteral("don't touch None"));
    }

    void toolInputShapes()
    {
        const ParsedContent parsed = ContentParser::parse(QStringLiteral(
            "[{\"type\":\"tool_use\",\"id\":\"a\",\"name\":\"x\",\"input\":\"{\\\"raw\\\":1}\"},"
            "{\"type\":\"tool_use\",\"id\":\"b\",\"name\":\"y\"}]"));
        QVERIFY(parsed.ok);
        QCOMPARE(parsed.toolCalls.size(), 2);
        auto arguments = [&](int i) {
            return parsed.toolCalls.at(i)
                .toObject()
                .value(QLatin1String("function"))
                .toObject()
                .value(QLatin1String("arguments"))
                .toString();
        };
        QCOMPARE(arguments(0), QStringLiteral("{\"raw\":1}"));
        QCOMPARE(arguments(1), QStringLiteral("{}"));
    }

    void doubleSerialised_data()
    {
        QTest::addColumn<QString>("raw");
        QTest::newRow("json string of json")
            << QStringLiteral("\"[{\\\"type\\\":\\\"text\\\",\\\"text\\\":\\\"It's here\\\"}]\"");
        QTest::newRow("quotes around python repr")
            << QStringLiteral("\"[{'type': 'text', 'text': 'It's here'}]\"");
        QTest::newRow("padded") << QStringLiteral(
            "  \"[{\\\"type\\\": \\\"text\\\", \\\"text\\\": \\\"It's here\\\"}]\"\n");
    }

    void doubleSerialised()
    {
        QFETCH(QString, raw);
        QVERIFY(ContentParser::looksLikeContentArray(raw));
        const ParsedContent parsed = ContentParser::parse(raw);
        QVERIFY2(parsed.ok, qPrintable(raw));
        QCOMPARE(parsed.text, QStringLiteral("It's here"));
    }

    void notContentArrays_data()
    {
        QTest::addColumn<QString>("raw");
        QTest::newRow("empty") << QString();
        QTest::newRow("prose") << QStringLiteral("Hello there, it's me.");
        QTest::newRow("lonely bracket") << QStringLiteral("[");
        QTest::newRow("empty array") << QStringLiteral("[]");
        QTest::newRow("bracketed prose") << QStringLiteral("[see the note above]");
        QTest::newRow("numbers") << QStringLiteral("[1, 2, 3]");
        QTest::newRow("json answer") << QStringLiteral("[{\"type\":\"fruit\",\"name\":\"apple\"}]");
        QTest::newRow("unterminated string") << QStringLiteral("[{'type': 'text', 'text': 'never closed]");
        QTest::newRow("trailing garbage") << QStringLiteral("[{'type': 'text', 'text': 'a'} extra]");
        QTest::newRow("python call") << QStringLiteral("[print('hi')]");
        QTest::newRow("bad escape at end") << QStringLiteral("[{'type': 'text', 'text': 'x\\");
        QTest::newRow("bad hex escape") << QStringLiteral("[{'type': 'text', 'text': '\\xZZ'}]");
        QTest::newRow("nan") << QStringLiteral("[{'type': 'text', 'text': 'x', 'n': nan}]");
        QTest::newRow("deep nesting")
            << QString(100000, QLatin1Char('[')) + QString(100000, QLatin1Char(']'));
    }

    void notContentArrays()
    {
        QFETCH(QString, raw);
        const ParsedContent parsed = ContentParser::parse(raw);
        QVERIFY(!parsed.ok);
        QVERIFY(parsed.text.isEmpty());
        QVERIFY(parsed.toolCalls.isEmpty());
    }

    void everyTruncationFailsCleanly()
    {
        const QString full = QStringLiteral(
            "[{'type': 'thinking', 'thinking': 'Plan: check None first'}, {'type': 'text', 'text': 'It\\'s "
            "done, isn't it?'}, {'type': 'tool_use', 'id': 'toolu_3', 'name': 'read', 'input': {'path': "
            "'/tmp/x', "
            "'lines': (1, 20), 'strict': False}}]");
        QVERIFY(ContentParser::parse(full).ok);
        for (qsizetype cut = 0; cut < full.size(); ++cut) {
            const ParsedContent parsed = ContentParser::parse(full.left(cut));
            QVERIFY2(!parsed.ok, qPrintable(QStringLiteral("prefix of %1 chars parsed").arg(cut)));
        }
    }

    void randomGarbageNeverCrashes()
    {
        QRandomGenerator random(20240611);
        const QString alphabet = QStringLiteral("[]{}():,'\"\\ TrueFalseNone0123456789abcxu\n\t-.é你");
        for (int round = 0; round < 3000; ++round) {
            QString text(QLatin1Char('['));
            const int length = int(random.bounded(1, 80));
            for (int i = 0; i < length; ++i)
                text += alphabet.at(random.bounded(alphabet.size()));
            text += QLatin1Char(']');
            const ParsedContent parsed = ContentParser::parse(text);
            if (!parsed.ok)
                QVERIFY(parsed.text.isEmpty() && parsed.reasoning.isEmpty() && parsed.toolCalls.isEmpty());
        }
    }

    void oneMegabyteInput()
    {
        QString body;
        const QString sentence = QStringLiteral("It's a long line with None and True in it, isn't it? ");
        while (body.size() < 1024 * 1024)
            body += sentence;
        QString escaped = body;
        escaped.replace(QLatin1Char('\''), QLatin1String("\\'"));
        const QString raw = QStringLiteral("[{'type': 'text', 'text': '") + escaped + QStringLiteral("'}]");

        QElapsedTimer timer;
        timer.start();
        const ParsedContent parsed = ContentParser::parse(raw);
        QVERIFY(parsed.ok);
        QCOMPARE(parsed.text, body);
        QVERIFY2(timer.elapsed() < 5000, "a 1 MB content array must parse in well under 5 s");
    }

    void oversizedInputIsRefused()
    {
        QString raw = QStringLiteral("[{\"type\":\"text\",\"text\":\"");
        raw += QString(ContentParser::MaxInputChars, QLatin1Char('x'));
        raw += QStringLiteral("\"}]");
        QVERIFY(!ContentParser::parse(raw).ok);
    }

    void reprToJsonKeepsStringBoundaries()
    {
        const QString json = ContentParser::pythonReprToJson(u"{'a': None, 'b': 'None', 'c': (True, False)}");
        QCOMPARE(QJsonDocument::fromJson(json.toUtf8()).object(),
                 (QJsonObject{{QStringLiteral("a"), QJsonValue::Null},
                              {QStringLiteral("b"), QStringLiteral("None")},
                              {QStringLiteral("c"), QJsonArray{true, false}}}));
        QVERIFY(ContentParser::pythonReprToJson(u"{'a': undefined_name}").isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestContentParser)
#include "tst_content_parser.moc"
