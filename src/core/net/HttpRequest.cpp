#include "net/HttpRequest.h"

namespace caduceus::net {

namespace {

bool containsToken(const QByteArray &list, const QByteArray &token)
{
    for (const QByteArray &item : list.split(',')) {
        if (item.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

QByteArray HttpRequest::header(const QByteArray &name) const
{
    for (const auto &[headerName, value] : headers) {
        if (headerName.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool HttpRequest::hasHeader(const QByteArray &name) const
{
    for (const auto &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QByteArray HttpRequest::bearerToken() const
{
    const QByteArray authorization = header("authorization").trimmed();
    static const QByteArray scheme = "bearer ";
    if (authorization.size() <= scheme.size() ||
        authorization.left(scheme.size()).compare(scheme, Qt::CaseInsensitive) != 0)
        return {};
    return authorization.mid(scheme.size()).trimmed();
}

bool HttpRequest::isWebSocketUpgrade() const
{
    return method == "GET" && containsToken(header("upgrade"), "websocket") &&
           containsToken(header("connection"), "upgrade");
}

} // namespace caduceus::net
