#include "net/HttpRequestParser.h"

#include <QTest>

using caduceus::net::HttpParserLimits;
using caduceus::net::HttpRequest;
using caduceus::net::HttpRequestParser;

namespace {

struct ParseResult
{
    QList<HttpRequest> requests;
    int errorStatus = 0;
    qsizetype consumed = 0;
};

// Feeds the pieces in order, collecting every completed request, like a connection would.
ParseResult parsePieces(const QList<QByteArray> &pieces, const HttpParserLimits &limits = {})
{
    HttpRequestParser parser(limits);
    ParseResult result;
    for (const QByteArray &piece : pieces) {
        qsizetype offset = 0;
        while (offset < piece.size()) {
            const qsizetype used = parser.feed(QByteArrayView(piece).sliced(offset));
            offset += used;
            result.consumed += used;
            if (parser.hasFailed()) {
                result.errorStatus = parser.errorStatus();
                return result;
            }
            if (parser.isComplete())
                result.requests.append(parser.takeRequest());
            else if (used == 0)
                break;
        }
    }
    return result;
}

ParseResult parse(const QByteArray &bytes, const HttpParserLimits &limits = {})
{
    return parsePieces({bytes}, limits);
}

const QByteArray kPostWithBody = "POST /v1/runs HTTP/1.1\r\n"
                                 "Host: 127.0.0.1\r\n"
                                 "Content-Type: application/json\r\n"
                                 "Content-Length: 17\r\n"
                                 "\r\n"
                                 "{\"input\":\"hello\"}";

const QByteArray kChunkedPost = "POST /upload HTTP/1.1\r\n"
                                "Transfer-Encoding: chunked\r\n"
                                "\r\n"
                                "5;name=value\r\nhello\r\n"
                                "7\r\n, world\r\n"
                                "0\r\n"
                                "X-Trailer: ignored\r\n"
                                "\r\n";

} // namespace

class TestHttpParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesRequestLineHeadersAndQuery()
    {
        const ParseResult result = parse("GET /v1/runs/abc%20d/events?x=1&y=a%20b HTTP/1.1\r\n"
                                         "Host: example\r\n"
                                         "X-Hermes-Session-Key:   caduceus:s1  \r\n"
                                         "\r\n");
        QCOMPARE(result.errorStatus, 0);
        QCOMPARE(result.requests.size(), 1);
        const HttpRequest &request = result.requests.first();
        QCOMPARE(request.method, QByteArray("GET"));
        QCOMPARE(request.target, QByteArray("/v1/runs/abc%20d/events?x=1&y=a%20b"));
        QCOMPARE(request.path, QStringLiteral("/v1/runs/abc d/events"));
        QCOMPARE(request.version, QByteArray("HTTP/1.1"));
        QCOMPARE(request.query.queryItemValue("x"), QStringLiteral("1"));
        QCOMPARE(request.query.queryItemValue("y", QUrl::FullyDecoded), QStringLiteral("a b"));
        QCOMPARE(request.headers.size(), 2);
        QCOMPARE(request.headers.at(1).first, QByteArray("x-hermes-session-key"));
        QCOMPARE(request.header("X-HERMES-SESSION-KEY"), QByteArray("caduceus:s1"));
        QVERIFY(request.body.isEmpty());
    }

    void decodesUtf8Path()
    {
        const ParseResult result = parse("GET /api/sessions/%E6%B8%85%E7%90%86 HTTP/1.1\r\n\r\n");
        QCOMPARE(result.requests.size(), 1);
        QCOMPARE(result.requests.first().path, QStringLiteral("/api/sessions/清理"));
    }

    void readsContentLengthBody()
    {
        const ParseResult result = parse(kPostWithBody);
        QCOMPARE(result.requests.size(), 1);
        QCOMPARE(result.requests.first().body, QByteArray("{\"input\":\"hello\"}"));
        QCOMPARE(result.consumed, kPostWithBody.size());
    }

    void readsChunkedBodyWithExtensionsAndTrailers()
    {
        const ParseResult result = parse(kChunkedPost);
        QCOMPARE(result.errorStatus, 0);
        QCOMPARE(result.requests.size(), 1);
        QCOMPARE(result.requests.first().body, QByteArray("hello, world"));
        QCOMPARE(result.consumed, kChunkedPost.size());
    }

    void stopsAtEndOfHeadSoTheCallerCanLookFirst()
    {
        HttpRequestParser parser;
        const qsizetype headLength = kPostWithBody.indexOf("\r\n\r\n") + 4;
        QCOMPARE(parser.feed(kPostWithBody), headLength);
        QVERIFY(parser.isHeadComplete());
        QVERIFY(!parser.isComplete());
        QVERIFY(parser.expectsBody());
        QCOMPARE(parser.request().header("content-type"), QByteArray("application/json"));
        QCOMPARE(parser.feed(QByteArrayView(kPostWithBody).sliced(headLength)),
                 kPostWithBody.size() - headLength);
        QVERIFY(parser.isComplete());
    }

    void splitAtEveryOffsetGivesTheSameRequest_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("content-length") << kPostWithBody << QByteArray("{\"input\":\"hello\"}");
        QTest::newRow("chunked") << kChunkedPost << QByteArray("hello, world");
        QTest::newRow("bare LF") << QByteArray("POST /x HTTP/1.1\nContent-Length: 3\n\nabc")
                                 << QByteArray("abc");
    }

    void splitAtEveryOffsetGivesTheSameRequest()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QByteArray, body);
        const ParseResult whole = parse(bytes);
        QCOMPARE(whole.requests.size(), 1);
        for (qsizetype split = 0; split <= bytes.size(); ++split) {
            const ParseResult result = parsePieces({bytes.left(split), bytes.mid(split)});
            QVERIFY2(result.errorStatus == 0, qPrintable(QStringLiteral("split at %1").arg(split)));
            QCOMPARE(result.requests.size(), 1);
            QCOMPARE(result.requests.first().body, body);
            QCOMPARE(result.requests.first().headers, whole.requests.first().headers);
            QCOMPARE(result.requests.first().path, whole.requests.first().path);
        }
        QList<QByteArray> bytewise;
        for (char c : bytes)
            bytewise.append(QByteArray(1, c));
        const ParseResult result = parsePieces(bytewise);
        QCOMPARE(result.requests.size(), 1);
        QCOMPARE(result.requests.first().body, body);
    }

    void pipelinedRequestsComeOutOneByOne()
    {
        const QByteArray pipeline = kPostWithBody + "GET /health HTTP/1.1\r\n\r\n" + kChunkedPost +
                                    "DELETE /api/sessions/s1 HTTP/1.1\r\nConnection: close\r\n\r\n";
        HttpRequestParser parser;
        // The parser must stop at the end of the first message, leaving the next one untouched.
        qsizetype used = 0;
        while (!parser.isComplete())
            used += parser.feed(QByteArrayView(pipeline).sliced(used));
        QCOMPARE(used, kPostWithBody.size());

        const ParseResult result = parse(pipeline);
        QCOMPARE(result.requests.size(), 4);
        QCOMPARE(result.requests.at(0).path, QStringLiteral("/v1/runs"));
        QCOMPARE(result.requests.at(1).path, QStringLiteral("/health"));
        QCOMPARE(result.requests.at(2).body, QByteArray("hello, world"));
        QCOMPARE(result.requests.at(3).method, QByteArray("DELETE"));
        QCOMPARE(result.requests.at(3).header("connection"), QByteArray("close"));
    }

    void ignoresEmptyLinesBetweenRequests()
    {
        const ParseResult result = parse("\r\n\r\nGET /a HTTP/1.1\r\n\r\n\r\nGET /b HTTP/1.0\r\n\r\n");
        QCOMPARE(result.errorStatus, 0);
        QCOMPARE(result.requests.size(), 2);
        QCOMPARE(result.requests.at(1).version, QByteArray("HTTP/1.0"));
    }

    void acceptsAbsoluteAndAsteriskTargets()
    {
        ParseResult result = parse("GET http://127.0.0.1:8642/v1/models?x=1 HTTP/1.1\r\n\r\n");
        QCOMPARE(result.requests.size(), 1);
        QCOMPARE(result.requests.first().path, QStringLiteral("/v1/models"));
        QCOMPARE(result.requests.first().query.queryItemValue("x"), QStringLiteral("1"));
        result = parse("OPTIONS * HTTP/1.1\r\n\r\n");
        QCOMPARE(result.requests.size(), 1);
        QCOMPARE(result.requests.first().path, QStringLiteral("*"));
    }

    void rejectsMalformedRequests_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status");
        QTest::newRow("extra token in request line") << QByteArray("GET / HTTP/1.1 x\r\n\r\n") << 400;
        QTest::newRow("double space") << QByteArray("GET  / HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("no version") << QByteArray("GET /\r\n\r\n") << 400;
        QTest::newRow("garbage line") << QByteArray("hello there\r\n\r\n") << 400;
        QTest::newRow("binary") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\r\n\r\n", 11) << 400;
        QTest::newRow("bad version") << QByteArray("GET / HTTX/1.1\r\n\r\n") << 400;
        QTest::newRow("http2") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 505;
        QTest::newRow("unknown method") << QByteArray("BREW /pot HTTP/1.1\r\n\r\n") << 501;
        QTest::newRow("relative target") << QByteArray("GET index.html HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("control char in target") << QByteArray("GET /a\x01 HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("NUL in decoded path") << QByteArray("GET /a%00b HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("header without colon") << QByteArray("GET / HTTP/1.1\r\nHost\r\n\r\n") << 400;
        QTest::newRow("space before colon") << QByteArray("GET / HTTP/1.1\r\nHost : x\r\n\r\n") << 400;
        QTest::newRow("folded header") << QByteArray("GET / HTTP/1.1\r\nA: b\r\n  c\r\n\r\n") << 400;
        QTest::newRow("control char in value") << QByteArray("GET / HTTP/1.1\r\nA: b\x01\r\n\r\n") << 400;
        QTest::newRow("length and chunked")
            << QByteArray("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")
            << 400;
        QTest::newRow("gzip coding") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n")
                                     << 501;
        QTest::newRow("negative length")
            << QByteArray("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n") << 400;
        QTest::newRow("conflicting lengths")
            << QByteArray("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd") << 400;
        QTest::newRow("bad chunk size")
            << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") << 400;
        QTest::newRow("chunk longer than announced")
            << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n")
            << 400;
    }

    void rejectsMalformedRequests()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        QCOMPARE(parse(bytes).errorStatus, status);
        // Whatever the split, the verdict is the same.
        for (qsizetype split = 1; split < bytes.size(); ++split)
            QCOMPARE(parsePieces({bytes.left(split), bytes.mid(split)}).errorStatus, status);
    }

    void errorMessageSaysWhatIsWrong()
    {
        HttpRequestParser parser;
        parser.feed("GET / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n");
        QVERIFY(parser.hasFailed());
        QVERIFY(parser.errorMessage().contains(QStringLiteral("Content-Length")));
        // A failed parser consumes nothing more until reset.
        QCOMPARE(parser.feed("GET / HTTP/1.1\r\n\r\n"), 0);
        parser.reset();
        parser.feed("GET / HTTP/1.1\r\n\r\n");
        QVERIFY(parser.isComplete());
    }

    void enforcesHeadLimits()
    {
        HttpParserLimits limits;
        limits.maxHeaderBytes = 1024;
        limits.maxHeaderCount = 10;

        const QByteArray longTarget = "GET /" + QByteArray(2000, 'a') + " HTTP/1.1\r\n\r\n";
        QCOMPARE(parse(longTarget, limits).errorStatus, 414);

        const QByteArray bigHeader = "GET / HTTP/1.1\r\nX-Big: " + QByteArray(2000, 'b') + "\r\n\r\n";
        QCOMPARE(parse(bigHeader, limits).errorStatus, 431);

        QByteArray manyHeaders = "GET / HTTP/1.1\r\n";
        for (int i = 0; i < 11; ++i)
            manyHeaders += "X-" + QByteArray::number(i) + ": v\r\n";
        manyHeaders += "\r\n";
        QCOMPARE(parse(manyHeaders, limits).errorStatus, 431);

        // Exactly at the limit is fine.
        QByteArray atLimit = "GET / HTTP/1.1\r\nX-Fill: ";
        atLimit += QByteArray(limits.maxHeaderBytes - atLimit.size() - 4, 'c') + "\r\n\r\n";
        QCOMPARE(atLimit.size(), limits.maxHeaderBytes);
        QCOMPARE(parse(atLimit, limits).requests.size(), 1);
    }

    void headLimitDoesNotBufferAnEndlessLine()
    {
        HttpParserLimits limits;
        limits.maxHeaderBytes = 1024;
        HttpRequestParser parser(limits);
        const QByteArray flood(1'000'000, 'a');
        const qsizetype used = parser.feed(flood);
        QVERIFY(parser.hasFailed());
        QCOMPARE(parser.errorStatus(), 414);
        QVERIFY(used <= limits.maxHeaderBytes + 1);
    }

    void enforcesBodyLimit()
    {
        HttpParserLimits limits;
        limits.maxBodyBytes = 100;
        QCOMPARE(parse("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n", limits).errorStatus, 413);
        QCOMPARE(
            parse("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", limits).errorStatus,
            413);
        QCOMPARE(parse("POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n" + QByteArray(100, 'x'), limits)
                     .requests.size(),
                 1);
        const QByteArray chunked = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                                   "32\r\n" +
                                   QByteArray(50, 'x') + "\r\n33\r\n" + QByteArray(51, 'y') + "\r\n0\r\n\r\n";
        QCOMPARE(parse(chunked, limits).errorStatus, 413);
        QCOMPARE(
            parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n", limits)
                .errorStatus,
            413);
    }

    void requestHelpers()
    {
        const ParseResult result = parse("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                                         "Host: localhost\r\n"
                                         "Upgrade: WebSocket\r\n"
                                         "Connection: keep-alive, Upgrade\r\n"
                                         "Authorization: bearer  s3cret \r\n"
                                         "\r\n");
        QCOMPARE(result.requests.size(), 1);
        const HttpRequest &request = result.requests.first();
        QVERIFY(request.isWebSocketUpgrade());
        QCOMPARE(request.bearerToken(), QByteArray("s3cret"));
        QVERIFY(request.hasHeader("UPGRADE"));
        QVERIFY(!request.hasHeader("origin"));
        QVERIFY(request.header("origin").isEmpty());

        const HttpRequest plain =
            parse("GET / HTTP/1.1\r\nUpgrade: websocket\r\nAuthorization: Basic eA==\r\n\r\n")
                .requests.first();
        QVERIFY(!plain.isWebSocketUpgrade()); // no "Connection: upgrade"
        QVERIFY(plain.bearerToken().isEmpty());
    }
};

QTEST_APPLESS_MAIN(TestHttpParser)
#include "tst_http_parser.moc"
