#pragma once
// How a TLS connection to an agent decides what to trust, shared by HermesClient (QNetworkAccessManager)
// and EventStreamConnection (its own QSslSocket) so that both follow the same rules:
//   - the system's CAs (QSslConfiguration::defaultConfiguration) as for any https client;
//   - besides, certificates the user trusted explicitly for this agent, by SHA-256 fingerprint. Only the
//     errors of that exact certificate are ignored (self-signed, unknown issuer, expired, other name),
//     never errors about another certificate and never "all errors".
// A refused certificate is described with the host, the reason and its fingerprint, so the window can
// offer "Trust this certificate".
#include <QList>
#include <QSslCertificate>
#include <QSslError>
#include <QString>
#include <QStringList>

namespace caduceus::hermes {

class TlsTrust
{
public:
    // "AB:CD:…" (SHA-256 of the DER certificate, upper-case hex pairs), the form shown and stored.
    static QString fingerprint(const QSslCertificate &certificate);
    // Accepts the shown form, lower case, with or without colons or spaces; "" when it is not 32 bytes of
    // hex.
    static QString normalizeFingerprint(const QString &text);

    struct Decision
    {
        QList<QSslError> ignore; // exactly these errors may be ignored (all of them were given)
        bool accepted = false;   // true: every error belongs to a trusted certificate
        QString refusal;         // otherwise: one sentence naming the host and the reason
        QString fingerprint;     // the refused peer certificate's fingerprint ("" when none was sent)
    };
    // What to do with the TLS errors of a connection to `host` whose peer sent `peer`.
    static Decision decide(const QString &host, const QSslCertificate &peer, const QList<QSslError> &errors,
                           const QStringList &trustedFingerprints);
};

} // namespace caduceus::hermes
