#pragma once
#include <QJsonObject>
#include <QString>

namespace caduceus::hermes {

// Outcome of one agent API call. Errors are values: `message` is a readable sentence for the user.
struct ApiResult
{
    enum class Error { None, Network, Timeout, Unauthorized, NotFound, Conflict, RateLimited, Unavailable, TooLarge,
                       Http, BadResponse, Aborted };

    Error error = Error::None;
    int httpStatus = 0;
    QJsonObject json;       // the decoded body (object) when there is one
    QString message;        // readable error text, empty on success
    QString code;           // the OpenAI envelope's error.code / type
    int retryAfterSeconds = -1;
    // A TLS certificate was refused: its SHA-256 fingerprint and the host that sent it (`message` says why).
    QString untrustedCertificate;
    QString untrustedHost;

    bool ok() const { return error == Error::None; }
};

} // namespace caduceus::hermes
