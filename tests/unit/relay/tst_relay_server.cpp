// The Socket.IO server API that namespaces build on (rooms, acks both ways, auth, disconnects), the
// bounded send buffers and the HTTP routing, driven in-process with QWebSocket and QNetworkAccessManager.

#include "relay/Namespace.h"
#include "relay/RelayServer.h"
#include "relay/Socket.h"
#include "relay/SocketServer.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

using namespace caduceus;
using namespace caduceus::relay;

namespace {

// A namespace that records what happens and does what the test tells it through events.
class RecordingNamespace : public Namespace
{
public:
    QStringList log;
    QList<QPointer<Socket>> connected;
    QJsonObject lastAuth;
    QUrlQuery lastQuery;
    QString requiredToken;

    bool authorize(const QJsonObject &auth, const QUrlQuery &query, QString *error) override
    {
        lastAuth = auth;
        lastQuery = query;
        if (!requiredToken.isEmpty() && auth.value(QStringLiteral("token")).toString() != requiredToken) {
            *error = QStringLiteral("Authentication failed");
            return false;
        }
        return true;
    }
    void onConnect(Socket *socket) override
    {
        connected.append(socket);
        log.append(QStringLiteral("connect"));
    }
    void onEvent(Socket *socket, const QString &event, const SocketPayload &args,
                 const AckCallback &ack) override
    {
        log.append(QStringLiteral("event:") + event);
        if (event == QLatin1String("join"))
            socket->join(args.values.at(0).toString());
        else if (event == QLatin1String("leave"))
            socket->leave(args.values.at(0).toString());
        if (ack)
            ack(QJsonArray{QStringLiteral("done"), event});
    }
    void onDisconnect(Socket *socket, const QString &reason) override
    {
        log.append(QStringLiteral("disconnect:") + reason + QStringLiteral(":rooms=") +
                   QStringList(socket->rooms().values()).join(QLatin1Char(',')));
    }
};

class Client : public QObject
{
public:
    QWebSocket socket;
    QStringList texts;
    QList<QByteArray> binaries;
    bool answerPings = true;

    explicit Client(quint16 port, const QString &query = {})
    {
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            if (text == QLatin1String("2") && answerPings) {
                socket.sendTextMessage(QStringLiteral("3"));
                return;
            }
            texts.append(text);
        });
        connect(&socket, &QWebSocket::binaryMessageReceived, this,
                [this](const QByteArray &bytes) { binaries.append(bytes); });
        socket.open(QUrl(
            QStringLiteral("ws://127.0.0.1:%1/socket.io/?EIO=4&transport=websocket%2").arg(port).arg(query)));
    }
    bool isConnected() const { return socket.state() == QAbstractSocket::ConnectedState; }
    // Waits for the message at index and returns it.
    QString waitText(int index)
    {
        if (!QTest::qWaitFor([&] { return texts.size() > index; }, 5000))
            return {};
        return texts.at(index);
    }
    void send(const QString &text) { socket.sendTextMessage(text); }
};

} // namespace

class TestRelayServer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<RelayServer> m_relay;
    RecordingNamespace *m_ns = nullptr;

    void start(RelayOptions options = {})
    {
        m_relay = std::make_unique<RelayServer>(options);
        auto ns = std::make_unique<RecordingNamespace>();
        m_ns = ns.get();
        QVERIFY(m_relay->registerNamespace(QStringLiteral("/rooms"), std::move(ns)));
        QVERIFY(m_relay->listen(QHostAddress::LocalHost));
    }

    // Opens a client and connects it to /rooms; returns it once the CONNECT answer is there.
    std::unique_ptr<Client> connectClient(const QString &auth = {}, const QString &query = {})
    {
        auto client = std::make_unique<Client>(m_relay->serverPort(), query);
        if (!client->waitText(0).startsWith(QLatin1Char('0')))
            return nullptr;
        client->send(QStringLiteral("40/rooms,") + auth);
        if (!client->waitText(1).startsWith(QLatin1String("40/rooms,{\"sid\"")))
            return nullptr;
        return client;
    }

private Q_SLOTS:
    void cleanup()
    {
        m_relay.reset();
        m_ns = nullptr;
    }

    void refusesWithTheNamespaceMessageAndPassesAuthAndQuery()
    {
        start();
        m_ns->requiredToken = QStringLiteral("secret");
        Client refused(m_relay->serverPort());
        QVERIFY(refused.waitText(0).startsWith(QLatin1Char('0')));
        refused.send(QStringLiteral(R"(40/rooms,{"token":"wrong"})"));
        QCOMPARE(refused.waitText(1), QStringLiteral(R"(44/rooms,{"message":"Authentication failed"})"));
        QVERIFY(m_ns->connected.isEmpty());

        auto accepted =
            connectClient(QStringLiteral(R"({"token":"secret"})"), QStringLiteral("&profile=work"));
        QVERIFY(accepted);
        QCOMPARE(m_ns->connected.size(), 1);
        QCOMPARE(m_ns->lastQuery.queryItemValue(QStringLiteral("profile")), QStringLiteral("work"));
        QCOMPARE(m_ns->connected.first()->auth().value(QStringLiteral("token")).toString(),
                 QStringLiteral("secret"));
        QCOMPARE(m_ns->connected.first()->query().queryItemValue(QStringLiteral("profile")),
                 QStringLiteral("work"));
    }

    void roomsReachOnlyTheirMembers()
    {
        start();
        auto a = connectClient();
        auto b = connectClient();
        auto c = connectClient();
        QVERIFY(a && b && c);
        a->send(QStringLiteral(R"(42/rooms,1["join","session:1"])"));
        b->send(QStringLiteral(R"(42/rooms,1["join","session:2"])"));
        c->send(QStringLiteral(R"(42/rooms,1["join","session:1"])"));
        QCOMPARE(a->waitText(2), QStringLiteral(R"(43/rooms,1["done","join"])"));
        QCOMPARE(b->waitText(2), QStringLiteral(R"(43/rooms,1["done","join"])"));
        QCOMPARE(c->waitText(2), QStringLiteral(R"(43/rooms,1["done","join"])"));
        c->send(QStringLiteral(R"(42/rooms,2["leave","session:1"])"));
        QCOMPARE(c->waitText(3), QStringLiteral(R"(43/rooms,2["done","leave"])"));
        QCOMPARE(m_relay->socketServer()
                     ->socketsInRoom(QStringLiteral("/rooms"), QStringLiteral("session:1"))
                     .size(),
                 1);

        m_ns->emitToRoom(QStringLiteral("session:1"), QStringLiteral("run.started"),
                         QJsonArray{QJsonObject{{QStringLiteral("session_id"), QStringLiteral("1")}}});
        QCOMPARE(a->waitText(3), QStringLiteral(R"(42/rooms,["run.started",{"session_id":"1"}])"));
        QTest::qWait(100);
        QCOMPARE(b->texts.size(), 3);
        QCOMPARE(c->texts.size(), 4);

        m_ns->emitToAll(QStringLiteral("hello"), QJsonArray{});
        QCOMPARE(a->waitText(4), QStringLiteral(R"(42/rooms,["hello"])"));
        QCOMPARE(b->waitText(3), QStringLiteral(R"(42/rooms,["hello"])"));
        QCOMPARE(c->waitText(4), QStringLiteral(R"(42/rooms,["hello"])"));
    }

    void disconnectLeavesRoomsAndTellsTheNamespace()
    {
        start();
        auto a = connectClient();
        QVERIFY(a);
        a->send(QStringLiteral(R"(42/rooms,1["join","session:9"])"));
        QVERIFY(!a->waitText(2).isEmpty());
        a->send(QStringLiteral("41/rooms,"));
        QTRY_COMPARE(m_ns->log.last(),
                     QStringLiteral("disconnect:client namespace disconnect:rooms=session:9"));
        QVERIFY(m_relay->socketServer()
                    ->socketsInRoom(QStringLiteral("/rooms"), QStringLiteral("session:9"))
                    .isEmpty());
        QTRY_VERIFY(m_ns->connected.first().isNull()); // deleted after onDisconnect
        QVERIFY(a->isConnected());                     // the Engine.IO session stays

        auto b = connectClient();
        QVERIFY(b);
        b->socket.abort();
        QTRY_COMPARE(m_ns->log.last(), QStringLiteral("disconnect:transport close:rooms="));
        QTRY_COMPARE(m_relay->socketServer()->connectionCount(), 1);
    }

    void serverAcksResolveOnAnswerTimeoutOrDisconnect()
    {
        start();
        auto client = connectClient();
        QVERIFY(client);
        Socket *socket = m_ns->connected.first();

        QList<std::pair<bool, QJsonArray>> results;
        auto record = [&results](bool acknowledged, const SocketPayload &args) {
            results.append({acknowledged, args.values});
        };
        socket->emitWithAck(QStringLiteral("question"), QJsonArray{1}, record);
        const QString request = client->waitText(2);
        QCOMPARE(request, QStringLiteral(R"(42/rooms,0["question",1])"));
        client->send(QStringLiteral(R"(43/rooms,0["answer"])"));
        QTRY_COMPARE(results.size(), 1);
        QCOMPARE(results.at(0).first, true);
        QCOMPARE(results.at(0).second, QJsonArray{QStringLiteral("answer")});

        QElapsedTimer timer;
        timer.start();
        socket->emitWithAck(QStringLiteral("ignored"), {}, record, 150);
        QTRY_COMPARE(results.size(), 2);
        QVERIFY(timer.elapsed() >= 140);
        QCOMPARE(results.at(1).first, false);
        // A late answer is dropped.
        client->send(QStringLiteral(R"(43/rooms,1["late"])"));
        QTest::qWait(50);
        QCOMPARE(results.size(), 2);

        socket->emitWithAck(QStringLiteral("pending"), {}, record);
        client->socket.abort();
        QTRY_COMPARE(results.size(), 3);
        QCOMPARE(results.at(2).first, false);
    }

    void pendingAcksAreBounded()
    {
        RelayOptions options;
        options.socket.maxPendingAcks = 3;
        start(options);
        auto client = connectClient();
        QVERIFY(client);
        int failed = 0;
        for (int i = 0; i < 5; ++i)
            m_ns->connected.first()->emitWithAck(
                QStringLiteral("q"), {}, [&failed](bool ok, const SocketPayload &) { failed += ok ? 0 : 1; });
        QCOMPARE(failed, 2);
    }

    void serverDisconnectSendsDisconnectPacket()
    {
        start();
        auto client = connectClient();
        QVERIFY(client);
        m_ns->connected.first()->disconnectFromServer();
        QCOMPARE(client->waitText(2), QStringLiteral("41/rooms,"));
        QTRY_COMPARE(m_ns->log.last(), QStringLiteral("disconnect:server namespace disconnect:rooms="));
        QVERIFY(client->isConnected());

        auto other = connectClient();
        QVERIFY(other);
        m_ns->connected.last()->disconnectFromServer(true);
        QCOMPARE(other->waitText(2), QStringLiteral("41/rooms,"));
        QTRY_VERIFY(!other->isConnected());
    }

    void emitsBinaryArguments()
    {
        start();
        auto client = connectClient();
        QVERIFY(client);
        SocketPayload payload(QJsonArray{QStringLiteral("name.bin")});
        payload.appendBinary(QByteArray("\x00\x01\x02", 3));
        m_ns->connected.first()->emitEvent(QStringLiteral("file"), payload);
        QCOMPARE(client->waitText(2),
                 QStringLiteral(R"(451-/rooms,["file","name.bin",{"_placeholder":true,"num":0}])"));
        QTRY_COMPARE(client->binaries.size(), 1);
        QCOMPARE(client->binaries.first(), QByteArray("\x00\x01\x02", 3));
    }

    void secondConnectReplacesTheSocket()
    {
        start();
        auto client = connectClient();
        QVERIFY(client);
        client->send(QStringLiteral("40/rooms,"));
        QVERIFY(client->waitText(2).startsWith(QLatin1String("40/rooms,")));
        QCOMPARE(m_ns->connected.size(), 2);
        QTRY_VERIFY(m_ns->connected.first().isNull());
        QCOMPARE(m_relay->socketServer()->sockets(QStringLiteral("/rooms")).size(), 1);
    }

    void healthyConsumerKeepsUpWithABoundedBuffer()
    {
        RelayOptions options;
        options.engine.maxBufferedBytes = 256 * 1024;
        start(options);
        auto client = connectClient();
        QVERIFY(client);
        QPointer<Socket> socket = m_ns->connected.first();
        const QString chunk(10 * 1024, QLatin1Char('x'));
        // 2 MB in total, 100 kB per event-loop turn: far above the bound in sum, never at once.
        int sent = 0;
        QTimer pump;
        connect(&pump, &QTimer::timeout, this, [&] {
            for (int i = 0; i < 10 && sent < 200 && socket; ++i, ++sent)
                socket->emitEvent(QStringLiteral("chunk"), QJsonArray{chunk});
        });
        pump.start(5);
        QTRY_COMPARE_WITH_TIMEOUT(client->texts.size(), 202, 20000);
        QVERIFY(client->isConnected());
        QVERIFY(socket);
    }

    void slowConsumerIsDisconnected()
    {
        RelayOptions options;
        options.engine.maxBufferedBytes = 256 * 1024;
        start(options);
        auto client = connectClient();
        QVERIFY(client);
        QPointer<Socket> socket = m_ns->connected.first();
        const QString chunk(10 * 1024, QLatin1Char('x'));
        // Without an event-loop turn nothing leaves the process: a client that cannot keep up.
        for (int i = 0; i < 100 && socket && socket->isConnected(); ++i)
            socket->emitEvent(QStringLiteral("chunk"), QJsonArray{chunk});
        QTRY_VERIFY(!client->isConnected());
        QTRY_COMPARE(m_ns->log.last(), QStringLiteral("disconnect:slow consumer:rooms="));
    }

    void pollingClientThatNeverPollsIsDisconnected()
    {
        RelayOptions options;
        options.engine.maxBufferedBytes = 64 * 1024;
        start(options);
        QNetworkAccessManager http;
        const QString base = QStringLiteral("http://127.0.0.1:%1/socket.io/?EIO=4&transport=polling")
                                 .arg(m_relay->serverPort());
        QNetworkReply *handshake = http.get(QNetworkRequest(QUrl(base)));
        QTRY_VERIFY(handshake->isFinished());
        const QByteArray open = handshake->readAll();
        const QString sid =
            QJsonDocument::fromJson(open.mid(1)).object().value(QStringLiteral("sid")).toString();
        QVERIFY(!sid.isEmpty());
        QNetworkRequest postRequest(QUrl(base + QStringLiteral("&sid=") + sid));
        postRequest.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("text/plain"));
        QNetworkReply *connectReply = http.post(postRequest, QByteArray("40/rooms,"));
        QTRY_VERIFY(connectReply->isFinished());
        QCOMPARE(connectReply->readAll(), QByteArray("ok"));
        QTRY_COMPARE(m_ns->connected.size(), 1);
        for (int i = 0; i < 20; ++i)
            m_ns->connected.first()->emitEvent(QStringLiteral("chunk"),
                                               QJsonArray{QString(8 * 1024, QLatin1Char('y'))});
        QTRY_COMPARE(m_ns->log.last(), QStringLiteral("disconnect:slow consumer:rooms="));
        QNetworkReply *poll = http.get(QNetworkRequest(QUrl(base + QStringLiteral("&sid=") + sid)));
        QTRY_VERIFY(poll->isFinished());
        QCOMPARE(poll->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 400);
    }

    void sessionCountIsBounded()
    {
        RelayOptions options;
        options.engine.maxSessions = 2;
        start(options);
        QNetworkAccessManager http;
        const QUrl url(QStringLiteral("http://127.0.0.1:%1/socket.io/?EIO=4&transport=polling")
                           .arg(m_relay->serverPort()));
        QList<int> statuses;
        for (int i = 0; i < 3; ++i) {
            QNetworkReply *reply = http.get(QNetworkRequest(url));
            QTRY_VERIFY(reply->isFinished());
            statuses.append(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt());
        }
        QCOMPARE(statuses, (QList<int>{200, 200, 503}));
    }

    void plainHttpGoesToTheFallback()
    {
        start();
        m_relay->setHttpFallback([](const net::HttpRequest &request, net::HttpResponder *responder) {
            responder->sendJson(200, QJsonObject{{QStringLiteral("path"), request.path}});
        });
        QNetworkAccessManager http;
        QNetworkReply *reply = http.get(QNetworkRequest(
            QUrl(QStringLiteral("http://127.0.0.1:%1/api/sessions").arg(m_relay->serverPort()))));
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("path")).toString(),
                 QStringLiteral("/api/sessions"));
        QNetworkReply *engine = http.get(QNetworkRequest(
            QUrl(QStringLiteral("http://127.0.0.1:%1/socket.io/?EIO=3").arg(m_relay->serverPort()))));
        QTRY_VERIFY(engine->isFinished());
        QCOMPARE(engine->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 400);
    }

    void refusesDuplicateNamespaceNames()
    {
        start();
        QVERIFY(!m_relay->registerNamespace(QStringLiteral("rooms"), std::make_unique<RecordingNamespace>()));
        QVERIFY(m_relay->registerNamespace(QStringLiteral("other"), std::make_unique<RecordingNamespace>()));
        QVERIFY(m_relay->socketServer()->findNamespace(QStringLiteral("/other")));
    }
};

QTEST_GUILESS_MAIN(TestRelayServer)
#include "tst_relay_server.moc"
