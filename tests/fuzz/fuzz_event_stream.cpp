// EventStreamConnection (our streaming HTTP/1.1 GET client for a run's event stream) against a fake agent:
// a QTcpServer on 127.0.0.1 answers each request with fuzzer-chosen bytes (status lines, headers, 1xx,
// chunked / Content-Length / read-until-close bodies, redirects), written in fuzzer-chosen pieces, with
// pause/resume and abort() between pieces and abort() or delete from inside the signals.
// Properties checked:
//  - finished() comes at most once and never after abort(); no dataReceived() after finished() or abort(),
//    none while paused, none unless the status is 2xx;
//  - once the server closed (and reading was resumed) finished() comes within a second (it takes well under
//    a millisecond), and a complete answer finishes without the close: the harness never hangs;
//  - the body bytes delivered never exceed what the server sent; the kept error body stays within 64 KiB;
//  - well-formed mode (an answer the harness builds around the fuzz data: random chunk splits, chunk
//    extensions, trailers, 1xx first, headers in any case, bodies above the socket's 16 KiB read buffer):
//    the answer ends without error, the bytes delivered are exactly the body as the harness encoded it, a
//    non-2xx answer's error body is its first 64 KiB;
//  - every request the server receives is exactly "GET <printable target> HTTP/1.1" with the headers the
//    client was given (Authorization included: same origin), so a Location cannot inject request lines.
// Redirects: every Location line the client could read is confined to this server or a refusing port on
// 127.0.0.1 before it is sent (one the client refuses anyway is left as it is): no lookup, no other host.
//
// Input: numbers from the back (FuzzInput), in this order: a flags byte
//   bit 0 well-formed mode, bit 1 pause toggles, bit 2 keep the last connection open after its last piece,
//   bit 3 abort() before a chosen piece, bits 4-5 reaction (1 abort() inside the n-th dataReceived(),
//   2 delete inside the n-th dataReceived(), 3 delete inside finished());
// then n (1 byte, reactions 1-2), the abort piece (1 byte, bit 3), 16 pause bits (2 bytes, bit 1: bit i
// toggles pause before piece i, counted over all answers).
// Well-formed mode then takes a shape and a style byte (see WellFormedShape), a padding length (2 bytes,
// style bit 5), chunk cuts and split points of the answer (each a count byte and that many 16-bit offsets);
// the rest of the input is the body. Raw mode takes split points (a count byte and that many 16-bit offsets)
// for each of 4 answers; the rest of the input is the answers, separated by \x1e, served to successive
// connections (redirects).
#include "FuzzCheck.h"
#include "FuzzInput.h"
#include "hermes/EventStreamConnection.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>

using caduceus::fuzz::FuzzInput;
using caduceus::hermes::EventStreamConnection;

namespace {

constexpr char AnswerSeparator = '\x1e';
constexpr int MaxAnswers = 4;
constexpr uint32_t MaxSplits = 8;                  // split points per answer
constexpr qsizetype MaxErrorBodyBytes = 64 * 1024; // EventStreamConnection keeps this much of a non-2xx body
constexpr qsizetype InflatedBodyBytes = 80 * 1024; // above the error-body bound and the 16 KiB read buffer
// Once the server closed, finished() must come within this (it takes well under a millisecond; only a
// bug makes it expire, and that is reported).
constexpr int EndWaitMs = 1000;
// A raw answer the server keeps open: the client gets this long after the last piece, then abort().
constexpr int OpenWaitMs = 5;

struct World
{
    QTcpServer server;
    quint16 port = 0;
    quint16 refusingPort = 0; // nothing listens there: connecting fails at once
    QList<QPointer<QTcpSocket>> accepted;
    int serial = 0;
};

World *g_world = nullptr;

void settle()
{
    for (int i = 0; i < 3; ++i) {
        QCoreApplication::sendPostedEvents();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QCoreApplication::processEvents(QEventLoop::AllEvents);
    }
}

World &world()
{
    if (g_world)
        return *g_world;
    static int argc = 1;
    static char name[] = "fuzz_event_stream";
    static char *argv[] = {name, nullptr};
    if (!QCoreApplication::instance())
        new QCoreApplication(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("*.warning=false\n*.info=false\n*.debug=false"));
    g_world = new World;
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost))
            qFatal("fuzz_event_stream: cannot listen on 127.0.0.1");
        g_world->refusingPort = probe.serverPort();
    }
    if (!g_world->server.listen(QHostAddress::LocalHost))
        qFatal("fuzz_event_stream: cannot listen on 127.0.0.1");
    g_world->port = g_world->server.serverPort();
    QObject::connect(&g_world->server, &QTcpServer::newConnection, &g_world->server, [] {
        while (QTcpSocket *socket = g_world->server.nextPendingConnection())
            g_world->accepted.append(socket);
    });
    return *g_world;
}

// Runs the event loop until done() or `ms` have passed; returns done().
template <typename Done> bool pumpUntil(Done done, int ms)
{
    if (done())
        return true;
    QElapsedTimer clock;
    clock.start();
    QTimer wake; // so that waiting for events ends in time
    wake.setSingleShot(true);
    wake.start(ms + 1);
    while (!done()) {
        if (clock.elapsed() >= ms)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

// Cuts `bytes` at the given points (taken modulo its size + 1).
QList<QByteArray> cut(const QByteArray &bytes, QList<uint32_t> points)
{
    for (uint32_t &p : points)
        p %= uint32_t(bytes.size() + 1);
    std::sort(points.begin(), points.end());
    QList<QByteArray> pieces;
    qsizetype from = 0;
    for (uint32_t p : points) {
        if (qsizetype(p) > from) {
            pieces.append(bytes.mid(from, qsizetype(p) - from));
            from = qsizetype(p);
        }
    }
    if (from < bytes.size() || pieces.isEmpty())
        pieces.append(bytes.mid(from));
    return pieces;
}

QList<uint32_t> takePoints(FuzzInput &in, uint32_t maxCount)
{
    QList<uint32_t> points;
    for (uint32_t n = in.takeBelow(maxCount + 1); n > 0; --n)
        points.append(in.takeBelow(1u << 16));
    return points;
}

// Would the client, at any URL of this server, connect anywhere but here or the refusing port for this
// Location? (It resolves the Location against its current URL: the host and port then only depend on the
// Location and this server, not on the path.)
bool confined(const QByteArray &location)
{
    const World &w = world();
    const QUrl base(QStringLiteral("http://127.0.0.1:%1/e").arg(w.port));
    const QUrl target = base.resolved(QUrl::fromEncoded(location));
    if (!target.isValid() ||
        (target.scheme() != QLatin1String("http") && target.scheme() != QLatin1String("https")))
        return true; // the client refuses it
    return target.scheme() == QLatin1String("http") && target.host() == QLatin1String("127.0.0.1") &&
           (target.port(80) == w.port || target.port(80) == w.refusingPort);
}

// Every header line the client could read is a '\n'-separated line of the answer, so rewriting each
// "location" line that leads elsewhere keeps the client on 127.0.0.1 whatever the status or 1xx around it.
QByteArray confineRedirects(const QByteArray &answer)
{
    QList<QByteArray> lines = answer.split('\n');
    bool changed = false;
    for (QByteArray &line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || line.left(colon).trimmed().toLower() != "location" ||
            confined(line.mid(colon + 1).trimmed()))
            continue;
        const bool cr = line.endsWith('\r');
        line = (line.size() % 2)
                   ? "Location: /elsewhere"
                   : "Location: http://127.0.0.1:" + QByteArray::number(world().refusingPort) + "/x";
        if (cr)
            line += '\r';
        changed = true;
    }
    return changed ? lines.join('\n') : answer;
}

struct Script
{
    QList<QList<QByteArray>> answers; // pieces of the answer to each successive connection
    bool keepLastOpen = false;
    // Well-formed mode: what the answer means.
    bool wellFormed = false;
    int status = 0;
    QByteArray body;
};

// How a well-formed answer is built: shape bits 0-1 framing (Content-Length, chunked, until close,
// Content-Length followed by bytes that are not part of it), 2-4 status, 5 an interim 1xx first,
// 6 chunk extensions and trailers, 7 the body inflated above 80 KiB; style bits 0 100/103, 1 HTTP/1.0,
// 2 reason phrase, 3 lower-case names, 4 loose spacing, 5 long padding header, 6 bare LF chunk lines,
// 7 upper-case hex with leading zeros. All numbers, so they are taken before the body (the rest).
struct WellFormedShape
{
    uint8_t shape = 0;
    uint8_t style = 0;
    qsizetype padding = 0;
    QList<uint32_t> chunkCuts;
    QList<uint32_t> splits;
};

WellFormedShape takeShape(FuzzInput &in)
{
    WellFormedShape s;
    s.shape = in.takeByte();
    s.style = in.takeByte();
    if (s.style & 0x20)
        s.padding = qsizetype(in.takeBelow(8192));
    s.chunkCuts = takePoints(in, MaxSplits);
    s.splits = takePoints(in, MaxSplits);
    return s;
}

void buildWellFormed(const WellFormedShape &s, QByteArray body, Script &script)
{
    static const int statuses[] = {200, 200, 201, 206, 204, 401, 404, 500};
    const int framing = s.shape & 3;
    script.status = statuses[(s.shape >> 2) & 7];
    if ((s.shape & 0x80) && !body.isEmpty()) {
        while (body.size() < InflatedBodyBytes)
            body += body;
    }
    script.body = body;
    script.keepLastOpen = script.keepLastOpen && framing != 2; // until close: the close ends the body

    const bool lower = s.style & 0x08;
    const bool loose = s.style & 0x10;
    auto header = [&](const QByteArray &name, const QByteArray &value) {
        return (lower ? name.toLower() : name) + (loose ? " :  " : ": ") + value + (loose ? " \r\n" : "\r\n");
    };
    QByteArray wire;
    if (s.shape & 0x20) {
        wire += (s.style & 1)
                    ? QByteArray("HTTP/1.1 100 Continue\r\n\r\n")
                    : "HTTP/1.1 103 Early Hints\r\n" + header("Link", "</a.css>; rel=preload") + "\r\n";
    }
    wire += (s.style & 2) ? "HTTP/1.0 " : "HTTP/1.1 ";
    wire += QByteArray::number(script.status) + ((s.style & 4) ? " Some Reason\r\n" : "\r\n");
    wire += header("Content-Type", "text/event-stream");
    if (s.style & 0x20)
        wire += header("X-Padding", QByteArray(s.padding, 'p'));
    if (framing == 0 || framing == 3)
        wire += header("Content-Length", QByteArray::number(body.size()));
    else if (framing == 1)
        wire += header("Transfer-Encoding", lower ? "chunked" : "Chunked");
    wire += "\r\n";

    const QByteArray eol = (s.style & 0x40) ? "\n" : "\r\n";
    const bool extensions = s.shape & 0x40;
    switch (framing) {
    case 0:
    case 2:
        wire += body;
        break;
    case 3:
        wire += body + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nextra";
        break;
    default: {
        int index = 0;
        for (const QByteArray &chunk : cut(body, s.chunkCuts)) {
            if (chunk.isEmpty())
                continue; // a zero-size chunk ends the body
            QByteArray size = QByteArray::number(chunk.size(), 16);
            if (s.style & 0x80)
                size = "00" + size.toUpper();
            wire += size;
            if (extensions)
                wire += (++index % 2) ? ";name=value" : " ; quoted=\"a;b\"";
            wire += eol + chunk + eol;
        }
        wire += QByteArray(extensions ? "0;last" : "0") + eol;
        if (extensions)
            wire += "X-Checksum: 1234" + eol + "X-More:" + eol;
        wire += eol;
        break;
    }
    }
    script.answers.append(cut(wire, s.splits));
}

enum class Reaction
{
    None,
    AbortInData,
    DeleteInData,
    DeleteInFinished
};

struct Outcome
{
    int finished = 0;
    int dataEvents = 0;
    qint64 dataBytes = 0;
    QByteArray data; // well-formed mode only
    bool aborted = false;
    bool deleted = false;
    int status = 0;
    QString error;
    QByteArray errorBody;
};

// The request the client sent: exactly what it was asked to send, on the one URL it may be at.
void checkRequest(const QByteArray &request, const QByteArray &serialHeader)
{
    const World &w = world();
    const qsizetype end = request.indexOf("\r\n\r\n");
    FUZZ_CHECK(end + 4 == request.size(), "the client sent bytes after its request head");
    const QList<QByteArray> lines = request.left(end).split('\n');
    FUZZ_CHECK(lines.size() == 6, "the request has other header lines than the client was given");
    for (qsizetype i = 0; i + 1 < lines.size(); ++i)
        FUZZ_CHECK(lines.at(i).endsWith('\r'), "a request line does not end with CRLF");
    const QByteArray &first = lines.at(0);
    FUZZ_CHECK(first.startsWith("GET /") && first.endsWith(" HTTP/1.1\r"), "malformed request line");
    const QByteArray target = first.mid(4, first.size() - 4 - 10);
    for (char c : target)
        FUZZ_CHECK(c > 0x20 && c < 0x7f, "the request target has a space, control or non-ASCII byte");
    FUZZ_CHECK(lines.at(1) == "Host: 127.0.0.1:" + QByteArray::number(w.port) + "\r", "wrong Host header");
    FUZZ_CHECK(lines.at(2) == "Authorization: Bearer fuzz-key\r", "Authorization missing on the same origin");
    FUZZ_CHECK(lines.at(3) == "Accept: text/event-stream\r", "wrong Accept header");
    FUZZ_CHECK(lines.at(4) == serialHeader + "\r", "wrong request header");
    FUZZ_CHECK(lines.at(5) == "Connection: close", "wrong Connection header");
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    world();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    World &w = world();
    FuzzInput in(data, size);

    const uint8_t flags = in.takeByte();
    const auto reaction = Reaction((flags >> 4) & 3);
    const int reactAt = (reaction == Reaction::AbortInData || reaction == Reaction::DeleteInData)
                            ? int(in.takeBelow(4)) + 1
                            : 0;
    const int abortAt = (flags & 8) ? int(in.takeBelow(16)) : -1;
    const uint32_t pauseBits = (flags & 2) ? in.takeBelow(1u << 16) : 0;
    Script script;
    script.wellFormed = flags & 1;
    script.keepLastOpen = flags & 4;
    if (script.wellFormed) {
        const WellFormedShape shape = takeShape(in);
        buildWellFormed(shape, in.takeRest(), script);
    } else {
        QList<QList<uint32_t>> points;
        for (int a = 0; a < MaxAnswers; ++a)
            points.append(takePoints(in, MaxSplits));
        const QList<QByteArray> answers = in.takeRest().split(AnswerSeparator);
        for (qsizetype a = 0; a < answers.size() && a < MaxAnswers; ++a)
            script.answers.append(cut(confineRedirects(answers.at(a)), points.at(a)));
    }

    const QByteArray serialHeader = "X-Fuzz-Input: " + QByteArray::number(++w.serial);
    EventStreamConnection::Request request;
    request.url = QUrl(QStringLiteral("http://127.0.0.1:%1/v1/runs/r1/events").arg(w.port));
    request.headers = {{"Authorization", "Bearer fuzz-key"},
                       {"Accept", "text/event-stream"},
                       {"X-Fuzz-Input", QByteArray::number(w.serial)}};
    request.proxy = QNetworkProxy(QNetworkProxy::NoProxy);
    request.maxRedirects = 3;

    Outcome o;
    auto *connection = new EventStreamConnection(request);
    QPointer<EventStreamConnection> guard(connection);
    QObject::connect(connection, &EventStreamConnection::dataReceived, connection,
                     [&, connection](const QByteArray &bytes) {
                         FUZZ_CHECK(o.finished == 0, "dataReceived() after finished()");
                         FUZZ_CHECK(!o.aborted, "dataReceived() after abort()");
                         FUZZ_CHECK(!connection->isPaused(), "dataReceived() while paused");
                         FUZZ_CHECK(connection->status() >= 200 && connection->status() < 300,
                                    "dataReceived() for a non-2xx answer");
                         ++o.dataEvents;
                         o.dataBytes += bytes.size();
                         if (script.wellFormed)
                             o.data += bytes;
                         if (o.dataEvents == reactAt && reaction == Reaction::AbortInData) {
                             connection->abort();
                             o.aborted = true;
                         } else if (o.dataEvents == reactAt && reaction == Reaction::DeleteInData) {
                             o.deleted = true;
                             delete connection;
                         }
                     });
    QObject::connect(connection, &EventStreamConnection::finished, connection, [&, connection] {
        FUZZ_CHECK(!o.aborted, "finished() after abort()");
        FUZZ_CHECK(o.finished == 0, "finished() twice");
        ++o.finished;
        o.status = connection->status();
        o.error = connection->errorString();
        o.errorBody = connection->errorBody();
        FUZZ_CHECK(o.errorBody.size() <= MaxErrorBodyBytes, "the error body is not bounded");
        FUZZ_CHECK(!o.error.isEmpty() || o.status >= 200,
                   "finished without error and without a final status");
        if (reaction == Reaction::DeleteInFinished) {
            o.deleted = true;
            delete connection;
        }
    });
    auto done = [&] { return !guard || o.finished > 0 || o.aborted; };
    auto pauseAllowed = [&] { return guard && !done(); };

    connection->open();
    qint64 sent = 0;
    int pieceIndex = 0;
    QList<QPointer<QTcpSocket>> served;
    // Takes the next connection of this input with a complete request; closes those of earlier inputs.
    auto nextRequest = [&]() -> QTcpSocket * {
        for (QPointer<QTcpSocket> &socket : w.accepted) {
            if (!socket || served.contains(socket))
                continue;
            QByteArray request = socket->property("request").toByteArray() + socket->readAll();
            socket->setProperty("request", request);
            if (!request.contains("\r\n\r\n"))
                continue;
            if (!request.contains("\r\n" + serialHeader + "\r\n")) {
                FUZZ_CHECK(request.contains("\r\nX-Fuzz-Input: "), "a request without the client's headers");
                socket->abort(); // an earlier input's client
                served.append(socket);
                continue;
            }
            checkRequest(request, serialHeader);
            served.append(socket);
            return socket;
        }
        return nullptr;
    };

    bool lastKeptOpen = false;
    for (qsizetype a = 0; a < script.answers.size(); ++a) {
        QTcpSocket *peer = nullptr;
        const bool asked = pumpUntil([&] { return done() || (peer = nextRequest()) != nullptr; }, EndWaitMs);
        FUZZ_CHECK(asked, "the client neither sent its request nor finished");
        if (!peer)
            break;
        for (const QByteArray &piece : std::as_const(script.answers.at(a))) {
            if (done())
                break; // the rest is not read any more
            if (pieceIndex == abortAt && guard && !done()) {
                guard->abort();
                o.aborted = true;
            }
            if (pieceIndex < 16 && (pauseBits >> pieceIndex & 1) && pauseAllowed())
                guard->setPaused(!guard->isPaused());
            ++pieceIndex;
            if (o.aborted || !guard)
                break;
            if (peer->state() == QAbstractSocket::ConnectedState) {
                sent += peer->write(piece);
                peer->flush();
            }
            QCoreApplication::processEvents();
            QCoreApplication::processEvents();
        }
        if (o.aborted || !guard)
            break;
        if (a + 1 == script.answers.size() && script.keepLastOpen)
            lastKeptOpen = true;
        else
            peer->disconnectFromHost();
        if (guard->isPaused()) {
            // Let the rest and the close arrive while paused, then resume: all of it must come out.
            QCoreApplication::processEvents();
            QCoreApplication::processEvents();
            if (guard)
                guard->setPaused(false);
        }
    }
    // Connections beyond the script (more redirects) are closed at once: the client must finish then.
    auto closeExtra = [&] {
        for (QPointer<QTcpSocket> &socket : w.accepted) {
            if (socket && !served.contains(socket)) {
                socket->abort();
                served.append(socket);
            }
        }
        return done();
    };
    if (!done()) {
        if (lastKeptOpen && script.wellFormed) {
            // A complete answer ends at its end, not at the close.
            const bool ended = pumpUntil(closeExtra, EndWaitMs);
            FUZZ_CHECK(ended, "a complete answer did not finish while the connection stayed open");
        } else if (lastKeptOpen) {
            pumpUntil(closeExtra, OpenWaitMs);
        } else {
            const bool ended = pumpUntil(closeExtra, EndWaitMs);
            FUZZ_CHECK(ended, "no finished() after the server closed the connection");
        }
    }
    if (guard && !done()) {
        guard->abort();
        o.aborted = true;
    }
    // Nothing may come after abort() or finished(): the connection's sockets and queued calls get their
    // chance here.
    QCoreApplication::processEvents();
    QCoreApplication::processEvents();
    FUZZ_CHECK(o.finished <= 1, "finished() more than once");
    FUZZ_CHECK(o.dataBytes <= sent, "more body bytes delivered than the server sent");

    if (script.wellFormed && o.finished == 1 && !o.aborted) {
        const bool success = script.status >= 200 && script.status < 300;
        FUZZ_CHECK(o.error.isEmpty(), "a well-formed answer ended with an error");
        FUZZ_CHECK(o.status == script.status, "a well-formed answer's status was not read");
        if (success && script.status != 204)
            FUZZ_CHECK(o.data == script.body, "the delivered body differs from the well-formed body");
        else
            FUZZ_CHECK(o.data.isEmpty(), "body bytes delivered for a non-2xx or 204 answer");
        if (!success)
            FUZZ_CHECK(o.errorBody == script.body.left(MaxErrorBodyBytes), "the error body differs");
    }
    if (script.wellFormed && !o.aborted && !o.deleted)
        FUZZ_CHECK(o.finished == 1, "a well-formed answer did not finish");

    delete guard.data();
    for (QPointer<QTcpSocket> &socket : w.accepted) {
        if (socket)
            socket->abort();
    }
    settle();
    for (QPointer<QTcpSocket> &socket : w.accepted)
        delete socket.data();
    w.accepted.clear();
    settle();
    return 0;
}
