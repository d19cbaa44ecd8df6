#include "RandomIds.h"

#include <QByteArray>
#include <QRandomGenerator>

namespace caduceus::sim {

QString randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    for (char &byte : raw)
        byte = char(QRandomGenerator::global()->bounded(256));
    return QString::fromLatin1(raw.toHex());
}

} // namespace caduceus::sim
