#include "net/HttpConnection.h"

#include "net/HttpStatus.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

#include <algorithm>
#include <limits>

#ifdef Q_OS_UNIX
#include <sys/ioctl.h>
#endif

namespace caduceus::net {

namespace {

constexpr qint64 kReadChunkBytes = 256 * 1024;
// After an error answer the peer may still be sending; closing with unread bytes makes the kernel
// send RST, which can destroy the answer before the client reads it. Drain a little first.
constexpr int kLingerQuietMs = 250;
constexpr int kLingerMaxMs = 2000;
constexpr int kCloseTimeoutMs = 10'000;

bool headerHasToken(const QByteArray &value, const QByteArray &token)
{
    for (const QByteArray &item : value.split(',')) {
        if (item.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool wantsKeepAlive(const HttpRequest &request)
{
    const QByteArray connection = request.header("connection");
    if (headerHasToken(connection, "close"))
        return false;
    if (request.version == "HTTP/1.0")
        return headerHasToken(connection, "keep-alive");
    return true;
}

bool isFramingHeader(const QByteArray &name)
{
    return name.compare("content-length", Qt::CaseInsensitive) == 0 ||
           name.compare("transfer-encoding", Qt::CaseInsensitive) == 0 ||
           name.compare("connection", Qt::CaseInsensitive) == 0;
}

bool isSafeHeaderText(const QByteArray &text)
{
    return !text.contains('\r') && !text.contains('\n') && !text.contains('\0');
}

} // namespace

QByteArray HttpServerConfig::errorBodyFor(int status, const QString &message) const
{
    const QJsonObject body =
        errorBody ? errorBody(status, message) : QJsonObject{{QStringLiteral("error"), message}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

HttpConnection::HttpConnection(QTcpSocket *socket, std::shared_ptr<const HttpServerConfig> config,
                               QObject *parent)
    : QObject(parent), m_socket(socket), m_config(std::move(config))
{
    HttpParserLimits parserLimits;
    parserLimits.maxHeaderBytes = m_config->limits.maxHeaderBytes;
    // Each request gets its body limit once its head is known (applyHeadVerdict); the parser only refuses
    // lengths no limit could allow.
    parserLimits.maxBodyBytes = std::numeric_limits<qint64>::max();
    m_parser.setLimits(parserLimits);
    m_peerAddress = socket->peerAddress();

    m_socket->setParent(this);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);

    m_idleTimer.setSingleShot(true);
    m_idleTimer.setInterval(m_config->limits.idleTimeoutMs);
    connect(&m_idleTimer, &QTimer::timeout, this, &HttpConnection::onIdleTimeout);
    m_requestTimer.setSingleShot(true);
    m_requestTimer.setInterval(m_config->limits.requestTimeoutMs);
    connect(&m_requestTimer, &QTimer::timeout, this, &HttpConnection::onRequestTimeout);
    m_firstHeadTimer.setSingleShot(true);
    m_firstHeadTimer.setInterval(m_config->limits.firstHeadTimeoutMs);
    connect(&m_firstHeadTimer, &QTimer::timeout, this, &HttpConnection::onFirstHeadTimeout);
    m_lingerTimer.setSingleShot(true);
    m_lingerTimer.setInterval(kLingerQuietMs);
    connect(&m_lingerTimer, &QTimer::timeout, this, [this] {
        if (m_socket)
            m_socket->disconnectFromHost();
    });

    connectSocket();
    m_firstHeadTimer.start();
    if (m_socket->bytesAvailable() > 0)
        scheduleProcessing();
}

HttpConnection::~HttpConnection()
{
    if (m_socket)
        m_socket->disconnect(this);
}

void HttpConnection::connectSocket()
{
    // Bounded read buffer: a client cannot make us buffer more than this while a request waits.
    m_socket->setReadBufferSize(std::max<qint64>(64 * 1024, 2 * qint64(m_config->limits.maxHeaderBytes)));
    connect(m_socket, &QTcpSocket::readyRead, this, [this] {
        if (m_closing) {
            m_socket->skip(m_socket->bytesAvailable());
            if (m_lingerTimer.isActive() && m_lingerStarted.elapsed() < kLingerMaxMs)
                m_lingerTimer.start();
            return;
        }
        processIncoming();
    });
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &HttpConnection::onBytesWritten);
}

void HttpConnection::abort()
{
    if (m_socket)
        m_socket->abort();
    onDisconnected();
}

bool HttpConnection::canBeGivenUp() const
{
    if (m_finished)
        return false;
    if (m_closing)
        return true;
    if (m_current || (m_parser.isHeadComplete() && m_largeBodyGranted))
        return false;
        // Bytes already waiting in the kernel: its client is sending a request that this turn of the event
        // loop has not read yet (e.g. a client that connected during a burst of idle connections).
#ifdef Q_OS_UNIX
    int waiting = 0;
    if (m_socket && m_socket->socketDescriptor() >= 0 &&
        ::ioctl(int(m_socket->socketDescriptor()), FIONREAD, &waiting) == 0 && waiting > 0)
        return false;
#endif
    return !(m_socket && m_socket->bytesAvailable() > m_headBytesPeeked);
}

void HttpConnection::writeRaw(const QByteArray &bytes)
{
    if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->write(bytes);
}

qint64 HttpConnection::bytesToWrite() const
{
    return m_socket ? m_socket->bytesToWrite() : 0;
}

QByteArray HttpConnection::responseHead(int status, const QByteArray &contentType, qint64 contentLength,
                                        bool chunked, bool keepAlive, const HttpResponder::Headers &extra)
{
    QByteArray head;
    head.reserve(256);
    head += "HTTP/1.1 " + QByteArray::number(status) + ' ' + httpReasonPhrase(status) + "\r\n";
    if (!contentType.isEmpty() && isSafeHeaderText(contentType))
        head += "Content-Type: " + contentType + "\r\n";
    if (chunked)
        head += "Transfer-Encoding: chunked\r\n";
    else if (contentLength >= 0)
        head += "Content-Length: " + QByteArray::number(contentLength) + "\r\n";
    head += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    for (const auto &[name, value] : extra) {
        // Framing is ours to decide; header injection through CR/LF is refused.
        if (name.isEmpty() || isFramingHeader(name) || !isSafeHeaderText(name) || !isSafeHeaderText(value))
            continue;
        head += name + ": " + value + "\r\n";
    }
    head += "\r\n";
    return head;
}

void HttpConnection::scheduleProcessing()
{
    if (m_processing) {
        m_processAgain = true;
        return;
    }
    if (m_processingScheduled)
        return;
    m_processingScheduled = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_processingScheduled = false;
            processIncoming();
        },
        Qt::QueuedConnection);
}

void HttpConnection::processIncoming()
{
    if (m_processing) {
        m_processAgain = true;
        return;
    }
    m_processing = true;
    const QPointer<HttpConnection> alive(this);
    // One request per turn of the event loop: a client that pipelines hundreds of requests must not keep
    // every other connection (and the relay's sockets) waiting until all of them are answered.
    bool dispatched = false;
    do {
        m_processAgain = false;
        while (alive && !dispatched && !m_finished && !m_closing && m_socket && !m_current) {
            bool progressed = false;
            if (!m_parser.isHeadComplete()) {
                progressed = readHead();
            } else if (!m_parser.isComplete()) {
                progressed = readBody();
            } else {
                dispatch();
                dispatched = true;
                progressed = true;
            }
            if (!progressed)
                break;
        }
    } while (alive && m_processAgain && !dispatched);
    if (!alive)
        return;
    m_processing = false;
    if (dispatched && !m_current && m_socket && !m_finished && !m_closing)
        scheduleProcessing(); // the next pipelined request, on the next turn

    const bool idle = m_socket && !m_finished && !m_closing && !m_current && !m_parser.isInProgress() &&
                      m_headBytesPeeked == 0;
    if (idle && m_sawHead) {
        if (!m_idleTimer.isActive())
            m_idleTimer.start();
    } else {
        m_idleTimer.stop();
    }
}

bool HttpConnection::readHead()
{
    const qint64 available = m_socket->bytesAvailable();
    if (available <= m_headBytesPeeked)
        return false;
    if (!m_requestTimer.isActive())
        m_requestTimer.start();
    m_idleTimer.stop();

    // Peek, do not read: the head must stay in the socket until we know it is not an upgrade.
    const QByteArray window = m_socket->peek(std::min(available, m_headBytesPeeked + kReadChunkBytes));
    const qsizetype used = m_parser.feed(QByteArrayView(window).sliced(m_headBytesPeeked));
    m_headBytesPeeked += used;
    if (m_parser.hasFailed()) {
        answerProtocolError(m_parser.errorStatus(), m_parser.errorMessage());
        return false;
    }
    if (!m_parser.isHeadComplete())
        return used > 0;

    m_sawHead = true;
    m_firstHeadTimer.stop();
    if (m_parser.request().isWebSocketUpgrade()) {
        handleUpgrade();
        return false;
    }
    m_socket->skip(m_headBytesPeeked);
    m_headBytesPeeked = 0;
    if (!applyHeadVerdict())
        return false;

    // Only now that the request may go on does the client learn it may send its body.
    const HttpRequest &request = m_parser.request();
    if (!m_parser.isComplete() && request.version == "HTTP/1.1" &&
        request.header("expect").compare("100-continue", Qt::CaseInsensitive) == 0)
        writeRaw("HTTP/1.1 100 Continue\r\n\r\n");
    return true;
}

bool HttpConnection::applyHeadVerdict()
{
    HttpHeadVerdict verdict;
    if (m_config->headHandler) {
        HttpRequest head = m_parser.request();
        head.peerAddress = m_peerAddress;
        verdict = m_config->headHandler(head);
    }
    if (verdict.status != 0) {
        // The body is never read: the connection stops taking requests and closes after the answer.
        m_requestTimer.stop();
        m_idleTimer.stop();
        m_closing = true;
        const QByteArray body = m_config->errorBodyFor(verdict.status, verdict.message);
        const QByteArray answer =
            responseHead(verdict.status, "application/json", body.size(), false, false, verdict.headers) +
            body;
        if (verdict.delayMs <= 0) {
            writeRaw(answer);
            startLingeringClose();
        } else {
            m_socket->skip(m_socket->bytesAvailable());
            QTimer::singleShot(verdict.delayMs, this, [this, answer] {
                writeRaw(answer);
                startLingeringClose();
            });
        }
        return false;
    }
    const qint64 limit = verdict.maxBodyBytes >= 0 ? verdict.maxBodyBytes : m_config->limits.maxBodyBytes;
    m_largeBodyGranted = limit > m_config->limits.maxBodyBytes;
    if (!m_parser.setBodyLimit(limit)) {
        answerProtocolError(m_parser.errorStatus(), m_parser.errorMessage());
        return false;
    }
    return true;
}

bool HttpConnection::readBody()
{
    const qint64 available = m_socket->bytesAvailable();
    if (available == 0)
        return false;
    // Peek then skip exactly what the parser used: bytes of a pipelined request stay in the socket.
    const QByteArray bytes = m_socket->peek(std::min(available, kReadChunkBytes));
    const qsizetype used = m_parser.feed(bytes);
    m_socket->skip(used);
    if (m_parser.hasFailed()) {
        answerProtocolError(m_parser.errorStatus(), m_parser.errorMessage());
        return false;
    }
    return used > 0;
}

void HttpConnection::dispatch()
{
    m_requestTimer.stop();
    HttpRequest request = m_parser.takeRequest();
    request.peerAddress = m_socket->peerAddress();
    const bool keepAlive = wantsKeepAlive(request);
    auto *responder = new HttpResponder(this, keepAlive, request.method == "HEAD");
    // HTTP/1.0 has no chunked encoding: a stream is delimited by closing the connection.
    responder->m_chunked = request.version != "HTTP/1.0";
    m_current = responder;
    if (m_config->handler)
        m_config->handler(request, responder);
    else
        responder->sendError(404, QStringLiteral("Not found"));
}

void HttpConnection::handleUpgrade()
{
    HttpRequest request = m_parser.takeRequest();
    request.peerAddress = m_socket->peerAddress();
    const qint64 headBytes = std::exchange(m_headBytesPeeked, 0);
    m_requestTimer.stop();
    m_idleTimer.stop();

    QString refusal = QStringLiteral("WebSocket upgrades are not served on this path");
    if (m_config->upgradeHandler) {
        QTcpSocket *socket = m_socket;
        // The new owner must see a pristine socket: none of our connections, no read limit.
        socket->disconnect(this);
        socket->setReadBufferSize(0);
        socket->setParent(nullptr);
        m_socket = nullptr;
        if (m_config->upgradeHandler(request, socket)) {
            finish();
            return;
        }
        m_socket = socket;
        m_socket->setParent(this);
        connectSocket();
        refusal = QStringLiteral("WebSocket upgrade refused");
    }
    m_socket->skip(headBytes);
    answerProtocolError(400, refusal);
}

void HttpConnection::answerProtocolError(int status, const QString &message)
{
    m_requestTimer.stop();
    m_idleTimer.stop();
    const QByteArray body = m_config->errorBodyFor(status, message);
    writeRaw(responseHead(status, "application/json", body.size(), false, false, {}) + body);
    startLingeringClose();
}

void HttpConnection::startLingeringClose()
{
    m_closing = true;
    if (!m_socket)
        return;
    m_socket->skip(m_socket->bytesAvailable());
    m_lingerStarted.start();
    m_lingerTimer.start();
    QTimer::singleShot(kCloseTimeoutMs, this, [this] { abort(); });
}

void HttpConnection::responseFinished(HttpResponder *responder, bool keepAlive)
{
    if (responder != m_current)
        return;
    m_current = nullptr;
    responder->deleteLater();
    if (!keepAlive) {
        m_closing = true;
        if (m_socket)
            m_socket->disconnectFromHost();
        // A client that never reads would keep the socket in "closing" forever.
        QTimer::singleShot(kCloseTimeoutMs, this, [this] { abort(); });
        return;
    }
    scheduleProcessing();
}

void HttpConnection::abortResponse(HttpResponder *responder)
{
    if (responder != m_current)
        return;
    abort();
}

void HttpConnection::onDisconnected()
{
    if (m_finished)
        return;
    const QPointer<HttpResponder> responder = m_current;
    if (responder && !responder->isFinished())
        Q_EMIT responder->peerClosed();
    finish();
}

void HttpConnection::onBytesWritten(qint64 bytes)
{
    if (m_current)
        Q_EMIT m_current->bytesWritten(bytes);
}

void HttpConnection::onIdleTimeout()
{
    if (m_current || !m_socket)
        return;
    m_closing = true;
    m_socket->disconnectFromHost();
    QTimer::singleShot(kCloseTimeoutMs, this, [this] { abort(); });
}

void HttpConnection::onFirstHeadTimeout()
{
    if (m_sawHead || m_current || m_closing || !m_socket)
        return;
    if (m_parser.isInProgress() || m_headBytesPeeked > 0) {
        answerProtocolError(408, QStringLiteral("The request head did not arrive within %1 ms")
                                     .arg(m_config->limits.firstHeadTimeoutMs));
        return;
    }
    m_closing = true;
    m_socket->disconnectFromHost();
    QTimer::singleShot(kCloseTimeoutMs, this, [this] { abort(); });
}

void HttpConnection::onRequestTimeout()
{
    if (m_current || m_closing || !m_socket)
        return;
    answerProtocolError(
        408,
        QStringLiteral("The request did not arrive within %1 ms").arg(m_config->limits.requestTimeoutMs));
}

void HttpConnection::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_idleTimer.stop();
    m_requestTimer.stop();
    m_firstHeadTimer.stop();
    m_lingerTimer.stop();
    Q_EMIT finished(this);
}

} // namespace caduceus::net
