// multipart/form-data parsing of uploads: browser bodies, names, limits, malformed input, and a seeded
// mutation run that must never crash, hang, or hand out a part outside the body.
#include "net/MultipartParser.h"

#include <QRandomGenerator>
#include <QTest>

using namespace caduceus::net;

namespace {

const QByteArray kBoundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

QByteArray part(const QByteArray &disposition, const QByteArray &type, const QByteArray &data)
{
    QByteArray out = "--" + kBoundary + "\r\nContent-Disposition: " + disposition + "\r\n";
    if (!type.isEmpty())
        out += "Content-Type: " + type + "\r\n";
    out += "\r\n" + data + "\r\n";
    return out;
}

QByteArray closing()
{
    return "--" + kBoundary + "--\r\n";
}

// Binary content that contains CR/LF, NUL and a near-miss of the delimiter.
QByteArray awkwardBytes()
{
    QByteArray bytes("\x89PNG\r\n\x1a\n\0\0", 10);
    bytes += "\r\n--" + kBoundary.left(10) + "\r\n--not-it\r\n";
    for (int i = 0; i < 256; ++i)
        bytes += char(i);
    return bytes;
}

} // namespace

class TestMultipartParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void boundaryFromBrowserContentType()
    {
        const auto b = MultipartParser::boundaryFromContentType("multipart/form-data; boundary=" + kBoundary);
        QVERIFY(b.error.isEmpty());
        QCOMPARE(b.value, kBoundary);
        const auto quoted = MultipartParser::boundaryFromContentType("Multipart/Form-Data; charset=utf-8; "
                                                                     "boundary=\"a b:c\"");
        QVERIFY(quoted.error.isEmpty());
        QCOMPARE(quoted.value, QByteArray("a b:c"));
    }

    void boundaryErrors()
    {
        QVERIFY(!MultipartParser::boundaryFromContentType("application/json").error.isEmpty());
        QVERIFY(!MultipartParser::boundaryFromContentType("multipart/form-data").error.isEmpty());
        QVERIFY(!MultipartParser::boundaryFromContentType("multipart/form-data; boundary=").error.isEmpty());
        QVERIFY(
            !MultipartParser::boundaryFromContentType("multipart/form-data; boundary=" + QByteArray(71, 'a'))
                 .error.isEmpty());
        QVERIFY(!MultipartParser::boundaryFromContentType("multipart/form-data; boundary=\"a\rb\"")
                     .error.isEmpty());
        QVERIFY(!MultipartParser::boundaryFromContentType("multipart/form-data; boundary=\"ends \"")
                     .error.isEmpty());
    }

    void filesInOrderWithExactBytes()
    {
        const QByteArray binary = awkwardBytes();
        const QByteArray body = part("form-data; name=\"file\"; filename=\"a.png\"", "image/png", binary) +
                                part("form-data; name=\"note\"", "", "plain field") +
                                part("form-data; name=\"file\"; filename=\"b.txt\"", "text/plain", "second") +
                                closing();
        const auto result = MultipartParser::parse(body, kBoundary);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(result.parts.size(), 3);
        QCOMPARE(result.parts[0].name, QByteArray("file"));
        QVERIFY(result.parts[0].isFile);
        QCOMPARE(result.parts[0].fileName, QStringLiteral("a.png"));
        QCOMPARE(result.parts[0].contentType, QByteArray("image/png"));
        QCOMPARE(result.parts[0].data.toByteArray(), binary);
        QVERIFY(!result.parts[1].isFile);
        QCOMPARE(result.parts[1].data.toByteArray(), QByteArray("plain field"));
        QCOMPARE(result.parts[2].fileName, QStringLiteral("b.txt"));
        QCOMPARE(result.parts[2].data.toByteArray(), QByteArray("second"));
    }

    void preambleEpilogueAndEmptyFile()
    {
        const QByteArray body = "ignored preamble\r\n" +
                                part("form-data; name=\"file\"; filename=\"empty.bin\"", "", "") + closing() +
                                "epilogue bytes";
        const auto result = MultipartParser::parse(body, kBoundary);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(result.parts.size(), 1);
        QVERIFY(result.parts[0].isFile);
        QCOMPARE(result.parts[0].data.size(), 0);
    }

    void fileNamesAsBrowsersAndCurlSendThem()
    {
        QByteArray name;
        QString file;
        bool hasFile = false;
        QVERIFY(MultipartParser::parseContentDisposition(
            "form-data; name=\"file\"; filename=\"quote%22in%0Aname.txt\"", &name, &file, &hasFile));
        QCOMPARE(file, QStringLiteral("quote\"in\nname.txt"));
        QVERIFY(MultipartParser::parseContentDisposition("form-data; name=file; filename=\"a\\\"b.txt\"",
                                                         &name, &file, &hasFile));
        QCOMPARE(name, QByteArray("file"));
        QCOMPARE(file, QStringLiteral("a\"b.txt"));
        // Old browsers sent the whole client path.
        QVERIFY(MultipartParser::parseContentDisposition(
            "form-data; name=\"f\"; filename=\"C:\\Users\\me\\x.doc\"", &name, &file, &hasFile));
        QCOMPARE(file, QStringLiteral("x.doc"));
        // filename* (RFC 5987) wins, in either order.
        QVERIFY(MultipartParser::parseContentDisposition(
            "form-data; name=\"f\"; filename*=UTF-8''%E4%BD%A0%E5%A5%BD.txt; filename=\"fallback.txt\"",
            &name, &file, &hasFile));
        QCOMPARE(file, QStringLiteral("你好.txt"));
        QVERIFY(hasFile);
        // UTF-8 straight in the quoted string, as Chrome sends it.
        QVERIFY(MultipartParser::parseContentDisposition(QByteArray("form-data; name=\"f\"; filename=\"") +
                                                             QStringLiteral("résumé.pdf").toUtf8() + "\"",
                                                         &name, &file, &hasFile));
        QCOMPARE(file, QStringLiteral("résumé.pdf"));
        QVERIFY(
            !MultipartParser::parseContentDisposition("attachment; filename=\"a\"", &name, &file, &hasFile));
        QVERIFY(MultipartParser::parseContentDisposition("form-data; name=\"text\"", &name, &file, &hasFile));
        QVERIFY(!hasFile);
    }

    void malformedBodiesAreErrorsNotCrashes_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        const QByteArray good = part("form-data; name=\"file\"; filename=\"a\"", "", "data");
        QTest::newRow("empty") << QByteArray() << 400;
        QTest::newRow("no boundary in body") << QByteArray("just text") << 400;
        QTest::newRow("no closing delimiter") << good << 400;
        QTest::newRow("cut in the headers")
            << QByteArray("--" + kBoundary + "\r\nContent-Disposition: form") << 400;
        QTest::newRow("no disposition")
            << QByteArray("--" + kBoundary + "\r\nContent-Type: text/plain\r\n\r\nx\r\n" + closing()) << 400;
        QTest::newRow("header without colon")
            << QByteArray("--" + kBoundary + "\r\nbroken header\r\n\r\nx\r\n" + closing()) << 400;
        QTest::newRow("garbage after boundary") << QByteArray("--" + kBoundary + "xyz\r\n") << 400;
        QTest::newRow("not form-data")
            << QByteArray("--" + kBoundary + "\r\nContent-Disposition: attachment\r\n\r\nx\r\n" + closing())
            << 400;
        QTest::newRow("huge part header")
            << QByteArray("--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" +
                          QByteArray(9000, 'n') + "\"\r\n\r\nx\r\n" + closing())
            << 400;
        QByteArray many;
        for (int i = 0; i < 65; ++i)
            many += part("form-data; name=\"f\"", "", "x");
        QTest::newRow("too many parts") << QByteArray(many + closing()) << 413;
    }

    void malformedBodiesAreErrorsNotCrashes()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        const auto result = MultipartParser::parse(body, kBoundary);
        QCOMPARE(result.errorStatus, status);
        QVERIFY(!result.error.isEmpty());
        QVERIFY(result.parts.isEmpty());
    }

    void partLimitIsConfigurable()
    {
        QByteArray body;
        for (int i = 0; i < 3; ++i)
            body += part("form-data; name=\"file\"; filename=\"f\"", "", "x");
        body += closing();
        MultipartLimits limits;
        limits.maxParts = 2;
        QCOMPARE(MultipartParser::parse(body, kBoundary, limits).errorStatus, 413);
        limits.maxParts = 3;
        QVERIFY(MultipartParser::parse(body, kBoundary, limits).ok());
    }

    // A deterministic stand-in for the libFuzzer run (tests/fuzz/fuzz_multipart.cpp): mutate valid bodies and
    // check the invariants a caller relies on.
    void mutatedBodiesKeepInvariants()
    {
        const QByteArray seed =
            part("form-data; name=\"file\"; filename=\"a.png\"", "image/png", awkwardBytes()) +
            part("form-data; name=\"x\"", "", "y") + closing();
        QRandomGenerator random(20240601);
        int parsedOk = 0;
        for (int round = 0; round < 20000; ++round) {
            QByteArray body = seed;
            const int edits = 1 + int(random.bounded(8));
            for (int e = 0; e < edits && !body.isEmpty(); ++e) {
                const qsizetype at = random.bounded(int(body.size()));
                switch (random.bounded(4)) {
                case 0:
                    body[at] = char(random.bounded(256));
                    break;
                case 1:
                    body.remove(at, 1 + random.bounded(16));
                    break;
                case 2:
                    body.insert(at, seed.mid(random.bounded(int(seed.size())), 1 + random.bounded(48)));
                    break;
                default:
                    body.truncate(at);
                    break;
                }
            }
            const auto result = MultipartParser::parse(body, kBoundary);
            QVERIFY(result.ok() || (result.errorStatus == 400 || result.errorStatus == 413));
            QVERIFY(result.ok() || result.parts.isEmpty());
            for (const MultipartPart &p : result.parts) {
                QVERIFY(p.data.data() >= body.constData());
                QVERIFY(p.data.data() + p.data.size() <= body.constData() + body.size());
            }
            parsedOk += result.ok();
        }
        // Mutations that miss the framing still parse: the run exercised both paths.
        QVERIFY(parsedOk > 100);
        QVERIFY(parsedOk < 20000);
    }

    void largeBodyIsParsedWithoutCopies()
    {
        QByteArray big(32 * 1024 * 1024, 'z');
        const QByteArray body = part("form-data; name=\"file\"; filename=\"big.bin\"", "", big) + closing();
        QElapsedTimer clock;
        clock.start();
        const auto result = MultipartParser::parse(body, kBoundary);
        QVERIFY(result.ok());
        QCOMPARE(result.parts[0].data.size(), big.size());
        QVERIFY(result.parts[0].data.data() > body.constData()); // a view, not a copy
        qInfo("32 MiB part parsed in %lld ms", qint64(clock.elapsed()));
    }
};

QTEST_GUILESS_MAIN(TestMultipartParser)
#include "tst_multipart_parser.moc"
