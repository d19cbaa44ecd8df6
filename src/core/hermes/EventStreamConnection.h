#pragma once
// One streaming HTTP/1.1 GET (a run's SSE event stream) on a QTcpSocket, or a QSslSocket for https, read
// on the thread that owns it. QNetworkAccessManager serves at most six connections per host and
// manager, so each stream needed a manager of its own, and with it a thread and a hand-over of every
// read to the main thread; a run streams for minutes, so a plain socket is cheaper.
//
// Handles the status line and headers (bounded), chunked, Content-Length and read-until-close bodies,
// 1xx interim answers, and redirects the way QNetworkRequest::NoLessSafeRedirectPolicy does (never from
// https to http; the headers, Authorization included, only go to the same origin). Reading can be paused:
// the socket then stops taking data from the kernel and TCP slows the sender down.
#include <QByteArray>
#include <QList>
#include <QNetworkProxy>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QStringList>
#include <QUrl>

class QTcpSocket;

namespace caduceus::hermes {

class EventStreamConnection : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QUrl url;
        QList<QPair<QByteArray, QByteArray>> headers; // sent as given (Host and Connection are added)
        QNetworkProxy proxy;                          // DefaultProxy: the application's proxy settings
        int maxRedirects = 10;
        // https: besides the system's CAs, these SHA-256 fingerprints are trusted (TlsTrust, as HermesClient).
        QStringList trustedCertificates;
    };

    explicit EventStreamConnection(Request request, QObject *parent = nullptr);
    ~EventStreamConnection() override;

    void open();
    // Closes the connection; no signal after this.
    void abort();
    // While paused nothing more is read; resuming delivers what arrived in the meantime, in order.
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }

    // The final answer's status (after redirects), 0 while unknown or when no answer came.
    int status() const { return m_status; }
    QByteArray header(const QByteArray &lowerCaseName) const;
    // The body of an answer other than 2xx (bounded), complete once finished() was emitted.
    const QByteArray &errorBody() const { return m_errorBody; }
    // Why the connection ended early; empty after a complete answer.
    const QString &errorString() const { return m_error; }
    // When the connection ended because a TLS certificate was refused: its SHA-256 fingerprint.
    const QString &untrustedCertificate() const { return m_untrustedCertificate; }

Q_SIGNALS:
    // Body bytes of a 2xx answer, in order, as they arrive (chunked framing removed).
    void dataReceived(const QByteArray &bytes);
    // Exactly once, unless abort() came first: the answer ended, or the connection failed or closed.
    void finished();

private:
    enum class Phase
    {
        Idle,
        Connecting,
        Head,
        Body,
        Done
    };
    enum class BodyMode
    {
        None,
        Length,
        Chunked,
        UntilClose
    };
    enum class ChunkState
    {
        Size,
        Data,
        DataEnd,
        Trailer
    };

    void connectSocket();
    void sendRequest();
    void onReadyRead();
    void onDisconnected();
    void onSocketError();
    // Each returns false when the connection ended (or was redirected) while processing.
    bool parseHead();
    bool parseBody();
    void appendBody(const char *data, qsizetype size, QByteArray &out);
    bool startRedirect();
    void fail(const QString &error);
    void complete();
    void dropSocket();

    Request m_request;
    QUrl m_url;
    int m_redirects = 0;
    QTcpSocket *m_socket = nullptr;
    Phase m_phase = Phase::Idle;
    bool m_paused = false;
    bool m_resumeQueued = false;

    QByteArray m_buffer; // bytes read and not parsed yet
    int m_status = 0;
    QList<QPair<QByteArray, QByteArray>> m_headers; // names in lower case
    BodyMode m_bodyMode = BodyMode::None;
    qint64 m_remaining = 0; // Length: body bytes left; Chunked: bytes left of the current chunk
    ChunkState m_chunkState = ChunkState::Size;
    QByteArray m_errorBody;
    QString m_error;
    QString m_untrustedCertificate;
    QString m_tlsRefusal; // set by the sslErrors handler, reported instead of the socket's generic error
};

} // namespace caduceus::hermes
