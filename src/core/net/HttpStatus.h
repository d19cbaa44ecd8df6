#pragma once
#include <QByteArray>

namespace caduceus::net {

// Reason phrase for a status line ("Not Found" for 404); "Unknown" for codes we never send.
QByteArray httpReasonPhrase(int status);

// Statuses whose responses never carry a body (RFC 9110 6.4.1).
inline bool httpStatusForbidsBody(int status)
{
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

} // namespace caduceus::net
