#include "hermes/EventStreamConnection.h"

#include "hermes/TlsTrust.h"

#include <QSslSocket>
#include <QTcpSocket>

namespace caduceus::hermes {

namespace {
constexpr qsizetype MaxHeadBytes = 64 * 1024;      // status line and headers
constexpr qsizetype MaxChunkLineBytes = 1024;      // chunk size line or trailer line
constexpr qsizetype MaxErrorBodyBytes = 64 * 1024; // kept of a non-2xx body
// Read at once: the events of one read are sent on before the next read (bounds what piles up for clients).
constexpr qint64 SocketReadBuffer = 16 * 1024;

bool sameOrigin(const QUrl &a, const QUrl &b)
{
    return a.scheme() == b.scheme() && a.host() == b.host() &&
           a.port(a.scheme() == QLatin1String("https") ? 443 : 80) ==
               b.port(b.scheme() == QLatin1String("https") ? 443 : 80);
}
} // namespace

EventStreamConnection::EventStreamConnection(Request request, QObject *parent)
    : QObject(parent), m_request(std::move(request)), m_url(m_request.url)
{
}

EventStreamConnection::~EventStreamConnection()
{
    dropSocket();
}

void EventStreamConnection::open()
{
    if (m_phase != Phase::Idle)
        return;
    connectSocket();
}

void EventStreamConnection::abort()
{
    m_phase = Phase::Done;
    dropSocket();
}

void EventStreamConnection::dropSocket()
{
    if (!m_socket)
        return;
    QTcpSocket *socket = std::exchange(m_socket, nullptr);
    socket->disconnect(this);
    socket->abort();
    // Not our child any more: when a slot of dataReceived() or finished() deletes us, we are usually inside
    // one of the socket's own signals, and deleting it there (with our children) is a use after free.
    socket->setParent(nullptr);
    socket->deleteLater();
}

QByteArray EventStreamConnection::header(const QByteArray &lowerCaseName) const
{
    for (const auto &[name, value] : m_headers) {
        if (name == lowerCaseName)
            return value;
    }
    return {};
}

void EventStreamConnection::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (!paused && !m_resumeQueued) {
        // Bytes that arrived while paused are waiting in the socket (which stopped reading at its buffer's
        // limit): read them on the next turn of the event loop, not inside the caller.
        m_resumeQueued = true;
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_resumeQueued = false;
                if (!m_socket || m_paused)
                    return;
                QPointer<EventStreamConnection> guard(this);
                onReadyRead();
                // The peer may have closed while we were paused: its end is handled now that all is read.
                if (guard && m_socket && m_socket->state() == QAbstractSocket::UnconnectedState)
                    onDisconnected();
            },
            Qt::QueuedConnection);
    }
}

void EventStreamConnection::connectSocket()
{
    const bool tls = m_url.scheme() == QLatin1String("https");
    if (!tls && m_url.scheme() != QLatin1String("http")) {
        fail(QStringLiteral("unsupported URL scheme \"%1\"").arg(m_url.scheme()));
        return;
    }
    if (tls && !QSslSocket::supportsSsl()) {
        fail(QStringLiteral("TLS is not available (no OpenSSL backend) for %1").arg(m_url.host()));
        return;
    }
    m_phase = Phase::Connecting;
    m_buffer.clear();
    m_status = 0;
    m_headers.clear();
    m_errorBody.clear();
    m_tlsRefusal.clear();
    m_socket = tls ? new QSslSocket(this) : new QTcpSocket(this);
    m_socket->setProxy(m_request.proxy);
    m_socket->setReadBufferSize(SocketReadBuffer);
    connect(m_socket, &QTcpSocket::readyRead, this, &EventStreamConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &EventStreamConnection::onDisconnected);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &EventStreamConnection::onSocketError);
    if (tls) {
        auto *ssl = static_cast<QSslSocket *>(m_socket);
        connect(ssl, &QSslSocket::encrypted, this, &EventStreamConnection::sendRequest);
        // The same trust rules as HermesClient: only the errors of a certificate trusted for this agent
        // are ignored; anything else ends the connection with the host, the reason and the fingerprint.
        connect(ssl, &QSslSocket::sslErrors, this, [this, ssl](const QList<QSslError> &errors) {
            const TlsTrust::Decision decision =
                TlsTrust::decide(m_url.host(), ssl->peerCertificate(), errors, m_request.trustedCertificates);
            if (decision.accepted) {
                ssl->ignoreSslErrors(decision.ignore);
                return;
            }
            m_tlsRefusal = decision.refusal;
            m_untrustedCertificate = decision.fingerprint;
        });
        ssl->connectToHostEncrypted(m_url.host(), quint16(m_url.port(443)));
    } else {
        connect(m_socket, &QTcpSocket::connected, this, &EventStreamConnection::sendRequest);
        m_socket->connectToHost(m_url.host(), quint16(m_url.port(80)));
    }
}

void EventStreamConnection::sendRequest()
{
    if (!m_socket)
        return;
    m_phase = Phase::Head;
    QByteArray target = m_url.path(QUrl::FullyEncoded).toLatin1();
    if (target.isEmpty())
        target = "/";
    if (m_url.hasQuery())
        target += '?' + m_url.query(QUrl::FullyEncoded).toLatin1();
    QByteArray host = m_url.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']';
    const int defaultPort = m_url.scheme() == QLatin1String("https") ? 443 : 80;
    if (m_url.port(defaultPort) != defaultPort)
        host += ':' + QByteArray::number(m_url.port());

    QByteArray request = "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n";
    const bool sendAll = sameOrigin(m_url, m_request.url);
    for (const auto &[name, value] : std::as_const(m_request.headers)) {
        if (!sendAll && name.compare("Authorization", Qt::CaseInsensitive) == 0)
            continue;
        request += name + ": " + value + "\r\n";
    }
    request += "Connection: close\r\n\r\n";
    m_socket->write(request);
}

void EventStreamConnection::onReadyRead()
{
    if (!m_socket || m_paused || (m_phase != Phase::Head && m_phase != Phase::Body))
        return;
    m_buffer += m_socket->read(m_socket->bytesAvailable());
    if (m_phase == Phase::Head && !parseHead())
        return;
    if (m_phase == Phase::Body)
        parseBody();
}

bool EventStreamConnection::parseHead()
{
    for (;;) {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0) {
            if (m_buffer.size() > MaxHeadBytes) {
                fail(QStringLiteral("the agent's answer headers are larger than %1 bytes").arg(MaxHeadBytes));
                return false;
            }
            return true; // wait for more
        }
        const QList<QByteArray> lines = m_buffer.left(end).split('\n');
        m_buffer.remove(0, end + 4);
        const QByteArray statusLine = lines.first().trimmed();
        const QList<QByteArray> parts = statusLine.split(' ');
        bool ok = false;
        const int status = parts.size() >= 2 && statusLine.startsWith("HTTP/1.") ? parts.at(1).toInt(&ok) : 0;
        if (!ok || status < 100 || status > 599) {
            fail(QStringLiteral("the agent sent a malformed HTTP status line"));
            return false;
        }
        m_headers.clear();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray &line = lines.at(i);
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            m_headers.append({line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed()});
        }
        if (status < 200)
            continue; // 100 Continue and other interim answers: the real one follows
        m_status = status;
        if ((status == 301 || status == 302 || status == 303 || status == 307 || status == 308) &&
            !header("location").isEmpty())
            return startRedirect();

        const QByteArray transferEncoding = header("transfer-encoding").toLower();
        const QByteArray length = header("content-length");
        if (status == 204 || status == 304) {
            m_bodyMode = BodyMode::None;
        } else if (transferEncoding.contains("chunked")) {
            m_bodyMode = BodyMode::Chunked;
            m_chunkState = ChunkState::Size;
        } else if (!length.isEmpty()) {
            m_remaining = length.toLongLong(&ok);
            if (!ok || m_remaining < 0) {
                fail(QStringLiteral("the agent sent an invalid Content-Length"));
                return false;
            }
            m_bodyMode = BodyMode::Length;
        } else {
            m_bodyMode = BodyMode::UntilClose;
        }
        m_phase = Phase::Body;
        if (m_bodyMode == BodyMode::None || (m_bodyMode == BodyMode::Length && m_remaining == 0)) {
            complete();
            return false;
        }
        return true;
    }
}

bool EventStreamConnection::startRedirect()
{
    const QUrl target = m_url.resolved(QUrl::fromEncoded(header("location")));
    if (++m_redirects > m_request.maxRedirects) {
        fail(QStringLiteral("too many redirects"));
        return false;
    }
    if (!target.isValid() ||
        (target.scheme() != QLatin1String("http") && target.scheme() != QLatin1String("https")) ||
        (m_url.scheme() == QLatin1String("https") && target.scheme() == QLatin1String("http"))) {
        fail(QStringLiteral("the agent redirected the event stream to an address that is not allowed (%1)")
                 .arg(target.toDisplayString()));
        return false;
    }
    dropSocket();
    m_url = target;
    connectSocket();
    return false;
}

void EventStreamConnection::appendBody(const char *data, qsizetype size, QByteArray &out)
{
    if (m_status >= 200 && m_status < 300) {
        out.append(data, size);
    } else if (m_errorBody.size() < MaxErrorBodyBytes) {
        m_errorBody.append(data, qMin(size, MaxErrorBodyBytes - m_errorBody.size()));
    }
}

bool EventStreamConnection::parseBody()
{
    QByteArray out;
    qsizetype pos = 0;
    bool ended = false;
    const qsizetype size = m_buffer.size();
    const char *data = m_buffer.constData();
    switch (m_bodyMode) {
    case BodyMode::None:
        break;
    case BodyMode::UntilClose:
        appendBody(data, size, out);
        pos = size;
        break;
    case BodyMode::Length: {
        const qsizetype take = qsizetype(qMin<qint64>(m_remaining, size));
        appendBody(data, take, out);
        pos = take;
        m_remaining -= take;
        ended = m_remaining == 0;
        break;
    }
    case BodyMode::Chunked:
        while (pos < size && !ended) {
            if (m_chunkState == ChunkState::Data) {
                const qsizetype take = qsizetype(qMin<qint64>(m_remaining, size - pos));
                appendBody(data + pos, take, out);
                pos += take;
                m_remaining -= take;
                if (m_remaining == 0)
                    m_chunkState = ChunkState::DataEnd;
                continue;
            }
            const qsizetype eol = m_buffer.indexOf('\n', pos);
            if (eol < 0) {
                if (size - pos > MaxChunkLineBytes) {
                    fail(QStringLiteral("the agent sent a malformed chunked body"));
                    return false;
                }
                break; // the line continues in the next read
            }
            const QByteArray line = QByteArray(data + pos, eol - pos).trimmed();
            pos = eol + 1;
            if (m_chunkState == ChunkState::DataEnd) {
                if (!line.isEmpty()) {
                    fail(QStringLiteral("the agent sent a malformed chunked body"));
                    return false;
                }
                m_chunkState = ChunkState::Size;
            } else if (m_chunkState == ChunkState::Size) {
                const qsizetype semicolon = line.indexOf(';');
                bool ok = false;
                const qint64 chunk =
                    (semicolon < 0 ? line : line.left(semicolon)).trimmed().toLongLong(&ok, 16);
                if (!ok || chunk < 0) {
                    fail(QStringLiteral("the agent sent a malformed chunked body"));
                    return false;
                }
                m_remaining = chunk;
                m_chunkState = chunk == 0 ? ChunkState::Trailer : ChunkState::Data;
            } else if (line.isEmpty()) { // Trailer: an empty line ends the body
                ended = true;
            }
        }
        break;
    }
    m_buffer.remove(0, pos);
    if (!out.isEmpty()) {
        QPointer<EventStreamConnection> guard(this);
        Q_EMIT dataReceived(out);
        if (!guard || m_phase != Phase::Body)
            return false;
    }
    if (ended) {
        complete();
        return false;
    }
    return true;
}

void EventStreamConnection::onDisconnected()
{
    if (m_phase == Phase::Done || !m_socket)
        return;
    // Bytes that came with the close are still in the socket.
    if (!m_paused && m_socket->bytesAvailable() > 0) {
        QPointer<EventStreamConnection> guard(this);
        onReadyRead();
        if (!guard || m_phase == Phase::Done)
            return;
    }
    if (m_paused && m_socket->bytesAvailable() > 0)
        return; // delivered when reading resumes; the end follows then
    if (m_phase == Phase::Body && m_bodyMode == BodyMode::UntilClose)
        complete();
    else
        fail(m_phase == Phase::Body
                 ? QStringLiteral("the agent closed the connection before the end of the answer")
                 : QStringLiteral("the agent closed the connection without answering"));
}

void EventStreamConnection::onSocketError()
{
    if (!m_socket || m_phase == Phase::Done)
        return;
    if (m_socket->error() == QAbstractSocket::RemoteHostClosedError) {
        if (m_socket->state() == QAbstractSocket::UnconnectedState)
            onDisconnected();
        return; // disconnected() follows
    }
    fail(m_tlsRefusal.isEmpty() ? m_socket->errorString() : m_tlsRefusal);
}

void EventStreamConnection::fail(const QString &error)
{
    if (m_phase == Phase::Done)
        return;
    m_error = error;
    m_phase = Phase::Done;
    dropSocket();
    Q_EMIT finished();
}

void EventStreamConnection::complete()
{
    if (m_phase == Phase::Done)
        return;
    m_phase = Phase::Done;
    dropSocket();
    Q_EMIT finished();
}

} // namespace caduceus::hermes
