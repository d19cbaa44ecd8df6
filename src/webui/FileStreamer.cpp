#include "webui/FileStreamer.h"

namespace caduceus::webui {

FileStreamer::FileStreamer(std::unique_ptr<QFile> file, net::HttpResponder *responder)
    : QObject(responder), m_file(std::move(file)), m_responder(responder)
{
}

FileStreamer *FileStreamer::start(std::unique_ptr<QFile> file, net::HttpResponder *responder, int status,
                                  const QByteArray &contentType, const net::HttpResponder::Headers &headers,
                                  bool headOnly)
{
    if (!responder || !responder->beginStream(status, contentType, headers))
        return nullptr;
    if (headOnly) {
        responder->endStream();
        return nullptr;
    }
    auto *streamer = new FileStreamer(std::move(file), responder);
    connect(responder, &net::HttpResponder::bytesWritten, streamer, &FileStreamer::pump);
    connect(responder, &net::HttpResponder::peerClosed, streamer, [streamer] { streamer->finish(false); });
    const QPointer<FileStreamer> alive(streamer);
    streamer->pump();
    return alive.data();
}

void FileStreamer::pump()
{
    if (m_done || m_pumping)
        return;
    if (!m_responder) {
        finish(false);
        return;
    }
    m_pumping = true;
    while (!m_done && m_responder && m_responder->pendingBytes() < HighWaterBytes) {
        const QByteArray chunk = m_file->read(ChunkBytes);
        if (chunk.isEmpty()) {
            if (m_file->error() != QFileDevice::NoError || !m_file->atEnd()) {
                qWarning("caduceus: reading %s failed mid-way: %s", qPrintable(m_file->fileName()),
                         qPrintable(m_file->errorString()));
                m_responder->abort();
                m_pumping = false;
                finish(false);
                return;
            }
            m_responder->endStream();
            m_pumping = false;
            finish(true);
            return;
        }
        m_sent += chunk.size();
        m_responder->writeChunk(chunk);
    }
    m_pumping = false;
}

void FileStreamer::finish(bool complete)
{
    if (m_done)
        return;
    m_done = true;
    m_file->close();
    Q_EMIT finished(complete);
    deleteLater();
}

} // namespace caduceus::webui
