#include "relay/EnginePayload.h"

namespace caduceus::relay {

QByteArray EnginePayload::encode(const QList<EnginePacket> &packets)
{
    QByteArray out;
    for (qsizetype i = 0; i < packets.size(); ++i) {
        if (i > 0)
            out.append(Separator);
        out.append(packets.at(i).encodeText());
    }
    return out;
}

Decoded<QList<EnginePacket>> EnginePayload::decode(const QByteArray &body, int maxPackets)
{
    using Result = Decoded<QList<EnginePacket>>;
    if (body.isEmpty())
        return Result::failure(QStringLiteral("empty payload"));
    if (body.count(Separator) >= maxPackets)
        return Result::failure(QStringLiteral("too many packets in payload"));
    QList<EnginePacket> packets;
    qsizetype start = 0;
    while (start <= body.size()) {
        qsizetype end = body.indexOf(Separator, start);
        if (end < 0)
            end = body.size();
        auto packet = EnginePacket::decodeText(body.mid(start, end - start));
        if (!packet)
            return Result::failure(
                QStringLiteral("packet %1 of payload: %2").arg(packets.size() + 1).arg(packet.error()));
        packets.append(std::move(packet.value()));
        start = end + 1;
    }
    return Result::success(std::move(packets));
}

} // namespace caduceus::relay
