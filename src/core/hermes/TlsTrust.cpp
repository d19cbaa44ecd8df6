#include "hermes/TlsTrust.h"

#include <QCryptographicHash>

namespace caduceus::hermes {

QString TlsTrust::fingerprint(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return {};
    const QByteArray digest = certificate.digest(QCryptographicHash::Sha256);
    return QString::fromLatin1(digest.toHex(':').toUpper());
}

QString TlsTrust::normalizeFingerprint(const QString &text)
{
    QString hex;
    for (const QChar c : text) {
        if (c == QLatin1Char(':') || c.isSpace())
            continue;
        const char16_t u = c.unicode();
        if (!((u >= '0' && u <= '9') || (u >= 'a' && u <= 'f') || (u >= 'A' && u <= 'F')))
            return {};
        hex.append(c.toUpper());
    }
    if (hex.size() != 64)
        return {};
    QString out;
    for (qsizetype i = 0; i < hex.size(); i += 2) {
        if (!out.isEmpty())
            out.append(QLatin1Char(':'));
        out.append(QStringView(hex).mid(i, 2));
    }
    return out;
}

TlsTrust::Decision TlsTrust::decide(const QString &host, const QSslCertificate &peer,
                                    const QList<QSslError> &errors, const QStringList &trustedFingerprints)
{
    Decision decision;
    decision.fingerprint = fingerprint(peer);
    bool peerTrusted = false;
    if (!decision.fingerprint.isEmpty()) {
        for (const QString &trusted : trustedFingerprints) {
            if (normalizeFingerprint(trusted) == decision.fingerprint) {
                peerTrusted = true;
                break;
            }
        }
    }
    QStringList reasons;
    for (const QSslError &error : errors) {
        // An error about the trusted certificate itself is what trusting it means; an error about any other
        // certificate (or none) still refuses the connection.
        if (peerTrusted && error.certificate() == peer &&
            error.error() != QSslError::CertificateBlacklisted) {
            decision.ignore.append(error);
            continue;
        }
        const QString reason = error.errorString();
        if (!reasons.contains(reason))
            reasons.append(reason);
    }
    decision.accepted = reasons.isEmpty();
    if (decision.accepted)
        return decision;
    decision.ignore.clear();
    decision.refusal =
        decision.fingerprint.isEmpty()
            ? QStringLiteral("The TLS certificate of %1 is not trusted: %2.")
                  .arg(host, reasons.join(QLatin1String("; ")))
            : QStringLiteral("The TLS certificate of %1 is not trusted: %2. Its SHA-256 fingerprint is %3; "
                             "trust it in Settings only if it is the certificate you expect.")
                  .arg(host, reasons.join(QLatin1String("; ")), decision.fingerprint);
    return decision;
}

} // namespace caduceus::hermes
