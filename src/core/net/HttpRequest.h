#pragma once
#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace caduceus::net {

struct HttpRequest
{
    QByteArray method;      // upper-case, e.g. "GET"
    QByteArray target;      // raw request target, e.g. "/v1/runs/abc/events?x=1"
    QString path;           // percent-decoded path without the query, e.g. "/v1/runs/abc/events"
    QUrlQuery query;        // decoded query items
    QByteArray version;     // "HTTP/1.1"
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-cased, in arrival order
    QByteArray body;        // de-chunked body
    QHostAddress peerAddress;

    // First header value with that (case-insensitive) name, or empty.
    QByteArray header(const QByteArray &name) const;
    bool hasHeader(const QByteArray &name) const;
    // "Authorization: Bearer <x>" → x, else empty.
    QByteArray bearerToken() const;
    bool isWebSocketUpgrade() const;
};

} // namespace caduceus::net
