#pragma once
// Incremental HTTP/1.1 request parser: no sockets, no Qt event loop, so it can be fed any byte split
// and fuzzed. It stops consuming at the end of the request head and at the end of the message, so a
// caller can look at the head before the body (Expect: 100-continue, WebSocket upgrade) and leave
// pipelined bytes of the next request untouched.

#include "net/HttpRequest.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace caduceus::net {

struct HttpParserLimits
{
    int maxHeaderBytes = 16 * 1024;         // request line + header lines (431 / 414 beyond)
    int maxHeaderCount = 100;               // 431 beyond
    qint64 maxBodyBytes = 10 * 1024 * 1024; // 413 beyond
};

class HttpRequestParser
{
public:
    enum class State
    {
        RequestLine,
        Headers,
        Body, // Content-Length body
        ChunkSize,
        ChunkData,
        ChunkDataEnd, // the CRLF after a chunk's data
        Trailers,
        Complete,
        Failed,
    };

    explicit HttpRequestParser(const HttpParserLimits &limits = {});

    // Consumes bytes and returns how many were used. Returns early (with bytes left) when the head
    // has just completed, when the message is complete, and on error; call again with the rest.
    qsizetype feed(QByteArrayView bytes);

    State state() const { return m_state; }
    bool isHeadComplete() const { return m_headComplete; }
    bool isComplete() const { return m_state == State::Complete; }
    bool hasFailed() const { return m_state == State::Failed; }
    // True between the first byte of a request and its completion.
    bool isInProgress() const;

    // Valid once failed: the status to answer with (400, 413, 414, 431, 501, 505) and why.
    int errorStatus() const { return m_errorStatus; }
    const QString &errorMessage() const { return m_errorMessage; }

    // The request so far: method, target, path, version and headers once the head is complete.
    const HttpRequest &request() const { return m_request; }
    // Whether the request announced a body (Content-Length > 0 or chunked).
    bool expectsBody() const;
    // Hands over the completed request and gets ready for the next one.
    HttpRequest takeRequest();
    void reset();

    void setLimits(const HttpParserLimits &limits) { m_limits = limits; }
    const HttpParserLimits &limits() const { return m_limits; }
    // Once the head is complete: the body limit of this request only (the next one starts again from
    // limits().maxBodyBytes). A Content-Length above it fails the request with 413 at once, before any
    // body byte is taken; returns false then.
    bool setBodyLimit(qint64 maxBodyBytes);
    qint64 bodyLimit() const { return m_bodyLimit >= 0 ? m_bodyLimit : m_limits.maxBodyBytes; }

private:
    // Appends bytes up to and including '\n' to m_line. Returns the count used and whether a whole
    // line is now in m_line (without its line ending).
    qsizetype takeLine(QByteArrayView bytes, qsizetype lineLimit, bool *lineComplete);
    bool parseRequestLine(const QByteArray &line);
    bool parseHeaderLine(const QByteArray &line);
    bool finishHead();
    bool parseChunkSize(const QByteArray &line);
    void fail(int status, const QString &message);

    HttpParserLimits m_limits;
    State m_state = State::RequestLine;
    HttpRequest m_request;
    QByteArray m_line;
    qsizetype m_headBytes = 0;
    qsizetype m_trailerBytes = 0;
    qint64 m_contentLength = 0;
    qint64 m_remaining = 0; // of the Content-Length body or of the current chunk
    qint64 m_bodyLimit = -1; // this request's, from setBodyLimit()
    bool m_chunked = false;
    bool m_headComplete = false;
    bool m_started = false;
    int m_errorStatus = 0;
    QString m_errorMessage;
};

} // namespace caduceus::net
