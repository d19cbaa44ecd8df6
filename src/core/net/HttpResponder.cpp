#include "net/HttpConnection.h"
#include "net/HttpServer.h"
#include "net/HttpStatus.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace caduceus::net {

namespace {

QByteArray serializeJson(const QJsonValue &json)
{
    if (json.isObject())
        return QJsonDocument(json.toObject()).toJson(QJsonDocument::Compact);
    if (json.isArray())
        return QJsonDocument(json.toArray()).toJson(QJsonDocument::Compact);
    // QJsonDocument only holds containers: serialize a scalar inside one and unwrap it.
    const QByteArray wrapped = QJsonDocument(QJsonArray{json}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

bool hasHeader(const HttpResponder::Headers &headers, const QByteArray &name)
{
    for (const auto &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

HttpResponder::HttpResponder(HttpConnection *connection, bool keepAlive, bool headRequest)
    : QObject(connection), m_connection(connection), m_keepAlive(keepAlive), m_head(headRequest)
{
}

bool HttpResponder::send(int status, const QByteArray &contentType, const QByteArray &body,
                         const Headers &extra)
{
    if (m_finished || m_streaming || !m_connection)
        return false;
    m_finished = true;
    const bool bodyForbidden = httpStatusForbidsBody(status);
    QByteArray out =
        HttpConnection::responseHead(status, bodyForbidden ? QByteArray() : contentType,
                                     bodyForbidden ? -1 : body.size(), false, m_keepAlive, extra);
    // A HEAD answer announces the length of the body it leaves out.
    if (!m_head && !bodyForbidden)
        out += body;
    m_connection->writeRaw(out);
    m_connection->responseFinished(this, m_keepAlive);
    return true;
}

bool HttpResponder::sendJson(int status, const QJsonValue &json, const Headers &extra)
{
    return send(status, "application/json", serializeJson(json), extra);
}

bool HttpResponder::sendError(int status, const QString &message, const Headers &extra)
{
    return sendJson(status, QJsonObject{{QStringLiteral("error"), message}}, extra);
}

bool HttpResponder::beginStream(int status, const QByteArray &contentType, const Headers &extra)
{
    if (m_finished || m_streaming || !m_connection)
        return false;
    m_streaming = true;
    Headers headers = extra;
    // Event streams must reach the client as written, never cached or buffered by a proxy.
    if (contentType.startsWith("text/event-stream")) {
        if (!hasHeader(headers, "cache-control"))
            headers.append(qMakePair(QByteArray("Cache-Control"), QByteArray("no-cache")));
        if (!hasHeader(headers, "x-accel-buffering"))
            headers.append(qMakePair(QByteArray("X-Accel-Buffering"), QByteArray("no")));
    }
    if (!m_chunked)
        m_keepAlive = false;
    m_connection->writeRaw(
        HttpConnection::responseHead(status, contentType, -1, m_chunked, m_keepAlive, headers));
    return true;
}

bool HttpResponder::writeChunk(const QByteArray &data)
{
    if (!m_streaming || m_finished || !m_connection)
        return false;
    // An empty chunk would end the chunked body: there is nothing to send anyway.
    if (data.isEmpty() || m_head)
        return true;
    if (!m_chunked) {
        m_connection->writeRaw(data);
        return true;
    }
    QByteArray chunk;
    chunk.reserve(data.size() + 20);
    chunk += QByteArray::number(data.size(), 16);
    chunk += "\r\n";
    chunk += data;
    chunk += "\r\n";
    m_connection->writeRaw(chunk);
    return true;
}

void HttpResponder::endStream()
{
    if (!m_streaming || m_finished || !m_connection)
        return;
    m_finished = true;
    if (m_chunked && !m_head)
        m_connection->writeRaw("0\r\n\r\n");
    m_connection->responseFinished(this, m_keepAlive);
}

void HttpResponder::abort()
{
    if (!m_connection)
        return;
    m_finished = true;
    m_connection->abortResponse(this);
}

qint64 HttpResponder::pendingBytes() const
{
    return m_connection ? m_connection->bytesToWrite() : 0;
}

} // namespace caduceus::net
