#pragma once
// Sends a file as a streamed (chunked) answer without reading it whole into memory: a chunk is read
// only while the socket's unsent bytes stay under a high-water mark, and reading resumes when bytes
// leave. Lives as a child of the responder, so it dies with the connection.
#include "net/HttpServer.h"

#include <QFile>
#include <QObject>
#include <QPointer>

#include <memory>

namespace caduceus::webui {

class FileStreamer : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 ChunkBytes = 64 * 1024;
    static constexpr qint64 HighWaterBytes = 512 * 1024;

    // Takes an open file; sends the head now and the body as the peer reads it. A HEAD request gets the
    // head only. A read error mid-way cuts the answer (the peer sees a truncated body, never a wrong one).
    // Returns the streamer (owned by the responder) while a body is being sent, else nullptr.
    static FileStreamer *start(std::unique_ptr<QFile> file, net::HttpResponder *responder, int status,
                               const QByteArray &contentType, const net::HttpResponder::Headers &headers,
                               bool headOnly = false);

    // Bytes of file content handed to the socket so far (for tests and logs).
    qint64 bytesSent() const { return m_sent; }

Q_SIGNALS:
    void finished(bool complete);

private:
    FileStreamer(std::unique_ptr<QFile> file, net::HttpResponder *responder);
    void pump();
    void finish(bool complete);

    std::unique_ptr<QFile> m_file;
    QPointer<net::HttpResponder> m_responder;
    qint64 m_sent = 0;
    bool m_pumping = false;
    bool m_done = false;
};

} // namespace caduceus::webui
