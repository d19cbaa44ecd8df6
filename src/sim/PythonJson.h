#pragma once
// JSON written the way the agent's Python json.dumps() writes it: ", " and ": " separators, keys in
// insertion order, non-ASCII as \uXXXX escapes. Clients must cope with exactly this, so the sim
// speaks it byte for byte.

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>

namespace caduceus::sim {

// An object whose keys keep the order they were added in (QJsonObject sorts them).
using OrderedFields = QList<QPair<QString, QJsonValue>>;

namespace python_json {

void appendString(QByteArray &out, QStringView text);
// Integral values print as integers, others as the shortest text that reads back the same double.
void appendNumber(QByteArray &out, double value);
// A float in Python's repr style: always with a fraction ("1764072000.0").
void appendFloat(QByteArray &out, double value);
void appendValue(QByteArray &out, const QJsonValue &value);
// Appends ", key: value" for each field: the tail of an object whose head the caller wrote.
void appendFields(QByteArray &out, const OrderedFields &fields);
QByteArray object(const OrderedFields &fields);

} // namespace python_json
} // namespace caduceus::sim
