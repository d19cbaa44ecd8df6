#pragma once
// One accepted TCP connection of HttpServer: reads requests one at a time (pipelined requests wait
// until the previous answer is complete), owns the HttpResponder of the request being answered, and
// enforces the idle and slow-request timeouts. Internal to the net library.

#include "net/HttpRequestParser.h"
#include "net/HttpServer.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <memory>

class QTcpSocket;

namespace caduceus::net {

// What the server shares with its connections; kept alive by the connections that use it.
struct HttpServerConfig
{
    HttpServer::Handler handler;
    HttpServer::HeadHandler headHandler;
    HttpServer::UpgradeHandler upgradeHandler;
    HttpServer::ErrorBody errorBody;
    HttpServerLimits limits;

    QByteArray errorBodyFor(int status, const QString &message) const;
};

class HttpConnection : public QObject
{
    Q_OBJECT
public:
    HttpConnection(QTcpSocket *socket, std::shared_ptr<const HttpServerConfig> config, QObject *parent);
    ~HttpConnection() override;

    // Ends the connection at once (server shutdown); the pending responder sees peerClosed().
    void abort();
    QHostAddress peerAddress() const { return m_peerAddress; }
    // Nothing is being answered and no large body was granted: closing it loses no work of its client
    // (it is idle, still sending a head or a small body, or already closing).
    bool canBeGivenUp() const;

    // Used by HttpResponder.
    void writeRaw(const QByteArray &bytes);
    void responseFinished(HttpResponder *responder, bool keepAlive);
    void abortResponse(HttpResponder *responder);
    qint64 bytesToWrite() const;

    // Writes a complete response head; framing headers come from the arguments, never from extra.
    static QByteArray responseHead(int status, const QByteArray &contentType, qint64 contentLength,
                                   bool chunked, bool keepAlive, const HttpResponder::Headers &extra);

Q_SIGNALS:
    // The connection is over (closed, aborted, or its socket was handed to the upgrade handler).
    void finished(HttpConnection *connection);

private:
    void processIncoming();
    void scheduleProcessing();
    bool readHead();
    bool applyHeadVerdict();
    bool readBody();
    void dispatch();
    void handleUpgrade();
    void answerProtocolError(int status, const QString &message);
    void startLingeringClose();
    void onDisconnected();
    void onBytesWritten(qint64 bytes);
    void onIdleTimeout();
    void onRequestTimeout();
    void onFirstHeadTimeout();
    void connectSocket();
    void finish();

    QTcpSocket *m_socket = nullptr;
    std::shared_ptr<const HttpServerConfig> m_config;
    HttpRequestParser m_parser;
    // Head bytes already given to the parser but still unread in the socket: a WebSocket upgrade
    // must find the whole request in the socket.
    qint64 m_headBytesPeeked = 0;
    QPointer<HttpResponder> m_current;
    QTimer m_idleTimer;
    QTimer m_requestTimer;
    QTimer m_firstHeadTimer;
    QHostAddress m_peerAddress;
    bool m_sawHead = false;
    bool m_largeBodyGranted = false;
    QTimer m_lingerTimer;
    QElapsedTimer m_lingerStarted;
    bool m_processing = false;
    bool m_processAgain = false;
    bool m_processingScheduled = false;
    bool m_closing = false;
    bool m_finished = false;
};

} // namespace caduceus::net
