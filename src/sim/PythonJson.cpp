#include "PythonJson.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

#include <cmath>

namespace caduceus::sim::python_json {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void appendUnicodeEscape(QByteArray &out, char16_t unit)
{
    const char escape[6] = {'\\',
                            'u',
                            kHex[(unit >> 12) & 0xF],
                            kHex[(unit >> 8) & 0xF],
                            kHex[(unit >> 4) & 0xF],
                            kHex[unit & 0xF]};
    out.append(escape, 6);
}

} // namespace

void appendString(QByteArray &out, QStringView text)
{
    out.reserve(out.size() + text.size() + 2);
    out.append('"');
    for (const QChar ch : text) {
        const char16_t unit = ch.unicode();
        switch (unit) {
        case '"':
            out.append("\\\"", 2);
            break;
        case '\\':
            out.append("\\\\", 2);
            break;
        case '\n':
            out.append("\\n", 2);
            break;
        case '\r':
            out.append("\\r", 2);
            break;
        case '\t':
            out.append("\\t", 2);
            break;
        case '\b':
            out.append("\\b", 2);
            break;
        case '\f':
            out.append("\\f", 2);
            break;
        default:
            // ensure_ascii: every non-ASCII UTF-16 unit (surrogates included) becomes \uXXXX.
            if (unit < 0x20 || unit > 0x7E)
                appendUnicodeEscape(out, unit);
            else
                out.append(char(unit));
        }
    }
    out.append('"');
}

void appendNumber(QByteArray &out, double value)
{
    if (!std::isfinite(value)) {
        out.append("null"); // strict JSON has no NaN/Infinity
        return;
    }
    if (value == std::trunc(value) && std::abs(value) < 9.0e15) {
        out.append(QByteArray::number(static_cast<qint64>(value)));
        return;
    }
    // Shortest text that reads back as the same double, like Python's repr().
    out.append(QByteArray::number(value, 'g', QLocale::FloatingPointShortest));
}

void appendFloat(QByteArray &out, double value)
{
    if (!std::isfinite(value)) {
        out.append("null");
        return;
    }
    const QByteArray text = QByteArray::number(value, 'f', QLocale::FloatingPointShortest);
    out.append(text);
    if (!text.contains('.'))
        out.append(".0");
}

void appendValue(QByteArray &out, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out.append("null");
        break;
    case QJsonValue::Bool:
        out.append(value.toBool() ? "true" : "false");
        break;
    case QJsonValue::Double:
        appendNumber(out, value.toDouble());
        break;
    case QJsonValue::String:
        appendString(out, value.toString());
        break;
    case QJsonValue::Array: {
        out.append('[');
        bool first = true;
        for (const QJsonValue &item : value.toArray()) {
            if (!first)
                out.append(", ");
            first = false;
            appendValue(out, item);
        }
        out.append(']');
        break;
    }
    case QJsonValue::Object: {
        out.append('{');
        const QJsonObject object = value.toObject();
        bool first = true;
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!first)
                out.append(", ");
            first = false;
            appendString(out, it.key());
            out.append(": ");
            appendValue(out, it.value());
        }
        out.append('}');
        break;
    }
    }
}

void appendFields(QByteArray &out, const OrderedFields &fields)
{
    for (const auto &[key, value] : fields) {
        out.append(", ");
        appendString(out, key);
        out.append(": ");
        appendValue(out, value);
    }
}

QByteArray object(const OrderedFields &fields)
{
    QByteArray out("{");
    for (qsizetype i = 0; i < fields.size(); ++i) {
        if (i > 0)
            out.append(", ");
        appendString(out, fields.at(i).first);
        out.append(": ");
        appendValue(out, fields.at(i).second);
    }
    out.append('}');
    return out;
}

} // namespace caduceus::sim::python_json
