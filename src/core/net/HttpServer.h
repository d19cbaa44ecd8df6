#pragma once
// A small HTTP/1.1 server on QTcpServer, shared by hermes-sim (SSE streams) and the relay
// (REST + Engine.IO long-polling + hand-off of WebSocket upgrades to QWebSocketServer).
// Qt 6.4's QtHttpServer is a technology preview without streamed bodies or upgrade hand-off,
// so we keep our own: the request parser (HttpRequestParser) is a pure class and is fuzzed.

#include "net/HttpRequest.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <functional>

class QTcpServer;
class QTcpSocket;

namespace caduceus::net {

class HttpConnection;

// One response to one request. It may be answered at once, later (deferred: long-polling), or
// streamed (chunked transfer, e.g. SSE). Owned by its connection; never outlives it. Hold it in a
// QPointer when answering later: it is destroyed when the peer goes away.
class HttpResponder : public QObject
{
    Q_OBJECT
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    // Complete response with a sized body. Ignored (returns false) once something was sent.
    bool send(int status, const QByteArray &contentType, const QByteArray &body, const Headers &extra = {});
    bool sendJson(int status, const QJsonValue &json, const Headers &extra = {});
    // JSON error body {"error": message} (WEB-UI.md shape).
    bool sendError(int status, const QString &message, const Headers &extra = {});

    // Streamed response: status + headers now, then chunks, then end.
    bool beginStream(int status, const QByteArray &contentType, const Headers &extra = {});
    bool writeChunk(const QByteArray &data);
    void endStream();

    // Drops the connection without completing the response: the peer sees a truncated answer.
    // For producers that must end a stream abnormally (hermes-sim's "drop" scenario).
    void abort();

    bool isFinished() const { return m_finished; }
    bool isStreaming() const { return m_streaming; }
    // Bytes written to the socket but not yet sent (back-pressure for slow consumers).
    qint64 pendingBytes() const;

Q_SIGNALS:
    // The peer closed the connection before or while the response was written (also sent when
    // HttpServer::close() ends the connection). Not sent after abort().
    void peerClosed();
    // Some bytes of this response left the socket: a producer paused on pendingBytes() resumes.
    void bytesWritten(qint64 bytes);

private:
    friend class HttpConnection;
    explicit HttpResponder(HttpConnection *connection, bool keepAlive, bool headRequest);
    QPointer<HttpConnection> m_connection;
    bool m_keepAlive = true;
    bool m_head = false;
    bool m_finished = false;
    bool m_streaming = false;
    bool m_chunked = true; // false for HTTP/1.0 peers: a stream then ends by closing
};

struct HttpServerLimits
{
    int maxHeaderBytes = 16 * 1024;
    // Body limit of a request the head handler does not set one for (HttpHeadVerdict::maxBodyBytes).
    qint64 maxBodyBytes = 10 * 1024 * 1024;
    int idleTimeoutMs = 60'000;     // keep-alive connection with no request, after a first request
    int requestTimeoutMs = 30'000;  // slow-loris: whole request must arrive within this
    // A new connection must have sent a complete request head within this, or it is closed: an idle
    // socket costs nothing to open, so it gets no more time than a real client needs.
    int firstHeadTimeoutMs = 10'000;
    int maxConnections = 512;
    // Connections from one peer address. At this count (or at maxConnections) a new connection takes the
    // place of the oldest one that is not being answered and has not been granted a large body (its
    // client can open it again), so idle sockets never keep anyone out; only when none is left is the new
    // connection answered 503.
    int maxConnectionsPerAddress = 128;
};

// What HttpServer does with a request once its head has arrived, before any of its body is read (and
// before "100 Continue" is sent): go on with a body limit for this request, or answer at once and close
// the connection without reading the body (e.g. 401 for a request without the token, 413).
struct HttpHeadVerdict
{
    int status = 0;                               // 0: go on; else the status to answer
    QString message;                              // of the error body (HttpServer::ErrorBody shape)
    QList<QPair<QByteArray, QByteArray>> headers; // extra headers of the answer
    int delayMs = 0;          // answer after this long (slows down guessing); nothing is read meanwhile
    qint64 maxBodyBytes = -1; // when going on: this request's body limit; -1 = limits().maxBodyBytes

    static HttpHeadVerdict proceed(qint64 maxBodyBytes = -1)
    {
        HttpHeadVerdict verdict;
        verdict.maxBodyBytes = maxBodyBytes;
        return verdict;
    }
    static HttpHeadVerdict refuse(int status, const QString &message,
                                  const QList<QPair<QByteArray, QByteArray>> &headers = {}, int delayMs = 0)
    {
        HttpHeadVerdict verdict;
        verdict.status = status;
        verdict.message = message;
        verdict.headers = headers;
        verdict.delayMs = delayMs;
        return verdict;
    }
};

class HttpServer : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(const HttpRequest &, HttpResponder *)>;
    // Called for a request with "Upgrade: websocket". The request bytes are still unread in the
    // socket, so it can be given to QWebSocketServer::handleConnection(). Return true when the
    // socket was taken (the server forgets it); false answers 400.
    using UpgradeHandler = std::function<bool(const HttpRequest &, QTcpSocket *)>;

    explicit HttpServer(QObject *parent = nullptr);
    ~HttpServer() override;

    // Decides from the head alone (method, path, headers, peer address; the body is empty). Without one,
    // every request goes on with limits().maxBodyBytes. Not called for WebSocket upgrades.
    using HeadHandler = std::function<HttpHeadVerdict(const HttpRequest &head)>;

    void setHandler(Handler handler);
    void setHeadHandler(HeadHandler handler);
    void setUpgradeHandler(UpgradeHandler handler);
    // Shape of the JSON body of the errors the server answers by itself (malformed request, limits,
    // timeouts, refused upgrade, too many connections). Default: {"error": message}.
    using ErrorBody = std::function<QJsonObject(int status, const QString &message)>;
    void setErrorBody(ErrorBody errorBody);
    void setLimits(const HttpServerLimits &limits);
    const HttpServerLimits &limits() const;

    bool listen(const QHostAddress &address, quint16 port = 0);
    void close();
    quint16 serverPort() const;
    QHostAddress serverAddress() const;
    QString errorString() const;
    int connectionCount() const;

private:
    class Private;
    Private *d;
};

} // namespace caduceus::net
