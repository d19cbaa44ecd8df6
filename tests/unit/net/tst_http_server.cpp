#include "net/HttpServer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <memory>

using caduceus::net::HttpHeadVerdict;
using caduceus::net::HttpRequest;
using caduceus::net::HttpResponder;
using caduceus::net::HttpServer;
using caduceus::net::HttpServerLimits;

namespace {

struct RawResponse
{
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// A test-side reader of HTTP responses, independent of the server code under test.
bool takeResponse(QByteArray &buffer, RawResponse *response, bool headRequest, bool peerClosed)
{
    const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return false;
    const QList<QByteArray> lines = buffer.left(headEnd).split('\n');
    RawResponse parsed;
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    if (statusLine.size() < 2)
        return false;
    parsed.status = statusLine.at(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        parsed.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    qsizetype offset = headEnd + 4;
    if (parsed.status >= 200 && !headRequest) {
        if (parsed.header("transfer-encoding") == "chunked") {
            while (true) {
                const qsizetype lineEnd = buffer.indexOf("\r\n", offset);
                if (lineEnd < 0)
                    return false;
                const qint64 size = buffer.mid(offset, lineEnd - offset).toLongLong(nullptr, 16);
                if (buffer.size() < lineEnd + 2 + size + 2)
                    return false;
                parsed.body += buffer.mid(lineEnd + 2, size);
                offset = lineEnd + 2 + size + 2;
                if (size == 0)
                    break;
            }
        } else if (parsed.headers.end() !=
                   std::find_if(parsed.headers.begin(), parsed.headers.end(), [](const auto &h) {
                       return h.first.compare("content-length", Qt::CaseInsensitive) == 0;
                   })) {
            const qint64 length = parsed.header("content-length").toLongLong();
            if (buffer.size() < offset + length)
                return false;
            parsed.body = buffer.mid(offset, length);
            offset += length;
        } else {
            if (!peerClosed)
                return false;
            parsed.body = buffer.mid(offset);
            offset = buffer.size();
        }
    }
    buffer.remove(0, offset);
    *response = parsed;
    return true;
}

class RawClient
{
public:
    explicit RawClient(quint16 port)
    {
        QObject::connect(&socket, &QTcpSocket::readyRead, [this] { buffer += socket.readAll(); });
        QObject::connect(&socket, &QTcpSocket::disconnected, [this] { closed = true; });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
    bool waitConnected()
    {
        return QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000);
    }
    void send(const QByteArray &bytes) { socket.write(bytes); }
    bool readResponse(RawResponse *response, bool headRequest = false, int timeoutMs = 5000)
    {
        return QTest::qWaitFor([&] { return takeResponse(buffer, response, headRequest, closed); },
                               timeoutMs);
    }
    bool waitClosed(int timeoutMs = 5000)
    {
        return QTest::qWaitFor([this] { return closed; }, timeoutMs);
    }

    QTcpSocket socket;
    QByteArray buffer;
    bool closed = false;
};

} // namespace

class TestHttpServer : public QObject
{
    Q_OBJECT

    std::unique_ptr<HttpServer> m_server;
    QNetworkAccessManager m_nam;
    QList<QPointer<HttpResponder>> m_deferred;
    QList<HttpRequest> m_requests;

    QUrl url(const QString &path) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server->serverPort()).arg(path));
    }

    // The routes the tests talk to.
    void handle(const HttpRequest &request, HttpResponder *responder)
    {
        m_requests.append(request);
        if (request.path == QLatin1String("/hello")) {
            responder->sendJson(
                200, QJsonObject{{"hello", "world"}, {"method", QString::fromLatin1(request.method)}});
        } else if (request.path == QLatin1String("/echo")) {
            responder->send(200, "application/octet-stream", request.body);
        } else if (request.path == QLatin1String("/deferred")) {
            m_deferred.append(responder);
            const int delay = request.query.queryItemValue("ms").toInt();
            QPointer<HttpResponder> later(responder);
            QTimer::singleShot(delay, this, [later, request] {
                if (later)
                    later->send(200, "text/plain", "late answer for " + request.target);
            });
        } else if (request.path == QLatin1String("/hold")) {
            m_deferred.append(responder); // answered (or not) by the test itself
        } else if (request.path == QLatin1String("/events")) {
            responder->beginStream(200, "text/event-stream");
            QPointer<HttpResponder> stream(responder);
            m_deferred.append(responder);
            for (int i = 0; i < 3; ++i) {
                QTimer::singleShot(50 * (i + 1), this, [stream, i] {
                    if (!stream)
                        return;
                    stream->writeChunk("data: {\"n\": " + QByteArray::number(i) + "}\n\n");
                    if (i == 2)
                        stream->endStream();
                });
            }
        } else if (request.path == QLatin1String("/stream-forever")) {
            responder->beginStream(200, "text/event-stream");
            responder->writeChunk(": hello\n\n");
            m_deferred.append(responder);
        } else {
            responder->sendError(404, QStringLiteral("Not found"));
        }
    }

    void startServer(const HttpServerLimits &limits = {})
    {
        m_server = std::make_unique<HttpServer>();
        m_server->setLimits(limits);
        m_server->setHandler(
            [this](const HttpRequest &request, HttpResponder *responder) { handle(request, responder); });
        QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0), qPrintable(m_server->errorString()));
    }

    QNetworkReply *get(const QString &path) { return m_nam.get(QNetworkRequest(url(path))); }

    static bool waitFinished(QNetworkReply *reply, int timeoutMs = 5000)
    {
        return QTest::qWaitFor([reply] { return reply->isFinished(); }, timeoutMs);
    }

private Q_SLOTS:
    void init()
    {
        m_deferred.clear();
        m_requests.clear();
        m_nam.clearConnectionCache();
        startServer();
    }

    void cleanup() { m_server.reset(); }

    void answersJson()
    {
        std::unique_ptr<QNetworkReply> reply(get("/hello"));
        QVERIFY(waitFinished(reply.get()));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(reply->header(QNetworkRequest::ContentTypeHeader).toString(),
                 QStringLiteral("application/json"));
        QCOMPARE(QJsonDocument::fromJson(reply->readAll()).object().value("hello").toString(),
                 QStringLiteral("world"));
        QCOMPARE(m_requests.size(), 1);
        QCOMPARE(m_requests.first().peerAddress, QHostAddress(QHostAddress::LocalHost));
    }

    void unknownPathGetsJson404()
    {
        std::unique_ptr<QNetworkReply> reply(get("/nothing/here"));
        QVERIFY(waitFinished(reply.get()));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 404);
        QCOMPARE(QJsonDocument::fromJson(reply->readAll()).object().value("error").toString(),
                 QStringLiteral("Not found"));
    }

    void keepAliveReusesTheConnection()
    {
        RawClient client(m_server->serverPort());
        QVERIFY(client.waitConnected());
        for (int i = 0; i < 3; ++i) {
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            RawResponse response;
            QVERIFY(client.readResponse(&response));
            QCOMPARE(response.status, 200);
            QCOMPARE(response.header("connection"), QByteArray("keep-alive"));
        }
        QVERIFY(!client.closed);
        QCOMPARE(m_server->connectionCount(), 1);
        QCOMPARE(m_requests.size(), 3);
    }

    void pipelinedRequestsAreAnsweredInOrder()
    {
        RawClient client(m_server->serverPort());
        QVERIFY(client.waitConnected());
        // The first answer is deferred: the later ones must wait for it, never overtake it.
        client.send("GET /deferred?ms=200 HTTP/1.1\r\n\r\n"
                    "POST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nfirst"
                    "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nsecond\r\n0\r\n\r\n"
                    "GET /hello HTTP/1.1\r\n\r\n");
        RawResponse response;
        QVERIFY(client.readResponse(&response));
        QCOMPARE(response.body, QByteArray("late answer for /deferred?ms=200"));
        QVERIFY(client.readResponse(&response));
        QCOMPARE(response.body, QByteArray("first"));
        QVERIFY(client.readResponse(&response));
        QCOMPARE(response.body, QByteArray("second"));
        QVERIFY(client.readResponse(&response));
        QCOMPARE(response.json().value("hello").toString(), QStringLiteral("world"));
        QCOMPARE(m_requests.size(), 4);
    }

    void connectionCloseIsHonoured()
    {
        RawClient client(m_server->serverPort());
        QVERIFY(client.waitConnected());
        client.send("GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n");
        RawResponse response;
        QVERIFY(client.readResponse(&response));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.header("connection"), QByteArray("close"));
        QVERIFY(client.waitClosed());
    }

    void http10ClosesUnlessKeepAliveIsAsked()
    {
        RawClient closing(m_server->serverPort());
        QVERIFY(closing.waitConnected());
        closing.send("GET /hello HTTP/1.0\r\n\r\n");
        RawResponse response;
        QVERIFY(closing.readResponse(&response));
        QCOMPARE(response.status, 200);
        QVERIFY(closing.waitClosed());

        RawClient keeping(m_server->serverPort());
        QVERIFY(keeping.waitConnected());
        keeping.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        QVERIFY(keeping.readResponse(&response));
        keeping.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        QVERIFY(keeping.readResponse(&response));
        QCOMPARE(response.status, 200);
        QVERIFY(!keeping.closed);
    }

    void deferredAnswerArrivesLater()
    {
        QElapsedTimer timer;
        timer.start();
        std::unique_ptr<QNetworkReply> reply(get("/deferred?ms=300"));
        QVERIFY(waitFinished(reply.get()));
        QVERIFY(timer.elapsed() >= 250);
        QCOMPARE(reply->readAll(), QByteArray("late answer for /deferred?ms=300"));
    }

    void respondingTwiceIsRefused()
    {
        RawClient client(m_server->serverPort());
        QVERIFY(client.waitConnected());
        client.send("GET /hold HTTP/1.1\r\n\r\n");
        QTRY_COMPARE(m_deferred.size(), 1);
        QPointer<HttpResponder> responder = m_deferred.first();
        QVERIFY(responder->send(200, "text/plain", "once"));
        QVERIFY(responder->isFinished());
        QVERIFY(!responder->send(200, "text/plain", "twice"));
        QVERIFY(!responder->beginStream(200, "text/plain"));
        RawResponse response;
        QVERIFY(client.readResponse(&response));
        QCOMPARE(response.body, QByteArray("once"));
        // Finished responders are released: holders see a null QPointer.
        QTRY_VERIFY(responder.isNull());
    }

    void streamedAnswerArrivesIncrementally()
    {
        std::unique_ptr<QNetworkReply> reply(get("/events"));
        QByteArray received;
        int reads = 0;
        connect(reply.get(), &QNetworkReply::readyRead, this, [&] {
            received += reply->readAll();
            ++reads;
        });
        QTRY_VERIFY(received.contains("\"n\": 0"));
        QVERIFY(!reply->isFinished()); // first event delivered before the stream ended
        QVERIFY(waitFinished(reply.get()));
        received += reply->readAll();
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(received, QByteArray("data: {\"n\": 0}\n\ndata: {\"n\": 1}\n\ndata: {\"n\": 2}\n\n"));
        QVERIFY(reads >= 2);
        QCOMPARE(reply->rawHeader("Content-Type"), QByteArray("text/event-stream"));
        QCOMPARE(reply->rawHeader("Cache-Control"), QByteArray("no-cache"));
        QCOMPARE(reply->rawHeader("Transfer-Encoding"), QByteArray("chunked"));
    }

    void streamToHttp10PeerEndsByClosing()
    {
        RawClient client(m_server->serverPort());
        QVERIFY(client.waitConnected());
        client.send("GET /events HTTP/1.0\r\n\r\n");
        RawResponse response;
        QVERIFY(client.readResponse(&response));
        QVERIFY(response.header("transfer-encoding").isEmpty());
        QCOMPARE(response.body, QByteArray("data: {\"n\": 0}\n\ndata: {\"n\": 1}\n\ndata: {\"n\": 2}\n\n"));
    }

    void peerCloseIsReported()
    {
        std::unique_ptr<QNetworkReply> reply(get("/stream-forever"));
        QTRY_COMPARE(m_deferred.size(), 1);
        QPointer<HttpResponder> stream = m_deferred.first();
        QVERIFY(stream);
        QSignalSpy closedSpy(stream.data(), &HttpResponder::peerClosed);
        QTRY_VERIFY(reply->bytesAvailable() > 0);
        reply->abort();
        QVERIFY(closedSpy.wait(5000) || closedSpy.count() == 1);
        QCOMPARE(closedSpy.count(), 1);
        // The responder dies with its connection; writers holding a QPointer see it go.
        QTRY_VERIFY(stream.isNull());
        QTRY_COMPARE(m_server->connectionCount(), 0);
    }

    void responderAbortTruncatesTheStream()
    {
        std::unique_ptr<QNetworkReply> reply(get("/stream-forever"));
        QTRY_COMPARE(m_deferred.size(), 1);
        QTRY_VERIFY(reply->bytesAvailable() > 0);
        QSignalSpy closedSpy(m_deferred.first().data(), &HttpResponder::peerClosed);
        m_deferred.first()->abort();
        QVERIFY(waitFinished(reply.get()));
        QVERIFY(reply->error() != QNetworkReply::NoError); // truncated, not a clean end
        QCOMPARE(closedSpy.count(), 0);
    }

    void headAnswersWithoutBody()
    {
        RawClient client(m_server->serverPort());
        QVERIFY(client.waitConnected());
        client.send("HEAD /hello HTTP/1.1\r\n\r\n");
        RawResponse response;
        QVERIFY(client.readResponse(&response, /*headRequest=*/true));
        QCOMPARE(response.status, 200);
        QVERIFY(response.header("content-length").toInt() > 0);
        QCOMPARE(m_requests.last().method, QByteArray("HEAD"));
        // No stray body bytes: the next response on this connection parses cleanly.
        client.send("GET /hello HTTP/1.1\r\n\r\n");
        QVERIFY(client.readResponse(&response));
        QCOMPARE(response.body.size(), response.header("content-length").toInt());
        QCOMPARE(response.json().value("method").toString(), QStringLiteral("GET"));
    }

    void expectContinueGetsInterimAnswer()
    {
        RawClient client(m_server->serverPort());
        QVERIFY(client.waitConnected());
        client.send("POST /echo HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
        RawResponse response;
        QVERIFY(client.readResponse(&response));
        QCOMPARE(response.status, 100);
        client.send("ping");
        QVERIFY(client.readResponse(&response));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body, QByteArray("ping"));
    }

    void largeBodyThroughQNetworkAccessManager()
    {
        const QByteArray payload(3 * 1024 * 1024, 'z');
        QNetworkRequest request(url("/echo"));
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/octet-stream");
        std::unique_ptr<QNetworkReply> reply(m_nam.post(request, payload));
        QVERIFY(waitFinished(reply.get(), 15000));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->readAll().size(), payload.size());
    }

    void malformedRequestGetsJson400AndClose()
    {
        RawClient client(m_server->serverPort());
        QVERIFY(client.waitConnected());
        client.send("this is not http\r\n\r\n");
        RawResponse response;
        QVERIFY(client.readResponse(&response));
        QCOMPARE(response.status, 400);
        QCOMPARE(response.header("content-type"), QByteArray("application/json"));
        QVERIFY(!response.json().value("error").toString().isEmpty());
        QVERIFY(client.waitClosed());
        QVERIFY(m_requests.isEmpty());
    }

    void errorBodyShapeIsConfigurable()
    {
        m_server->setErrorBody([](int status, const QString &message) {
            return QJsonObject{{"error", QJsonObject{{"message", message}, {"code", status}}}};
        });
        RawClient client(m_server->serverPort());
        QVERIFY(client.waitConnected());
        client.send("GET / HTTP/3.0\r\n\r\n");
        RawResponse response;
        QVERIFY(client.readResponse(&response));
        QCOMPARE(response.status, 505);
        const QJsonObject error = response.json().value("error").toObject();
        QCOMPARE(error.value("code").toInt(), 505);
        QVERIFY(error.value("message").toString().contains(QStringLiteral("HTTP/1.1")));
    }

    void limitsAreEnforced()
    {
        HttpServerLimits limits;
        limits.maxHeaderBytes = 2048;
        limits.maxBodyBytes = 64 * 1024;
        startServer(limits);

        RawClient bigHeader(m_server->serverPort());
        QVERIFY(bigHeader.waitConnected());
        bigHeader.send("GET /hello HTTP/1.1\r\nX-Big: " + QByteArray(4000, 'h') + "\r\n\r\n");
        RawResponse response;
        QVERIFY(bigHeader.readResponse(&response));
        QCOMPARE(response.status, 431);

        // The client sends the whole oversized body: the 413 must still reach it.
        RawClient bigBody(m_server->serverPort());
        QVERIFY(bigBody.waitConnected());
        bigBody.send("POST /echo HTTP/1.1\r\nContent-Length: 200000\r\n\r\n" + QByteArray(200000, 'b'));
        QVERIFY(bigBody.readResponse(&response));
        QCOMPARE(response.status, 413);
        QVERIFY(response.json().value("error").toString().contains(QStringLiteral("65536")));

        RawClient bigChunks(m_server->serverPort());
        QVERIFY(bigChunks.waitConnected());
        QByteArray chunked = "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 20; ++i)
            chunked += "1000\r\n" + QByteArray(4096, 'c') + "\r\n";
        bigChunks.send(chunked);
        QVERIFY(bigChunks.readResponse(&response));
        QCOMPARE(response.status, 413);
        QVERIFY(m_requests.isEmpty());
    }

    void slowClientTimesOut()
    {
        HttpServerLimits limits;
        limits.requestTimeoutMs = 300;
        startServer(limits);
        RawClient client(m_server->serverPort());
        QVERIFY(client.waitConnected());
        client.send("GET /hello HTTP/1.1\r\nHo");
        QElapsedTimer timer;
        timer.start();
        RawResponse response;
        QVERIFY(client.readResponse(&response));
        QCOMPARE(response.status, 408);
        QVERIFY(timer.elapsed() >= 200);
        QVERIFY(client.waitClosed());
    }

    void idleConnectionIsClosed()
    {
        HttpServerLimits limits;
        limits.idleTimeoutMs = 200;
        startServer(limits);
        RawClient client(m_server->serverPort());
        QVERIFY(client.waitConnected());
        client.send("GET /hello HTTP/1.1\r\n\r\n");
        RawResponse response;
        QVERIFY(client.readResponse(&response));
        QVERIFY(client.waitClosed(3000));
        QVERIFY(client.buffer.isEmpty()); // closed quietly, no error answer
        QTRY_COMPARE(m_server->connectionCount(), 0);
    }

    void deferredAnswerIsNotCutByTimeouts()
    {
        HttpServerLimits limits;
        limits.idleTimeoutMs = 100;
        limits.requestTimeoutMs = 100;
        startServer(limits);
        std::unique_ptr<QNetworkReply> reply(get("/deferred?ms=500"));
        QVERIFY(waitFinished(reply.get()));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
    }

    void connectionLimitAnswers503()
    {
        HttpServerLimits limits;
        limits.maxConnections = 2;
        startServer(limits);
        // Both connections are being answered (streams), so neither can make room for a third.
        RawClient first(m_server->serverPort());
        RawClient second(m_server->serverPort());
        QVERIFY(first.waitConnected());
        QVERIFY(second.waitConnected());
        first.send("GET /stream-forever HTTP/1.1\r\n\r\n");
        second.send("GET /stream-forever HTTP/1.1\r\n\r\n");
        QTRY_COMPARE(m_deferred.size(), 2);
        RawClient third(m_server->serverPort());
        RawResponse response;
        QVERIFY(third.readResponse(&response));
        QCOMPARE(response.status, 503);
        QCOMPARE(response.header("retry-after"), QByteArray("1"));
        QVERIFY(third.waitClosed());
        QVERIFY(!first.closed && !second.closed); // the streams go on
    }

    // Issue 21: idle sockets never keep anyone out. At the per-address limit a new connection replaces
    // the oldest one that is not being answered; a connection being answered is never replaced.
    void idleConnectionsMakeRoom()
    {
        HttpServerLimits limits;
        limits.maxConnectionsPerAddress = 4;
        startServer(limits);
        RawClient busy(m_server->serverPort());
        QVERIFY(busy.waitConnected());
        busy.send("GET /stream-forever HTTP/1.1\r\n\r\n");
        QTRY_COMPARE(m_deferred.size(), 1);
        std::vector<std::unique_ptr<RawClient>> idle;
        for (int i = 0; i < 20; ++i) {
            idle.push_back(std::make_unique<RawClient>(m_server->serverPort()));
            QVERIFY(idle.back()->waitConnected());
            QTRY_VERIFY(m_server->connectionCount() <= 4);
        }
        RawClient client(m_server->serverPort());
        QVERIFY(client.waitConnected());
        client.send("GET /hello HTTP/1.1\r\n\r\n");
        RawResponse response;
        QVERIFY(client.readResponse(&response));
        QCOMPARE(response.status, 200);
        QVERIFY(!busy.closed);
        int closedIdle = 0;
        for (const auto &c : idle)
            closedIdle += c->waitClosed(1000) ? 1 : 0;
        QVERIFY(closedIdle >= 17);
    }

    // Issue 21: a connection that sends no request head gets firstHeadTimeoutMs, not the idle timeout.
    void silentConnectionIsClosedEarly()
    {
        HttpServerLimits limits;
        limits.firstHeadTimeoutMs = 200;
        limits.idleTimeoutMs = 60'000;
        startServer(limits);
        RawClient silent(m_server->serverPort());
        RawClient partial(m_server->serverPort());
        QVERIFY(silent.waitConnected());
        QVERIFY(partial.waitConnected());
        partial.send("GET /hello HTTP/1.1\r\nHost: x\r\n");
        QVERIFY(silent.waitClosed(3000));
        RawResponse response;
        QVERIFY(partial.readResponse(&response, false, 3000));
        QCOMPARE(response.status, 408);
    }

    // Issue 21: the head handler decides before any body byte is read and before "100 Continue".
    void headHandlerDecidesBeforeTheBody()
    {
        HttpServerLimits limits;
        limits.maxBodyBytes = 100;
        startServer(limits);
        m_server->setHeadHandler([](const HttpRequest &head) {
            if (head.header("authorization") != "Bearer ok")
                return HttpHeadVerdict::refuse(401, QStringLiteral("Unauthorized"), {{"X-Why", "token"}});
            return HttpHeadVerdict::proceed(head.path == QLatin1String("/echo") ? 1000 : -1);
        });
        {
            RawClient client(m_server->serverPort());
            QVERIFY(client.waitConnected());
            client.send("POST /echo HTTP/1.1\r\nContent-Length: 50000000\r\nExpect: 100-continue\r\n\r\n");
            RawResponse response;
            QVERIFY(client.readResponse(&response));
            QCOMPARE(response.status, 401); // not 100
            QCOMPARE(response.header("x-why"), QByteArray("token"));
            QVERIFY(client.waitClosed());
        }
        {
            RawClient client(m_server->serverPort());
            QVERIFY(client.waitConnected());
            client.send("POST /echo HTTP/1.1\r\nAuthorization: Bearer ok\r\nContent-Length: 1001\r\n"
                        "Expect: 100-continue\r\n\r\n");
            RawResponse response;
            QVERIFY(client.readResponse(&response));
            QCOMPARE(response.status, 413);
        }
        {
            RawClient client(m_server->serverPort());
            QVERIFY(client.waitConnected());
            client.send("POST /other HTTP/1.1\r\nAuthorization: Bearer ok\r\nContent-Length: 101\r\n\r\n");
            RawResponse response;
            QVERIFY(client.readResponse(&response));
            QCOMPARE(response.status, 413); // the server's default limit
        }
        {
            RawClient client(m_server->serverPort());
            QVERIFY(client.waitConnected());
            client.send("POST /echo HTTP/1.1\r\nAuthorization: Bearer ok\r\nContent-Length: 1000\r\n"
                        "Expect: 100-continue\r\n\r\n");
            QTRY_VERIFY(client.buffer.startsWith("HTTP/1.1 100 Continue\r\n\r\n"));
            client.buffer.remove(0, 25);
            client.send(QByteArray(1000, 'b'));
            RawResponse response;
            QVERIFY(client.readResponse(&response));
            QCOMPARE(response.status, 200);
            QCOMPARE(response.body, QByteArray(1000, 'b'));
        }
    }

    void closeEndsPendingStreams()
    {
        std::unique_ptr<QNetworkReply> reply(get("/stream-forever"));
        QTRY_COMPARE(m_deferred.size(), 1);
        QSignalSpy closedSpy(m_deferred.first().data(), &HttpResponder::peerClosed);
        m_server->close();
        QCOMPARE(closedSpy.count(), 1);
        QVERIFY(waitFinished(reply.get()));
        QTRY_COMPARE(m_server->connectionCount(), 0);
    }

    void webSocketUpgradeIsHandedOver()
    {
        QWebSocketServer webSockets(QStringLiteral("test"), QWebSocketServer::NonSecureMode);
        QList<HttpRequest> upgrades;
        m_server->setUpgradeHandler([&](const HttpRequest &request, QTcpSocket *socket) {
            upgrades.append(request);
            // The whole handshake must still be unread for QWebSocketServer.
            if (!socket->peek(socket->bytesAvailable()).startsWith("GET /socket.io/"))
                return false;
            webSockets.handleConnection(socket);
            return true;
        });
        connect(&webSockets, &QWebSocketServer::newConnection, this, [&] {
            QWebSocket *peer = webSockets.nextPendingConnection();
            connect(peer, &QWebSocket::textMessageReceived, peer,
                    [peer](const QString &text) { peer->sendTextMessage(QStringLiteral("echo:") + text); });
            connect(peer, &QWebSocket::disconnected, peer, &QObject::deleteLater);
        });

        QWebSocket client;
        QStringList received;
        connect(&client, &QWebSocket::textMessageReceived, this,
                [&](const QString &text) { received << text; });
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/socket.io/?EIO=4&transport=websocket")
                             .arg(m_server->serverPort())));
        QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
        QCOMPARE(upgrades.size(), 1);
        QCOMPARE(upgrades.first().path, QStringLiteral("/socket.io/"));
        QCOMPARE(upgrades.first().query.queryItemValue("transport"), QStringLiteral("websocket"));
        // The HTTP server forgot the socket.
        QTRY_COMPARE(m_server->connectionCount(), 0);

        client.sendTextMessage(QStringLiteral("2probe"));
        QTRY_COMPARE(received, QStringList{QStringLiteral("echo:2probe")});
        client.close();

        // Plain HTTP keeps working next to the WebSocket.
        std::unique_ptr<QNetworkReply> reply(get("/hello"));
        QVERIFY(waitFinished(reply.get()));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
    }

    void refusedUpgradeGets400()
    {
        m_server->setUpgradeHandler([](const HttpRequest &, QTcpSocket *) { return false; });
        RawClient client(m_server->serverPort());
        QVERIFY(client.waitConnected());
        client.send("GET /socket.io/ HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        RawResponse response;
        QVERIFY(client.readResponse(&response));
        QCOMPARE(response.status, 400);
        QVERIFY(client.waitClosed());
    }

    void upgradeWithoutHandlerGets400()
    {
        RawClient client(m_server->serverPort());
        QVERIFY(client.waitConnected());
        client.send("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        RawResponse response;
        QVERIFY(client.readResponse(&response));
        QCOMPARE(response.status, 400);
        QVERIFY(m_requests.isEmpty());
    }

    void backPressureIsVisible()
    {
        // A client that never reads.
        QTcpSocket client;
        client.setReadBufferSize(1024);
        client.connectToHost(QHostAddress::LocalHost, m_server->serverPort());
        QVERIFY(QTest::qWaitFor([&] { return client.state() == QAbstractSocket::ConnectedState; }, 5000));
        client.write("GET /stream-forever HTTP/1.1\r\n\r\n");
        QTRY_COMPARE(m_deferred.size(), 1);
        QPointer<HttpResponder> stream = m_deferred.first();
        QSignalSpy writtenSpy(stream.data(), &HttpResponder::bytesWritten);
        const QByteArray block(1024 * 1024, 'x');
        for (int i = 0; i < 48; ++i)
            stream->writeChunk(block);
        QTest::qWait(300);
        // The kernel buffers are finite: what they cannot take stays visible here.
        QVERIFY(stream->pendingBytes() > 0);
        QVERIFY(stream->pendingBytes() < 48 * 1024 * 1024);
        QVERIFY(writtenSpy.count() > 0);
    }
};

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_http_server.moc"
