#include "relay/SocketPayload.h"

namespace caduceus::relay {

namespace {

const QString PlaceholderKey = QStringLiteral("_placeholder");
const QString NumKey = QStringLiteral("num");

// Qt's JSON parser refuses documents nested deeper than its own limit, so the recursion is bounded.
QString validateValue(const QJsonValue &value, qsizetype attachmentCount)
{
    if (value.isArray()) {
        for (const QJsonValue &item : value.toArray()) {
            QString error = validateValue(item, attachmentCount);
            if (!error.isEmpty())
                return error;
        }
        return {};
    }
    if (!value.isObject())
        return {};
    const QJsonObject object = value.toObject();
    if (object.value(PlaceholderKey) == QJsonValue(true)) {
        const auto index = SocketPayload::placeholderIndex(value);
        if (!index || *index >= attachmentCount)
            return QStringLiteral("placeholder refers to a missing attachment");
        return {};
    }
    for (auto it = object.begin(); it != object.end(); ++it) {
        QString error = validateValue(it.value(), attachmentCount);
        if (!error.isEmpty())
            return error;
    }
    return {};
}

} // namespace

SocketPayload &SocketPayload::appendBinary(const QByteArray &bytes)
{
    values.append(placeholder(int(binaries.size())));
    binaries.append(bytes);
    return *this;
}

QJsonObject SocketPayload::placeholder(int index)
{
    return QJsonObject{{PlaceholderKey, true}, {NumKey, index}};
}

std::optional<int> SocketPayload::placeholderIndex(const QJsonValue &value)
{
    if (!value.isObject())
        return std::nullopt;
    const QJsonObject object = value.toObject();
    if (object.value(PlaceholderKey) != QJsonValue(true))
        return std::nullopt;
    const QJsonValue num = object.value(NumKey);
    if (!num.isDouble())
        return std::nullopt;
    const double number = num.toDouble();
    if (number < 0 || number > 1e9 || number != double(qint64(number)))
        return std::nullopt;
    return int(number);
}

std::optional<QByteArray> SocketPayload::binaryFor(const QJsonValue &value) const
{
    const auto index = placeholderIndex(value);
    if (!index || *index >= binaries.size())
        return std::nullopt;
    return binaries.at(*index);
}

QString SocketPayload::validatePlaceholders() const
{
    return validateValue(values, binaries.size());
}

} // namespace caduceus::relay
