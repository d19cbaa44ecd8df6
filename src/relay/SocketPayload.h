#pragma once
// Event or ack arguments with their binary attachments. Binary values sit in the JSON as placeholders
// {"_placeholder":true,"num":N} that refer to binaries[N], exactly as they travel on the wire, so a
// namespace can pass binary arguments through without re-encoding them.

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>

#include <optional>

namespace caduceus::relay {

struct SocketPayload
{
    QJsonArray values;
    QList<QByteArray> binaries;

    SocketPayload() = default;
    SocketPayload(QJsonArray args) : values(std::move(args)) {} // NOLINT: plain JSON arguments convert
    SocketPayload(QJsonArray args, QList<QByteArray> attachments)
        : values(std::move(args)), binaries(std::move(attachments))
    {
    }

    // Appends a binary argument as a placeholder and returns *this for chaining.
    SocketPayload &appendBinary(const QByteArray &bytes);

    static QJsonObject placeholder(int index);
    // The attachment index of a placeholder object, or nothing when the value is not a placeholder.
    static std::optional<int> placeholderIndex(const QJsonValue &value);
    // The bytes a placeholder value refers to, or nothing.
    std::optional<QByteArray> binaryFor(const QJsonValue &value) const;

    // Empty when every placeholder (at any depth) refers to an existing attachment, else the reason.
    QString validatePlaceholders() const;

    bool operator==(const SocketPayload &other) const = default;
};

} // namespace caduceus::relay
