#include "hermes/EventStreamConnection.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

using caduceus::hermes::EventStreamConnection;

namespace {

// Answers each connection with the next scripted answer, written in the given pieces 20 ms apart; the
// connection is closed after the last piece unless keepOpen. Remembers the requests it read.
class ScriptedServer : public QObject
{
public:
    struct Answer
    {
        QList<QByteArray> pieces;
        bool keepOpen = false;
    };

    ScriptedServer()
    {
        QVERIFY(m_server.listen(QHostAddress::LocalHost));
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                auto *request = new QByteArray;
                connect(socket, &QObject::destroyed, this, [request] { delete request; });
                connect(socket, &QTcpSocket::readyRead, this, [this, socket, request] {
                    request->append(socket->readAll());
                    if (!request->contains("\r\n\r\n") || m_answers.isEmpty())
                        return;
                    requests.append(*request);
                    play(socket, m_answers.takeFirst(), 0);
                });
            }
        });
    }

    void add(Answer answer) { m_answers.append(std::move(answer)); }
    QUrl url(const QString &path) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path));
    }

    QList<QByteArray> requests;

private:
    void play(QTcpSocket *socket, Answer answer, qsizetype index)
    {
        if (index < answer.pieces.size()) {
            socket->write(answer.pieces.at(index));
            socket->flush();
            QTimer::singleShot(20, socket,
                               [this, socket, answer, index] { play(socket, answer, index + 1); });
        } else if (!answer.keepOpen) {
            socket->disconnectFromHost();
        }
    }

    QTcpServer m_server;
    QList<Answer> m_answers;
};

struct Outcome
{
    QByteArray data;
    int finishedCount = 0;
};

void collect(EventStreamConnection &connection, Outcome &outcome)
{
    QObject::connect(&connection, &EventStreamConnection::dataReceived, &connection,
                     [&outcome](const QByteArray &bytes) { outcome.data += bytes; });
    QObject::connect(&connection, &EventStreamConnection::finished, &connection,
                     [&outcome] { ++outcome.finishedCount; });
}

EventStreamConnection::Request request(const QUrl &url)
{
    EventStreamConnection::Request r;
    r.url = url;
    r.headers = {{"Authorization", "Bearer k"}, {"Accept", "text/event-stream"}};
    r.proxy = QNetworkProxy(QNetworkProxy::NoProxy);
    return r;
}

} // namespace

class TestEventStreamConnection : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsAChunkedBodySplitAnywhere()
    {
        ScriptedServer server;
        server.add({{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: "
                     "chunked\r\nContent-Type: text/event-stream\r",
                     "\n\r\n8\r\ndata:", " 1\n\r", "\n7;ext=1\r\ndata: 2\r\n", "0\r\n\r\n"},
                    true});
        EventStreamConnection connection(request(server.url("/v1/runs/r%201/events?x=1")));
        Outcome outcome;
        collect(connection, outcome);
        connection.open();
        QTRY_COMPARE(outcome.finishedCount, 1);
        QCOMPARE(connection.status(), 200);
        QCOMPARE(outcome.data, QByteArray("data: 1\ndata: 2"));
        QVERIFY2(connection.errorString().isEmpty(), qPrintable(connection.errorString()));
        QCOMPARE(connection.header("content-type"), QByteArray("text/event-stream"));
        const QByteArray sent = server.requests.value(0);
        QVERIFY(sent.startsWith("GET /v1/runs/r%201/events?x=1 HTTP/1.1\r\n"));
        QVERIFY(sent.contains("\r\nAuthorization: Bearer k\r\n"));
        QVERIFY(sent.contains("\r\nHost: 127.0.0.1:"));
    }

    void readsContentLengthAndUntilCloseBodies()
    {
        ScriptedServer server;
        server.add({{"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabc", "defIGNORED"}, true});
        server.add({{"HTTP/1.0 200 OK\r\n\r\nuntil", " close"}});
        for (const QByteArray &expected : {QByteArray("abcdef"), QByteArray("until close")}) {
            EventStreamConnection connection(request(server.url("/e")));
            Outcome outcome;
            collect(connection, outcome);
            connection.open();
            QTRY_COMPARE(outcome.finishedCount, 1);
            QCOMPARE(outcome.data, expected);
            QVERIFY(connection.errorString().isEmpty());
        }
    }

    void keepsTheBodyOfAnError()
    {
        ScriptedServer server;
        server.add({{"HTTP/1.1 401 Unauthorized\r\nContent-Length: 31\r\n\r\n",
                     R"({"error":{"message":"bad key"}})"}});
        EventStreamConnection connection(request(server.url("/e")));
        Outcome outcome;
        collect(connection, outcome);
        connection.open();
        QTRY_COMPARE(outcome.finishedCount, 1);
        QCOMPARE(connection.status(), 401);
        QVERIFY(outcome.data.isEmpty());
        QCOMPARE(connection.errorBody(), QByteArray(R"({"error":{"message":"bad key"}})"));
    }

    void followsARedirectOnTheSameServer()
    {
        ScriptedServer server;
        server.add(
            {{"HTTP/1.1 307 Temporary Redirect\r\nLocation: /moved\r\nContent-Length: 0\r\n\r\n"}, true});
        server.add({{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"}, true});
        EventStreamConnection connection(request(server.url("/e")));
        Outcome outcome;
        collect(connection, outcome);
        connection.open();
        QTRY_COMPARE(outcome.finishedCount, 1);
        QCOMPARE(outcome.data, QByteArray("ok"));
        QCOMPARE(server.requests.size(), 2);
        QVERIFY(server.requests.at(1).startsWith("GET /moved HTTP/1.1"));
        QVERIFY(server.requests.at(1).contains("Authorization: Bearer k"));
    }

    void reportsABrokenStream()
    {
        ScriptedServer server;
        server.add({{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly part"}});
        EventStreamConnection connection(request(server.url("/e")));
        Outcome outcome;
        collect(connection, outcome);
        connection.open();
        QTRY_COMPARE(outcome.finishedCount, 1);
        QCOMPARE(connection.status(), 200);
        QCOMPARE(outcome.data, QByteArray("only part"));
        QVERIFY(!connection.errorString().isEmpty());

        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        EventStreamConnection refused(request(QUrl(QStringLiteral("http://127.0.0.1:%1/e").arg(port))));
        Outcome nothing;
        collect(refused, nothing);
        refused.open();
        QTRY_COMPARE(nothing.finishedCount, 1);
        QCOMPARE(refused.status(), 0);
        QVERIFY(!refused.errorString().isEmpty());
        QTest::qWait(50);
        QCOMPARE(nothing.finishedCount, 1);
    }

    void pausedReadsNothingAndResumesInOrder()
    {
        ScriptedServer server;
        server.add({{"HTTP/1.1 200 OK\r\n\r\nfirst ", "second ", "third"}});
        EventStreamConnection connection(request(server.url("/e")));
        Outcome outcome;
        collect(connection, outcome);
        connection.open();
        QTRY_COMPARE(outcome.data, QByteArray("first "));
        connection.setPaused(true);
        QTest::qWait(150); // the rest and the close arrive meanwhile
        QCOMPARE(outcome.data, QByteArray("first "));
        QCOMPARE(outcome.finishedCount, 0);
        connection.setPaused(false);
        QTRY_COMPARE(outcome.finishedCount, 1);
        QCOMPARE(outcome.data, QByteArray("first second third"));
        QVERIFY(connection.errorString().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestEventStreamConnection)
#include "tst_event_stream_connection.moc"
