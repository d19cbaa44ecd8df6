#include "relay/RandomId.h"

#include <QByteArray>
#include <QRandomGenerator>

namespace caduceus::relay {

QString makeRandomId()
{
    constexpr int Bytes = 15;
    QByteArray raw(Bytes, Qt::Uninitialized);
    auto *generator = QRandomGenerator::system();
    for (int i = 0; i < Bytes; ++i)
        raw[i] = char(generator->bounded(256));
    return QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace caduceus::relay
