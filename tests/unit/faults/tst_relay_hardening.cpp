// Relay hardening (SPEC 8, issue 8): what a random local web page, a buggy or hostile client and a client
// that stops reading can do to the /chat-run relay. The relay runs in-process on a SessionManager that
// talks to hermes-sim; the last cases run the real `caduceus --relay` to check how the program wires it.
#include "ChatHarness.h"
#include "RelayProcess.h"
#include "RelayTestClient.h"
#include "relay/ChatRunNamespace.h"
#include "relay/EngineServer.h"
#include "relay/EngineSocket.h"
#include "relay/RelayServer.h"
#include "relay/SocketServer.h"
#include "webui/AllowedFolders.h"

#include <QFile>
#include <QJsonArray>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpSocket>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>

using namespace caduceus;
using caduceus::test::ChatHarness;
using caduceus::test::RelayProcess;
using caduceus::test::RelayTestClient;
using caduceus::test::SimProcess;

namespace {

const QByteArray Token = "hardening-token-0123456789";

// Waits without blocking the event loop (the relay may run in this thread).
bool waitUntil(const std::function<bool()> &condition, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!condition()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        QTest::qWait(5);
    }
    return true;
}

// The status code of the answer to a raw request (0 when the connection closed without one).
int statusOf(quint16 port, const QByteArray &request)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!waitUntil([&] { return socket.state() == QAbstractSocket::ConnectedState; }, 3000))
        return -1;
    socket.write(request);
    QByteArray answer;
    waitUntil(
        [&] {
            answer += socket.readAll();
            return answer.contains("\r\n") || socket.state() != QAbstractSocket::ConnectedState;
        },
        5000);
    return answer.startsWith("HTTP/1.1 ") ? answer.mid(9, 3).toInt() : 0;
}

QByteArray upgradeRequest(const QByteArray &host, const QByteArray &origin)
{
    QByteArray request =
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: " + host +
        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n";
    if (!origin.isEmpty())
        request += "Origin: " + origin + "\r\n";
    return request + "\r\n";
}

QByteArray pollingRequest(const QByteArray &host, const QByteArray &origin)
{
    QByteArray request = "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: " + host + "\r\n";
    if (!origin.isEmpty())
        request += "Origin: " + origin + "\r\n";
    return request + "Connection: close\r\n\r\n";
}

// Waits for an event of that name on the client; returns its payload (empty on timeout).
QJsonObject waitForEvent(RelayTestClient &client, const QString &name, int timeoutMs = 15000)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        for (const auto &e : std::as_const(client.events)) {
            if (e.name == name)
                return e.payload;
        }
        QTest::qWait(10);
    }
    return {};
}

} // namespace

class TestRelayHardening : public QObject
{
    Q_OBJECT

    std::unique_ptr<SimProcess> m_sim;
    QTemporaryDir m_dir;
    int m_serial = 0;

    struct Relay
    {
        std::unique_ptr<ChatHarness> harness;
        std::unique_ptr<relay::RelayServer> server;
        relay::ChatRunNamespace *chatRun = nullptr;
        QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server->serverPort())); }
    };

    Relay startRelay(relay::RelayOptions options = {}, relay::ChatRunLimits limits = {},
                     chat::ChatSettings settings = ChatHarness::fastSettings())
    {
        Relay r;
        r.harness = std::make_unique<ChatHarness>(m_dir.filePath(QStringLiteral("h%1.db").arg(++m_serial)),
                                                  m_sim->baseUrl(), QStringLiteral("test-key"), settings);
        r.server = std::make_unique<relay::RelayServer>(options);
        auto chatRun = std::make_unique<relay::ChatRunNamespace>(r.harness->manager.get(), Token, limits);
        r.chatRun = chatRun.get();
        r.server->registerNamespace(QStringLiteral("/chat-run"), std::move(chatRun));
        if (!r.server->listen(QHostAddress::LocalHost, 0))
            qFatal("cannot listen: %s", qPrintable(r.server->errorString()));
        return r;
    }

    static bool connectClient(RelayTestClient &client, const QUrl &url, const QByteArray &token = Token,
                              const QString &origin = {})
    {
        QSignalSpy connected(&client, &RelayTestClient::connected);
        QSignalSpy refused(&client, &RelayTestClient::connectFailed);
        QSignalSpy closed(&client, &RelayTestClient::disconnected); // e.g. the handshake was refused
        client.open(url, token, origin);
        QElapsedTimer clock;
        clock.start();
        while (connected.isEmpty() && refused.isEmpty() && closed.isEmpty() && clock.elapsed() < 5000)
            QTest::qWait(10);
        return !connected.isEmpty();
    }

    // Sends an event and waits for its ack; returns the ack's first argument.
    static QJsonObject request(RelayTestClient &client, const QString &event, const QJsonObject &payload)
    {
        QJsonObject answer;
        bool answered = false;
        client.emitEvent(event, payload, [&](const QJsonArray &args) {
            answer = args.first().toObject();
            answered = true;
        });
        QElapsedTimer clock;
        clock.start();
        while (!answered && clock.elapsed() < 5000 && client.isConnected())
            QTest::qWait(5);
        return answer;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_sim = std::make_unique<SimProcess>(QStringList{"--key", "test-key", "--delay-ms", "2"});
        QVERIFY2(m_sim->isReady(), qPrintable(m_sim->errorString()));
    }

    void originAllowList_data()
    {
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<QByteArray>("origin");
        QTest::addColumn<bool>("allowed");
        // %1 is the relay's port.
        QTest::newRow("a program (no Origin)") << QByteArray("127.0.0.1:%1") << QByteArray() << true;
        QTest::newRow("the page Caduceus serves")
            << QByteArray("127.0.0.1:%1") << QByteArray("http://127.0.0.1:%1") << true;
        QTest::newRow("the page via localhost")
            << QByteArray("localhost:%1") << QByteArray("http://localhost:%1") << true;
        QTest::newRow("the configured web UI")
            << QByteArray("127.0.0.1:%1") << QByteArray("http://localhost:5173") << true;
        QTest::newRow("configured, other case")
            << QByteArray("127.0.0.1:%1") << QByteArray("HTTP://LocalHost:5173/") << true;
        QTest::newRow("a random web site")
            << QByteArray("127.0.0.1:%1") << QByteArray("https://evil.example") << false;
        QTest::newRow("the web UI port, other scheme")
            << QByteArray("127.0.0.1:%1") << QByteArray("https://localhost:5173") << false;
        QTest::newRow("a sandboxed frame") << QByteArray("127.0.0.1:%1") << QByteArray("null") << false;
        QTest::newRow("a local file") << QByteArray("127.0.0.1:%1") << QByteArray("file://") << false;
        QTest::newRow("DNS rebinding")
            << QByteArray("rebind.example:%1") << QByteArray("http://rebind.example:%1") << false;
        QTest::newRow("another local port")
            << QByteArray("127.0.0.1:%1") << QByteArray("http://127.0.0.1:8080") << false;
    }

    void originAllowList()
    {
        QFETCH(QByteArray, host);
        QFETCH(QByteArray, origin);
        QFETCH(bool, allowed);
        relay::RelayOptions options;
        options.engine.allowedOrigins = {QStringLiteral("http://localhost:5173")};
        Relay r = startRelay(options);
        const QByteArray port = QByteArray::number(r.server->serverPort());
        host.replace("%1", port);
        origin.replace("%1", port);
        QCOMPARE(statusOf(r.server->serverPort(), upgradeRequest(host, origin)), allowed ? 101 : 403);
        QCOMPARE(statusOf(r.server->serverPort(), pollingRequest(host, origin)), allowed ? 200 : 403);
        if (!origin.isEmpty() && host.startsWith("127.0.0.1:")) { // a real WebSocket client sets Host itself
            RelayTestClient client;
            QCOMPARE(connectClient(client, r.url(), Token, QString::fromUtf8(origin)), allowed);
        }
    }

    void tokenIsRequired_data()
    {
        QTest::addColumn<QByteArray>("token");
        QTest::newRow("none") << QByteArray();
        QTest::newRow("wrong") << QByteArray("hardening-token-0123456788");
        QTest::newRow("a prefix") << Token.left(Token.size() - 1);
        QTest::newRow("longer") << Token + "0";
    }

    void tokenIsRequired()
    {
        QFETCH(QByteArray, token);
        Relay r = startRelay();
        RelayTestClient client;
        QVERIFY(!connectClient(client, r.url(), token));
        QCOMPARE(client.connectError(), QStringLiteral("Authentication failed"));
        QVERIFY(!relay::ChatRunNamespace::constantTimeEquals(token, Token));
        QVERIFY(relay::ChatRunNamespace::constantTimeEquals(Token, Token));
    }

    void malformedPacketClosesOnlyThatConnection_data()
    {
        QTest::addColumn<QString>("frame");
        QTest::newRow("broken JSON") << QStringLiteral("42/chat-run,[\"run\",{\"session_id\":");
        QTest::newRow("unknown packet type") << QStringLiteral("9hello");
        QTest::newRow("reserved event name") << QStringLiteral("42/chat-run,[\"disconnect\"]");
        QTest::newRow("namespace not joined") << QStringLiteral("42/other,[\"run\",{}]");
        QTest::newRow("text instead of an attachment") << QStringLiteral(
            "451-/chat-run,[\"run\",{\"_placeholder\":true,\"num\":0}]\n42/chat-run,[\"abort\",{}]");
        QTest::newRow("oversized frame") << QString(1'200'000, QLatin1Char('x')).prepend(QStringLiteral("4"));
    }

    void malformedPacketClosesOnlyThatConnection()
    {
        QFETCH(QString, frame);
        Relay r = startRelay();
        RelayTestClient bad, good;
        QVERIFY(connectClient(bad, r.url()));
        QVERIFY(connectClient(good, r.url()));
        const QJsonObject session{{QStringLiteral("session_id"), QStringLiteral("shared")}};
        QCOMPARE(request(bad, "resume", session).value("ok").toBool(), true);
        QCOMPARE(request(good, "resume", session).value("ok").toBool(), true);
        QSignalSpy closed(&bad, &RelayTestClient::disconnected);
        for (const QString &part : frame.split(QLatin1Char('\n')))
            bad.sendRaw(part);
        QVERIFY(closed.wait(5000));
        // The other client, in the same session, goes on as if nothing happened.
        QJsonObject run = session;
        run.insert(QStringLiteral("input"), QStringLiteral("still here? sim:bench sim:deltas=5"));
        QCOMPARE(request(good, "run", run).value("ok").toBool(), true);
        QVERIFY(!waitForEvent(good, "run.completed").isEmpty());
        QVERIFY(good.isConnected());
        QCOMPARE(r.server->socketIoEngine()->sessionCount(), 1);
    }

    void sessionsPerConnectionAreLimited()
    {
        relay::ChatRunLimits limits;
        limits.maxSessionsPerConnection = 3;
        Relay r = startRelay({}, limits);
        RelayTestClient client;
        QVERIFY(connectClient(client, r.url()));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(request(client, "resume", {{"session_id", QStringLiteral("s%1").arg(i)}})
                         .value("ok")
                         .toBool(),
                     true);
        const QJsonObject refused = request(client, "resume", {{"session_id", QStringLiteral("s3")}});
        QCOMPARE(refused.value("ok").toBool(true), false);
        QVERIFY2(refused.value("error").toString().contains("too many sessions"),
                 qPrintable(refused.value("error").toString()));
        QVERIFY(client.isConnected()); // a refusal, not a disconnection
    }

    void eventFloodDisconnects()
    {
        relay::ChatRunLimits limits;
        limits.maxEventsPerSecond = 20;
        Relay r = startRelay({}, limits);
        RelayTestClient flooder, calm;
        QVERIFY(connectClient(flooder, r.url()));
        QVERIFY(connectClient(calm, r.url()));
        QSignalSpy closed(&flooder, &RelayTestClient::disconnected);
        for (int i = 0; i < 200; ++i)
            flooder.emitEvent("resume", {{"session_id", QStringLiteral("flood")}});
        QVERIFY(closed.wait(5000));
        QCOMPARE(request(calm, "resume", {{"session_id", QStringLiteral("calm")}}).value("ok").toBool(),
                 true);
    }

    void queuePerSessionIsLimited()
    {
        chat::ChatSettings settings = ChatHarness::fastSettings();
        settings.maxQueuedPerSession = 2;
        Relay r = startRelay({}, {}, settings);
        RelayTestClient client;
        QVERIFY(connectClient(client, r.url()));
        const auto run = [&](const QString &text) {
            return request(client, "run", {{"session_id", QStringLiteral("q")}, {"input", text}});
        };
        QCOMPARE(run("a slow one sim:slow").value("ok").toBool(), true);
        QCOMPARE(run("queued 1").value("queued").toBool(), true);
        QCOMPARE(run("queued 2").value("queued").toBool(), true);
        const QJsonObject refused = run("queued 3");
        QCOMPARE(refused.value("ok").toBool(true), false);
        QVERIFY2(refused.value("error").toString().contains("queued"),
                 qPrintable(refused.value("error").toString()));
        QCOMPARE(r.harness->manager->controller("q")->queueLength(), 2);
        r.harness->manager->controller("q")->abort();
    }

    void slowConsumerIsCutOffWithBoundedMemory()
    {
        relay::RelayOptions options;
        options.engine.maxBufferedBytes = 256 * 1024;
        Relay r = startRelay(options);
        RelayTestClient reader;
        QVERIFY(connectClient(reader, r.url()));
        // A WebSocket client that joins the session and then never reads again: a plain socket with a small
        // kernel buffer, outside Qt's event loop, so nothing reads it behind the test's back.
        const int stalled = ::socket(AF_INET, SOCK_STREAM, 0);
        QVERIFY(stalled >= 0);
        const auto closeStalled = qScopeGuard([stalled] { ::close(stalled); });
        const int small = 4096;
        ::setsockopt(stalled, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(r.server->serverPort());
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::connect(stalled, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
        const auto sendAll = [stalled](const QByteArray &bytes) {
            return ::send(stalled, bytes.constData(), size_t(bytes.size()), 0) == bytes.size();
        };
        QVERIFY(sendAll(upgradeRequest("127.0.0.1", {})));
        QTest::qWait(300);
        char answer[512] = {};
        QVERIFY(::recv(stalled, answer, sizeof answer - 1, MSG_DONTWAIT) > 0);
        QVERIFY(QByteArray(answer).startsWith("HTTP/1.1 101"));
        const auto sendMasked = [&sendAll](const QByteArray &text) {
            QByteArray frame;
            frame.append(char(0x81));
            frame.append(char(0x80 | text.size())); // short frames only
            const QByteArray mask("\x01\x02\x03\x04", 4);
            frame.append(mask);
            for (qsizetype i = 0; i < text.size(); ++i)
                frame.append(char(text[i] ^ mask[i % 4]));
            return sendAll(frame);
        };
        QVERIFY(sendMasked("40/chat-run,{\"token\":\"" + Token + "\"}"));
        QTest::qWait(200);
        QVERIFY(sendMasked("42/chat-run,[\"resume\",{\"session_id\":\"big\"}]"));
        QTest::qWait(200);
        QCOMPARE(r.server->socketIoEngine()->sessionCount(), 2);
        QCOMPARE(r.server->socketServer()->socketsInRoom("/chat-run", "session:big").size(), 1);

        QCOMPARE(request(reader, "run",
                         {{"session_id", "big"},
                          {"input", "flood sim:bench sim:deltas=4000 sim:chars=400 sim:delay=1"}})
                     .value("ok")
                     .toBool(),
                 true);
        QHash<QString, qint64> peaks; // by Engine.IO session id
        QElapsedTimer clock;
        clock.start();
        while (r.server->socketIoEngine()->sessionCount() == 2 && clock.elapsed() < 30000) {
            QTest::qWait(2);
            for (const relay::EngineSocket *s :
                 r.server->socketIoEngine()->findChildren<relay::EngineSocket *>())
                peaks[s->id()] = qMax(peaks.value(s->id()), s->bufferedBytes());
        }
        QCOMPARE(r.server->socketIoEngine()->sessionCount(), 1); // the stalled client was dropped
        const QString remaining =
            r.server->socketIoEngine()->findChildren<relay::EngineSocket *>().value(0)->id();
        peaks.remove(remaining);
        QCOMPARE(peaks.size(), 1);
        // The relay's buffer for the stalled client never grew past the bound (plus one delta).
        QVERIFY2(peaks.begin().value() <= options.engine.maxBufferedBytes + 4096,
                 qPrintable(QStringLiteral("peak buffer %1 bytes").arg(peaks.begin().value())));
        QVERIFY(!waitForEvent(reader, "run.completed", 30000).isEmpty()); // the reading client got it all
        QVERIFY(reader.isConnected());
    }

    void attachmentsOnlyFromAllowedFolders_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("a file in the upload folder") << QStringLiteral("%uploads%/photo.png") << true;
        QTest::newRow("a system file") << QStringLiteral("/etc/passwd") << false;
        QTest::newRow("climbing out with ..") << QStringLiteral("%uploads%/../secret.txt") << false;
        QTest::newRow("a link out of the folder") << QStringLiteral("%uploads%/link-to-secret") << false;
        QTest::newRow("the folder itself") << QStringLiteral("%uploads%") << false;
        QTest::newRow("a relative path") << QStringLiteral("photo.png") << false;
        QTest::newRow("a missing file") << QStringLiteral("%uploads%/missing.png") << false;
    }

    void attachmentsOnlyFromAllowedFolders()
    {
        QFETCH(QString, path);
        QFETCH(bool, accepted);
        const QString uploads = m_dir.filePath(QStringLiteral("uploads"));
        QDir().mkpath(uploads);
        QFile photo(uploads + QStringLiteral("/photo.png"));
        QVERIFY(photo.open(QIODevice::WriteOnly));
        photo.write("png");
        photo.close();
        QFile secret(m_dir.filePath(QStringLiteral("secret.txt")));
        QVERIFY(secret.open(QIODevice::WriteOnly));
        secret.write("secret");
        secret.close();
        QFile::link(secret.fileName(), uploads + QStringLiteral("/link-to-secret"));
        path.replace(QStringLiteral("%uploads%"), uploads);

        Relay r = startRelay();
        r.chatRun->setAttachmentPolicy([uploads](const QString &, const QString &file) {
            return webui::AllowedFolders::check(file, {uploads}).verdict ==
                           webui::AllowedFolders::Verdict::Allowed
                       ? QString()
                       : QStringLiteral("not allowed");
        });
        RelayTestClient client;
        QVERIFY(connectClient(client, r.url()));
        const QJsonArray input{QJsonObject{{"type", "text"}, {"text", "see the file sim:bench sim:deltas=2"}},
                               QJsonObject{{"type", "file"}, {"name", "f"}, {"path", path}}};
        const QJsonObject answer = request(client, "run", {{"session_id", "files"}, {"input", input}});
        QCOMPARE(answer.value("ok").toBool(), accepted);
        if (accepted)
            QVERIFY(!waitForEvent(client, "run.completed").isEmpty());
        else
            QCOMPARE(r.harness->store->messages("files").size(), 0); // nothing reached the store or the agent
    }

    void attachmentsRefusedWithoutAPolicy()
    {
        Relay r = startRelay();
        RelayTestClient client;
        QVERIFY(connectClient(client, r.url()));
        const QJsonArray input{QJsonObject{{"type", "image"}, {"name", "x"}, {"path", "/etc/hostname"}}};
        QCOMPARE(
            request(client, "run", {{"session_id", "nopolicy"}, {"input", input}}).value("ok").toBool(true),
            false);
    }

    void theRelayProgramAppliesBoth()
    {
        // `caduceus --relay` with a web UI origin configured: the wiring of origins and attachment folders.
        const QString dataDir = m_dir.filePath(QStringLiteral("program"));
        QDir().mkpath(dataDir + QStringLiteral("/uploads"));
        QFile upload(dataDir + QStringLiteral("/uploads/note.txt"));
        QVERIFY(upload.open(QIODevice::WriteOnly));
        upload.write("note");
        upload.close();
        RelayProcess program;
        QVERIFY(program.start(dataDir, m_sim->baseUrl(), "test-key", Token,
                              {QStringLiteral("--cors-origin"), QStringLiteral("http://localhost:5173")}));
        const quint16 port = quint16(program.url.port());
        const QByteArray host = "127.0.0.1:" + QByteArray::number(port);
        QCOMPARE(statusOf(port, upgradeRequest(host, "http://localhost:5173")), 101);
        QCOMPARE(statusOf(port, upgradeRequest(host, "https://evil.example")), 403);
        QCOMPARE(statusOf(port, upgradeRequest(host, "http://" + host)), 101);

        RelayTestClient client;
        QVERIFY(connectClient(client, program.url));
        const auto send = [&](const QString &path) {
            const QJsonArray input{QJsonObject{{"type", "text"}, {"text", "read it sim:bench sim:deltas=2"}},
                                   QJsonObject{{"type", "file"}, {"name", "n"}, {"path", path}}};
            return request(client, "run", {{"session_id", "prog"}, {"input", input}});
        };
        const QJsonObject refused = send(QStringLiteral("/etc/passwd"));
        QCOMPARE(refused.value("ok").toBool(true), false);
        QVERIFY(refused.value("error").toString().contains("upload folder"));
        QCOMPARE(send(upload.fileName()).value("ok").toBool(), true);
        QVERIFY(!waitForEvent(client, "run.completed").isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRelayHardening)
#include "tst_relay_hardening.moc"
