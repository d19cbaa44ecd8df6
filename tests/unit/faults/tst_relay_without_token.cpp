// Issue 21: what a client WITHOUT the token can do to `caduceus --relay` (the real program, on loopback,
// against hermes-sim). Each attack of the issue runs as it was reported, from a thread of raw sockets,
// while a well-behaved client with the token keeps connecting and chatting on the Qt event loop; the
// relay's resident memory is sampled all along and must stay within 32 MiB of its idle figure. The other
// cases check the token in URLs, failed-attempt limits, file modes, frame headers and the start message.
//
// CADUCEUS_ATTACK_REPORT=<file> appends one TSV line per attack (scripts/reliability-report.sh).
#include "RelayProcess.h"
#include "RelayTestClient.h"
#include "SimProcess.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <thread>

using namespace caduceus;
using caduceus::test::RelayProcess;
using caduceus::test::RelayTestClient;
using caduceus::test::SimProcess;

namespace {

const QByteArray Token = "without-token-test-0123456789";
constexpr qint64 RssBoundKiB = 32 * 1024;

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

qint64 statusKiB(qint64 pid, const QByteArray &field)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(field + ':'))
            return line.mid(field.size() + 1).trimmed().split(' ').value(0).toLongLong();
    }
    return 0;
}

// --- raw POSIX sockets, usable from a plain thread (no Qt event loop there) ---

int rawConnect(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    timeval timeout{3, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Sends everything unless the peer closes or the deadline passes; false then.
bool sendAll(int fd, const char *data, qint64 size, int timeoutMs = 10'000)
{
    QElapsedTimer clock;
    clock.start();
    while (size > 0) {
        pollfd p{fd, POLLOUT, 0};
        if (::poll(&p, 1, 100) <= 0) {
            if (clock.elapsed() > timeoutMs)
                return false;
            continue;
        }
        if (p.revents & (POLLERR | POLLHUP))
            return false;
        const ssize_t sent =
            ::send(fd, data, size_t(std::min<qint64>(size, 1 << 20)), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0) {
            if (errno == EAGAIN || errno == EINTR)
                continue;
            return false;
        }
        data += sent;
        size -= sent;
    }
    return true;
}

bool sendAll(int fd, const QByteArray &bytes, int timeoutMs = 10'000)
{
    return sendAll(fd, bytes.constData(), bytes.size(), timeoutMs);
}

// What arrives within timeoutMs (stops early at end of stream or when `until` is seen).
QByteArray receive(int fd, int timeoutMs, const QByteArray &until = {}, bool *closed = nullptr)
{
    QByteArray answer;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0)
            continue;
        char buffer[65536];
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n <= 0) {
            if (n < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            if (closed)
                *closed = true;
            break;
        }
        answer.append(buffer, n);
        if (!until.isEmpty() && answer.contains(until))
            break;
    }
    return answer;
}

// True when the peer has closed (or reset) the connection within timeoutMs.
bool closedByPeer(int fd, int timeoutMs)
{
    bool closed = false;
    receive(fd, timeoutMs, {}, &closed);
    return closed;
}

int statusOf(const QByteArray &answer)
{
    return answer.startsWith("HTTP/1.1 ") ? answer.mid(9, 3).toInt() : 0;
}

// A client WebSocket frame (masked with a zero key: valid, and the payload goes out unchanged); without
// `final` it is a fragment that continuation frames (opcode 0) go on.
QByteArray wsFrameHead(quint8 opcode, qint64 length, bool final = true)
{
    QByteArray head;
    head.append(char((final ? 0x80 : 0x00) | opcode));
    if (length < 126) {
        head.append(char(0x80 | length));
    } else if (length < 65536) {
        head.append(char(0x80 | 126));
        head.append(char(length >> 8));
        head.append(char(length & 0xff));
    } else {
        head.append(char(0x80 | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            head.append(char((length >> shift) & 0xff));
    }
    head.append(QByteArray(4, '\0'));
    return head;
}

// The status code of the first close frame the server sent after its handshake answer, or 0 when none.
int wsCloseCode(const QByteArray &stream)
{
    const qsizetype end = stream.indexOf("\r\n\r\n");
    if (end < 0)
        return 0;
    qsizetype at = end + 4;
    while (at + 2 <= stream.size()) {
        const quint8 opcode = quint8(stream[at]) & 0x0f;
        qint64 length = quint8(stream[at + 1]) & 0x7f;
        qsizetype payload = at + 2;
        if (length == 126 || length == 127) {
            const int bytes = length == 126 ? 2 : 8;
            if (payload + bytes > stream.size())
                return 0;
            length = 0;
            for (int i = 0; i < bytes; ++i)
                length = (length << 8) | quint8(stream[payload + i]);
            payload += bytes;
        }
        if (opcode == 0x8)
            return payload + 2 <= stream.size() ? (quint8(stream[payload]) << 8) | quint8(stream[payload + 1]) : 0;
        at = payload + length;
    }
    return 0;
}

QByteArray wsText(const QByteArray &text)
{
    return wsFrameHead(0x1, text.size()) + text;
}

QByteArray wsUpgrade(quint16 port)
{
    return "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:" +
           QByteArray::number(port) +
           "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
           "Sec-WebSocket-Version: 13\r\n\r\n";
}

// One HTTP exchange on a fresh connection (blocking, for the main thread too: loopback answers at once).
QByteArray exchange(quint16 port, const QByteArray &request, int timeoutMs = 5000)
{
    const int fd = rawConnect(port);
    if (fd < 0)
        return {};
    sendAll(fd, request);
    bool closed = false;
    QByteArray answer;
    QElapsedTimer clock;
    clock.start();
    while (!closed && clock.elapsed() < timeoutMs) {
        answer += receive(fd, 50, {}, &closed);
        QCoreApplication::processEvents();
        const qsizetype end = answer.indexOf("\r\n\r\n");
        if (end > 0) {
            const qsizetype at = answer.toLower().indexOf("content-length: ");
            const qint64 length =
                at > 0 ? answer.mid(at + 16, answer.indexOf('\r', at) - at - 16).toLongLong() : 0;
            if (answer.size() >= end + 4 + length)
                break;
        }
    }
    ::close(fd);
    return answer;
}

struct ChatTally
{
    int ok = 0;
    int reconnects = 0; // connection attempts that had to be made again, as socket.io clients do
    QStringList errors;
};

} // namespace

class TestRelayWithoutToken : public QObject
{
    Q_OBJECT

    std::unique_ptr<SimProcess> m_sim;
    QTemporaryDir m_dir;
    QString m_webUiDir;
    int m_serial = 0;
    std::unique_ptr<RelayProcess> m_relay;
    QString m_dataDir;

    bool startRelay(const QByteArray &token = Token)
    {
        m_relay = std::make_unique<RelayProcess>();
        m_dataDir = m_dir.filePath(QStringLiteral("relay%1").arg(++m_serial));
        QProcessEnvironment env;
        // Every log line the relay can write, so a flood of them would show.
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("caduceus.*=true"));
        QDir().mkpath(m_dataDir);
        return m_relay->start(m_dataDir, m_sim->baseUrl(), "test-key", token,
                              {QStringLiteral("--web-ui"), m_webUiDir}, env);
    }

    quint16 port() const { return quint16(m_relay->url.port()); }

    static bool connectClient(RelayTestClient &client, const QUrl &url, const QByteArray &token = Token)
    {
        QSignalSpy connected(&client, &RelayTestClient::connected);
        QSignalSpy refused(&client, &RelayTestClient::connectFailed);
        QSignalSpy closed(&client, &RelayTestClient::disconnected);
        client.open(url, token);
        waitUntil([&] { return !connected.isEmpty() || !refused.isEmpty() || !closed.isEmpty(); }, 10'000);
        return !connected.isEmpty();
    }

    // One chat of the well-behaved client: connect with the token, run a turn, see it complete.
    void chatOnce(ChatTally &tally, int serial)
    {
        // A socket.io client tries again after a lost connection attempt; so does this one, once (counted).
        auto client = std::make_unique<RelayTestClient>();
        if (!connectClient(*client, m_relay->url)) {
            ++tally.reconnects;
            QTest::qWait(100);
            client = std::make_unique<RelayTestClient>();
            if (!connectClient(*client, m_relay->url)) {
                tally.errors << QStringLiteral("connect: %1").arg(client->connectError());
                return;
            }
        }
        RelayTestClient &clientRef = *client;
        bool acked = false, ok = false;
        clientRef.emitEvent(QStringLiteral("run"),
                            {{"session_id", QStringLiteral("good-%1").arg(serial)},
                             {"input", QStringLiteral("hello %1 sim:bench sim:deltas=3").arg(serial)}},
                            [&](const QJsonArray &args) {
                                acked = true;
                                ok = args.first().toObject().value("ok").toBool();
                            });
        const bool completed = waitUntil(
            [&] {
                for (const auto &e : std::as_const(clientRef.events)) {
                    if (e.name == QLatin1String("run.completed"))
                        return true;
                }
                return !clientRef.isConnected();
            },
            15'000);
        bool sawCompleted = false;
        for (const auto &e : std::as_const(clientRef.events))
            sawCompleted = sawCompleted || e.name == QLatin1String("run.completed");
        if (!acked || !ok || !completed || !sawCompleted)
            tally.errors << QStringLiteral("chat %1: acked %2 ok %3 completed %4")
                                .arg(serial)
                                .arg(acked)
                                .arg(ok)
                                .arg(sawCompleted);
        else
            ++tally.ok;
        clientRef.close();
    }

    struct Measure
    {
        qint64 idleKiB = 0;
        qint64 peakKiB = 0;
        ChatTally chats;
        double seconds = 0;
    };

    // Runs `attack` in a thread while the good client chats (at least `minChats` times) and memory is
    // sampled; returns the figures.
    Measure underAttack(const char *name, const std::function<void()> &attack, int minChats = 2)
    {
        Measure m;
        // Idle: after a first chat (lazy initialisation done) and a short rest.
        ChatTally warmUp;
        chatOnce(warmUp, 0);
        QTest::qWait(500);
        const qint64 pid = m_relay->pid();
        m.idleKiB = statusKiB(pid, "VmRSS");
        QFile clearRefs(QStringLiteral("/proc/%1/clear_refs").arg(pid));
        const bool peakReset = clearRefs.open(QIODevice::WriteOnly) && clearRefs.write("5") == 1;
        clearRefs.close();
        m.peakKiB = m.idleKiB;
        QTimer sampler;
        QObject::connect(&sampler, &QTimer::timeout,
                         [&] { m.peakKiB = std::max(m.peakKiB, statusKiB(pid, "VmRSS")); });
        sampler.start(10);

        QElapsedTimer clock;
        clock.start();
        std::atomic<bool> done{false};
        std::thread thread([&] {
            attack();
            done = true;
        });
        int serial = 1;
        while (!done || serial <= minChats)
            chatOnce(m.chats, serial++);
        thread.join();
        m.seconds = clock.elapsed() / 1000.0;
        sampler.stop();
        m.peakKiB = std::max(m.peakKiB, statusKiB(pid, "VmRSS"));
        if (peakReset)
            m.peakKiB = std::max(m.peakKiB, statusKiB(pid, "VmHWM"));
        if (!warmUp.errors.isEmpty())
            m.chats.errors.prepend(QStringLiteral("warm-up: ") + warmUp.errors.join(QLatin1String("; ")));

        qInfo("%s: relay RSS idle %.1f MiB, peak %.1f MiB (+%.1f); %d chats with the token, %d errors, %d "
              "reconnects; %.1f s",
              name, m.idleKiB / 1024.0, m.peakKiB / 1024.0, (m.peakKiB - m.idleKiB) / 1024.0, m.chats.ok,
              int(m.chats.errors.size()), m.chats.reconnects, m.seconds);
        const QString report = qEnvironmentVariable("CADUCEUS_ATTACK_REPORT");
        if (!report.isEmpty()) {
            QFile file(report);
            if (file.open(QIODevice::Append)) {
                file.write(QStringLiteral("%1\t%2\t%3\t%4\t%5\t%6\t%7\n")
                               .arg(QLatin1String(name))
                               .arg(m.idleKiB / 1024.0, 0, 'f', 1)
                               .arg(m.peakKiB / 1024.0, 0, 'f', 1)
                               .arg(m.chats.ok)
                               .arg(m.chats.errors.size())
                               .arg(m.seconds, 0, 'f', 1)
                               .arg(m.chats.reconnects)
                               .toUtf8());
            }
        }
        return m;
    }

    static void checkBounds(const Measure &m)
    {
        QVERIFY2(m.chats.errors.isEmpty(), qPrintable(m.chats.errors.join(QLatin1String("; "))));
        QVERIFY(m.chats.ok >= 2);
        QVERIFY2(m.chats.reconnects <= 2, qPrintable(QString::number(m.chats.reconnects)));
        QVERIFY2(m.peakKiB - m.idleKiB <= RssBoundKiB,
                 qPrintable(QStringLiteral("RSS went from %1 to %2 KiB").arg(m.idleKiB).arg(m.peakKiB)));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_webUiDir = m_dir.filePath(QStringLiteral("web-ui"));
        QDir().mkpath(m_webUiDir);
        QFile index(m_webUiDir + QStringLiteral("/index.html"));
        QVERIFY(index.open(QIODevice::WriteOnly));
        index.write("<!doctype html><title>web ui</title><div id=app></div>");
        index.close();
        m_sim = std::make_unique<SimProcess>(QStringList{"--key", "test-key", "--delay-ms", "2"});
        QVERIFY2(m_sim->isReady(), qPrintable(m_sim->errorString()));
    }

    void cleanup() { m_relay.reset(); }

    // 1. WebSockets that never join a namespace announce 64 attachments and send 63 of ~1 MB each.
    void attachmentsBeforeJoining()
    {
        QVERIFY(startRelay());
        const quint16 p = port();
        std::atomic<int> closedEarly{0};
        const Measure m = underAttack("attachments before joining a namespace", [&] {
            std::vector<std::thread> sockets;
            for (int s = 0; s < 4; ++s) {
                sockets.emplace_back([&] {
                    const int fd = rawConnect(p);
                    if (fd < 0)
                        return;
                    sendAll(fd, wsUpgrade(p));
                    receive(fd, 3000, "\r\n\r\n");
                    QByteArray announce = "4564-/chat-run,[\"run\",{\"session_id\":\"x\",\"input\":[";
                    for (int i = 0; i < 64; ++i)
                        announce += (i ? "," : "") + QByteArray("{\"_placeholder\":true,\"num\":") +
                                    QByteArray::number(i) + "}";
                    announce += "]}]";
                    sendAll(fd, wsText(announce));
                    const QByteArray payload(999'000, 'a');
                    const QByteArray head = wsFrameHead(0x2, payload.size());
                    int sent = 0;
                    for (; sent < 63; ++sent) {
                        if (!sendAll(fd, head, 3000) || !sendAll(fd, payload, 3000))
                            break;
                    }
                    // Held open as the report did: the relay must not be holding the frames meanwhile.
                    if (closedByPeer(fd, 1500))
                        ++closedEarly;
                    ::close(fd);
                });
            }
            for (auto &t : sockets)
                t.join();
        });
        checkBounds(m);
        QCOMPARE(closedEarly.load(), 4); // the relay ended each of them on its own
    }

    // 1b. WebSockets that never join a namespace start a 900 000-byte text message (below maxPayload) and
    // send it in pieces without finishing it: half as one frame, half as 8 000-byte fragments. Before
    // joining, a WebSocket may send what a polling request may (16 kB), so each is closed with code 1009
    // at once instead of being held for the session's life; a client that joined still sends 500 kB.
    void largeMessageBeforeJoining()
    {
        QVERIFY(startRelay());
        const quint16 p = port();
        constexpr int Sockets = 8;
        constexpr qint64 MessageBytes = 900'000;
        std::atomic<int> closedEarly{0}, tooMuchData{0};
        const Measure m = underAttack("large WebSocket message before joining a namespace", [&] {
            std::vector<std::thread> sockets;
            for (int s = 0; s < Sockets; ++s) {
                sockets.emplace_back([&, fragmented = s % 2 == 1] {
                    const int fd = rawConnect(p);
                    if (fd < 0)
                        return;
                    sendAll(fd, wsUpgrade(p));
                    QByteArray stream = receive(fd, 3000, "\r\n\r\n");
                    const QByteArray piece(8'000, 'a');
                    if (fragmented)
                        sendAll(fd, wsFrameHead(0x1, piece.size(), false) + piece, 3000);
                    else
                        sendAll(fd, wsFrameHead(0x1, MessageBytes), 3000);
                    // All but the last piece, a little at a time; never the end of the message.
                    for (qint64 sent = piece.size(); sent + piece.size() < MessageBytes; sent += piece.size()) {
                        const QByteArray bytes = fragmented ? wsFrameHead(0x0, piece.size(), false) + piece : piece;
                        if (!sendAll(fd, bytes, 3000))
                            break;
                        if (sent % (64 * 1000) == 0)
                            std::this_thread::sleep_for(std::chrono::milliseconds(10));
                    }
                    bool closed = false;
                    stream += receive(fd, 1500, {}, &closed);
                    if (closed)
                        ++closedEarly;
                    if (wsCloseCode(stream) == 1009)
                        ++tooMuchData;
                    ::close(fd);
                });
            }
            for (auto &t : sockets)
                t.join();
        });
        checkBounds(m);
        QCOMPARE(closedEarly.load(), Sockets);
        QCOMPARE(tooMuchData.load(), Sockets);
        // Eight such messages held would be 7 MB and more; refused from their header, they cost nothing.
        QVERIFY2(m.peakKiB - m.idleKiB <= 4 * 1024,
                 qPrintable(QStringLiteral("RSS went from %1 to %2 KiB").arg(m.idleKiB).arg(m.peakKiB)));

        // Joining raises the limit to maxPayload: a 500 kB run goes through.
        RelayTestClient client;
        QVERIFY(connectClient(client, m_relay->url));
        bool acked = false, ok = false;
        client.emitEvent(QStringLiteral("run"),
                         {{"session_id", QStringLiteral("large-input")},
                          {"input", QStringLiteral("sim:deltas=1 ") + QString(500'000, QLatin1Char('x'))}},
                         [&](const QJsonArray &args) {
                             acked = true;
                             ok = args.first().toObject().value("ok").toBool();
                         });
        QVERIFY(waitUntil([&] { return acked || !client.isConnected(); }, 10'000));
        QVERIFY2(acked && ok, "the joined client's 500 kB run was not accepted");
        QVERIFY(client.isConnected());
        client.close();
    }

    // 2. Large POST bodies without the token, with and without "Expect: 100-continue".
    void bodiesWithoutToken()
    {
        QVERIFY(startRelay());
        const quint16 p = port();
        std::atomic<int> refusedFromHead{0}, continued{0};
        const Measure m = underAttack("request bodies without the token", [&] {
            std::vector<std::thread> posts;
            for (int i = 0; i < 8; ++i) {
                posts.emplace_back([&, i] {
                    const qint64 length = 53'477'376;
                    const int fd = rawConnect(p);
                    if (fd < 0)
                        return;
                    QByteArray head = "POST /api/hermes/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                      "Content-Type: application/json\r\nContent-Length: " +
                                      QByteArray::number(length) + "\r\n";
                    if (i % 2 == 0)
                        head += "Expect: 100-continue\r\n";
                    sendAll(fd, head + "\r\n");
                    // The answer may wait: the address backs off after its first failures (up to 4 s).
                    const QByteArray first = receive(fd, 6000, "\r\n\r\n");
                    if (statusOf(first) == 401)
                        ++refusedFromHead;
                    if (statusOf(first) == 100)
                        ++continued;
                    const QByteArray chunk(1 << 20, '{');
                    for (qint64 sent = 0; sent < length - 1;) {
                        const qint64 n = std::min<qint64>(chunk.size(), length - 1 - sent);
                        if (!sendAll(fd, chunk.constData(), n, 3000))
                            break;
                        sent += n;
                    }
                    receive(fd, 500);
                    ::close(fd);
                });
            }
            for (auto &t : posts)
                t.join();
        });
        checkBounds(m);
        QCOMPARE(continued.load(), 0);
        QCOMPARE(refusedFromHead.load(), 8);

        // With the token: a JSON call keeps a small body limit (413 from the head, no 100 Continue) ...
        const QByteArray bearer = "Authorization: Bearer " + Token + "\r\n";
        const QByteArray big =
            exchange(p, "POST /api/hermes/sessions/x/rename HTTP/1.1\r\nHost: 127.0.0.1\r\n" + bearer +
                            "Expect: 100-continue\r\nContent-Length: 5000000\r\n\r\n");
        QCOMPARE(statusOf(big), 413);
        // ... and the upload path takes a file of a few MB.
        const QByteArray file(3 * 1024 * 1024, 'z');
        const QByteArray body =
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\n" +
            file + "\r\n--XyZ--\r\n";
        const QByteArray upload =
            exchange(p, "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\n" + bearer +
                            "Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: " +
                            QByteArray::number(body.size()) + "\r\n\r\n" + body);
        QVERIFY2(statusOf(upload) == 200, upload.left(300).constData());
    }

    // 3. A burst of 1 030 Engine.IO handshakes without the token, none of which joins a namespace.
    void handshakeBurst()
    {
        QVERIFY(startRelay());
        const quint16 p = port();
        std::atomic<int> opened{0}, refused{0};
        const auto burst = [&] {
            std::vector<std::thread> connections;
            for (int c = 0; c < 10; ++c) {
                connections.emplace_back([&] {
                    const int fd = rawConnect(p);
                    if (fd < 0)
                        return;
                    QByteArray requests;
                    for (int i = 0; i < 103; ++i)
                        requests +=
                            "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
                    sendAll(fd, requests);
                    QByteArray answers;
                    QElapsedTimer clock;
                    clock.start();
                    while (answers.count("HTTP/1.1 ") < 103 && clock.elapsed() < 20'000) {
                        bool closed = false;
                        answers += receive(fd, 100, {}, &closed);
                        if (closed)
                            break;
                    }
                    opened += int(answers.count("HTTP/1.1 200"));
                    refused += int(answers.count("HTTP/1.1 503"));
                    ::close(fd);
                });
            }
            for (auto &t : connections)
                t.join();
        };
        const Measure m = underAttack("1 030 Engine.IO handshakes without the token", burst);
        checkBounds(m);
        QCOMPARE(opened.load() + refused.load(), 1030);
        // The good client's own sessions left room behind them; a second burst takes every place that
        // unauthenticated sessions can get. Right after it, a client with the token still gets in at once.
        std::thread again(burst);
        again.join();
        QCOMPARE(opened.load() + refused.load(), 2060);
        QElapsedTimer clock;
        clock.start();
        RelayTestClient client;
        QVERIFY(connectClient(client, m_relay->url));
        QVERIFY(clock.elapsed() < 2000);
    }

    // 4. 512 TCP connections that never send a request.
    void idleConnections()
    {
        QVERIFY(startRelay());
        const quint16 p = port();
        std::atomic<int> connected{0}, closedByRelay{0};
        std::atomic<bool> healthOk{false};
        std::atomic<int> healthStatus{0};
        const Measure m = underAttack("512 idle TCP connections", [&] {
            std::vector<int> fds;
            for (int i = 0; i < 512; ++i) {
                const int fd = rawConnect(p);
                if (fd >= 0) {
                    fds.push_back(fd);
                    ++connected;
                }
            }
            // Others still get answers while these sockets are held.
            healthStatus = statusOf(exchange(p, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            healthOk = healthStatus == 200;
            // Every one of them is closed by the relay within the short first-head timeout (10 s).
            QElapsedTimer clock;
            clock.start();
            for (const int fd : fds) {
                if (closedByPeer(fd, int(std::max<qint64>(0, 12'000 - clock.elapsed()))))
                    ++closedByRelay;
                ::close(fd);
            }
        });
        checkBounds(m);
        QVERIFY(connected.load() > 500);
        QVERIFY2(healthOk.load(), qPrintable(QString::number(healthStatus.load())));
        QCOMPARE(closedByRelay.load(), connected.load());
    }

    // 5. ?token= is taken only on the GET URLs the browser opens itself (download, export).
    void queryTokenOnlyOnBrowserUrls()
    {
        QVERIFY(startRelay());
        const quint16 p = port();
        const QByteArray t = "token=" + Token;
        const auto status = [&](const QByteArray &method, const QByteArray &target) {
            return statusOf(exchange(p, method + ' ' + target +
                                            " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}"));
        };
        QCOMPARE(status("GET", "/api/hermes/sessions?" + t), 401);
        QCOMPARE(status("DELETE", "/api/hermes/sessions/abc?" + t), 401);
        QCOMPARE(status("POST", "/api/hermes/sessions/abc/rename?" + t), 401);
        QCOMPARE(status("POST", "/api/hermes/sessions/batch-delete?" + t), 401);
        QCOMPARE(status("POST", "/upload?" + t), 401);
        QCOMPARE(status("GET", "/api/hermes/sessions/abc/export?mode=full&ext=json&" + t),
                 404); // no such chat
        QVERIFY(status("GET", "/api/hermes/download?path=/etc/hostname&name=h&" + t) !=
                401); // 403: not allowed
        QCOMPARE(status("POST", "/api/hermes/sessions/abc/export?" + t), 401);
        QCOMPARE(
            statusOf(exchange(p, "GET /api/hermes/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                     Token + "\r\n\r\n")),
            200);
    }

    // 6. Failed token checks: the connection is closed, the address backs off, the log stays short.
    void failedAttemptsAreLimited()
    {
        QVERIFY(startRelay());
        const quint16 p = port();
        // REST: ten wrong tokens pipelined on one keep-alive connection get at most three answers.
        const int fd = rawConnect(p);
        QVERIFY(fd >= 0);
        QByteArray requests;
        for (int i = 0; i < 10; ++i)
            requests += "GET /api/hermes/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong" +
                        QByteArray::number(i) + "\r\n\r\n";
        sendAll(fd, requests);
        bool closed = false;
        const QByteArray answers = receive(fd, 3000, {}, &closed);
        ::close(fd);
        QVERIFY(closed);
        QVERIFY2(answers.count("HTTP/1.1 401") >= 1 && answers.count("HTTP/1.1 401") <= 3,
                 answers.constData());

        // Socket.IO: wrong-token CONNECTs on one connection end it after at most three refusals.
        QWebSocket ws;
        QStringList frames;
        connect(&ws, &QWebSocket::textMessageReceived, this, [&](const QString &f) { frames << f; });
        QUrl url = m_relay->url;
        url.setScheme(QStringLiteral("ws"));
        url.setPath(QStringLiteral("/socket.io/"));
        url.setQuery(QStringLiteral("EIO=4&transport=websocket"));
        ws.open(url);
        QVERIFY(waitUntil([&] { return ws.state() == QAbstractSocket::ConnectedState; }, 5000));
        for (int i = 0; i < 10; ++i)
            ws.sendTextMessage(QStringLiteral("40/chat-run,{\"token\":\"wrong%1\"}").arg(i));
        QVERIFY(waitUntil([&] { return ws.state() == QAbstractSocket::UnconnectedState; }, 10'000));
        QVERIFY2(frames.filter(QStringLiteral("44/chat-run")).size() <= 3, qPrintable(frames.join(' ')));

        // The address now backs off: a further wrong token waits, the right one does not.
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(
            statusOf(exchange(
                p, "GET /api/hermes/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\n\r\n")),
            401);
        const qint64 wrongMs = clock.restart();
        QCOMPARE(
            statusOf(exchange(p, "GET /api/hermes/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                     Token + "\r\n\r\n")),
            200);
        const qint64 rightMs = clock.elapsed();
        QVERIFY2(wrongMs >= 200, qPrintable(QString::number(wrongMs)));
        QVERIFY2(rightMs < 200, qPrintable(QString::number(rightMs)));

        // Forty more failures (twenty sockets, twenty requests) write only a few log lines.
        for (int i = 0; i < 20; ++i) {
            QWebSocket s;
            s.open(url);
            waitUntil([&] { return s.state() == QAbstractSocket::ConnectedState; }, 5000);
            s.sendTextMessage(QStringLiteral("40/chat-run,{\"token\":\"bad\"}"));
            QTest::qWait(20);
            s.abort();
            const int r = rawConnect(p);
            sendAll(r, "GET /api/hermes/config HTTP/1.1\r\nHost: x\r\n\r\n");
            ::close(r);
        }
        QTest::qWait(300);
        QFile log(m_dataDir + QStringLiteral("/relay-stderr.log"));
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QByteArray text = log.readAll();
        int lines = 0;
        for (const QByteArray &line : text.split('\n')) {
            const QByteArray lower = line.toLower();
            lines += lower.contains("token") || lower.contains("refused a connection") ? 1 : 0;
        }
        QVERIFY2(lines <= 6, text.right(2000).constData());
    }

    // 7. The data folder is 0700 and the database 0600 (with its -wal/-shm), whatever the umask.
    void dataFilesArePrivate()
    {
        const mode_t previous = ::umask(022);
        const bool started = startRelay();
        ::umask(previous);
        QVERIFY(started);
        RelayTestClient client; // a chat, so the database has written something
        QVERIFY(connectClient(client, m_relay->url));
        struct stat info
        {
        };
        // RelayProcess's --data-dir: the program keeps its database right in it.
        const QString db = m_dataDir + QStringLiteral("/caduceus.db");
        QVERIFY(::stat(QFile::encodeName(m_dataDir).constData(), &info) == 0);
        QCOMPARE(int(info.st_mode & 0777), 0700);
        QVERIFY(::stat(QFile::encodeName(db).constData(), &info) == 0);
        QCOMPARE(int(info.st_mode & 0777), 0600);
        for (const char *suffix : {"-wal", "-shm"}) {
            if (::stat(QFile::encodeName(db + QLatin1String(suffix)).constData(), &info) == 0)
                QCOMPARE(int(info.st_mode & 0777), 0600);
        }
    }

    // 8. No other site may frame the pages.
    void pagesCannotBeFramed()
    {
        QVERIFY(startRelay());
        for (const QByteArray target : {"/", "/index.html", "/health"}) {
            const QByteArray answer =
                exchange(port(), "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            QCOMPARE(statusOf(answer), 200);
            const QByteArray head = answer.left(answer.indexOf("\r\n\r\n")).toLower();
            QVERIFY2(head.contains("\r\nx-frame-options: sameorigin"), head.constData());
            QVERIFY2(head.contains("\r\ncontent-security-policy: frame-ancestors 'self'"), head.constData());
        }
    }

    // 9. Without a keychain the start message says where the token really is.
    void startMessageWithoutKeychain()
    {
        QVERIFY(startRelay(QByteArray())); // no CADUCEUS_RELAY_TOKEN: a new token is made
        const QByteArray output = m_relay->output();
        const qsizetype at = output.indexOf("token: ");
        QVERIFY(at >= 0);
        const QByteArray line = output.mid(at, output.indexOf('\n', at) - at);
        QVERIFY2(!line.contains("keychain") || line.contains("no keychain"), line.constData());
        QVERIFY2(line.contains("memory"), line.constData());
    }
};

QTEST_GUILESS_MAIN(TestRelayWithoutToken)
#include "tst_relay_without_token.moc"
