#include "chat/ContentParser.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace caduceus::chat {

namespace {

constexpr int MaxUnwrapLevels = 3;

bool isBracketed(QStringView text)
{
    return text.size() >= 2 && text.startsWith(QLatin1Char('[')) && text.endsWith(QLatin1Char(']'));
}

bool isQuoted(QStringView text)
{
    return text.size() >= 2 && text.startsWith(QLatin1Char('"')) && text.endsWith(QLatin1Char('"'));
}

// A double-serialised array arrives as a JSON string literal; decode it properly when it is one, otherwise
// just drop the outer quotes (the reference behaviour, which also covers a Python repr wrapped in quotes).
QString unwrapQuoted(QStringView quoted)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson("[" + quoted.toUtf8() + "]", &error);
    if (error.error == QJsonParseError::NoError && document.isArray() && document.array().size() == 1 &&
        document.array().first().isString())
        return document.array().first().toString().trimmed();
    return quoted.mid(1, quoted.size() - 2).trimmed().toString();
}

std::optional<QJsonArray> parseJsonArray(const QString &text)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !document.isArray())
        return std::nullopt;
    return document.array();
}

QString argumentsText(const QJsonValue &input)
{
    if (input.isObject())
        return QString::fromUtf8(QJsonDocument(input.toObject()).toJson(QJsonDocument::Compact));
    if (input.isArray())
        return QString::fromUtf8(QJsonDocument(input.toArray()).toJson(QJsonDocument::Compact));
    if (input.isString())
        return input.toString();
    if (input.isNull() || input.isUndefined())
        return QStringLiteral("{}");
    // A bare number or boolean: serialise it the way JSON would.
    const QByteArray wrapped = QJsonDocument(QJsonArray{input}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

std::optional<ParsedContent> interpretBlocks(const QJsonArray &blocks)
{
    if (blocks.isEmpty())
        return std::nullopt;
    ParsedContent result;
    QStringList reasoningParts;
    for (const QJsonValue &item : blocks) {
        if (!item.isObject())
            return std::nullopt;
        const QJsonObject block = item.toObject();
        const QString type = block.value(QLatin1String("type")).toString();
        if (type == QLatin1String("text")) {
            result.text += block.value(QLatin1String("text")).toString();
        } else if (type == QLatin1String("thinking")) {
            QString thinking = block.value(QLatin1String("thinking")).toString();
            if (thinking.isEmpty())
                thinking = block.value(QLatin1String("text")).toString();
            if (!thinking.isEmpty())
                reasoningParts << thinking;
        } else if (type == QLatin1String("redacted_thinking")) {
            // Encrypted by the provider: nothing a user can read.
        } else if (type == QLatin1String("tool_use")) {
            QJsonObject function{
                {QStringLiteral("name"), block.value(QLatin1String("name")).toString()},
                {QStringLiteral("arguments"), argumentsText(block.value(QLatin1String("input")))}};
            result.toolCalls.append(
                QJsonObject{{QStringLiteral("id"), block.value(QLatin1String("id")).toString()},
                            {QStringLiteral("type"), QStringLiteral("function")},
                            {QStringLiteral("function"), function}});
        } else {
            // Not a content array after all (e.g. an answer that is itself JSON): keep the raw text.
            return std::nullopt;
        }
    }
    result.reasoning = reasoningParts.join(QLatin1String("\n\n"));
    result.ok = true;
    return result;
}

int hexValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= u'0' && u <= u'9')
        return u - u'0';
    if (u >= u'a' && u <= u'f')
        return u - u'a' + 10;
    if (u >= u'A' && u <= u'F')
        return u - u'A' + 10;
    return -1;
}

bool isIdentifierChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_');
}

bool startsValue(QChar c)
{
    return c == QLatin1Char('\'') || c == QLatin1Char('"') || c == QLatin1Char('{') ||
           c == QLatin1Char('[') || c == QLatin1Char('(') || c == QLatin1Char('-') || c.isDigit() ||
           c == QLatin1Char('T') || c == QLatin1Char('F') || c == QLatin1Char('N');
}

qsizetype skipSpaces(QStringView text, qsizetype pos)
{
    while (pos < text.size() && text[pos].isSpace())
        ++pos;
    return pos;
}

// Python repr escapes quotes it needs to, but LLM-written "reprs" often leave an apostrophe bare inside a
// single-quoted string ('It's fine'). A quote therefore only closes a string when what follows is structure:
// the end, a closing bracket, a ':' followed by a value, or a ',' followed by another item.
bool quoteClosesString(QStringView text, qsizetype quotePos)
{
    const qsizetype next = skipSpaces(text, quotePos + 1);
    if (next >= text.size())
        return true;
    const QChar c = text[next];
    if (c == QLatin1Char('}') || c == QLatin1Char(']') || c == QLatin1Char(')'))
        return true;
    if (c == QLatin1Char(',')) {
        const qsizetype after = skipSpaces(text, next + 1);
        return after >= text.size() || startsValue(text[after]) || text[after] == QLatin1Char('}') ||
               text[after] == QLatin1Char(']') || text[after] == QLatin1Char(')');
    }
    if (c == QLatin1Char(':')) {
        const qsizetype after = skipSpaces(text, next + 1);
        return after < text.size() && startsValue(text[after]);
    }
    return false;
}

void appendJsonEscapedCodeUnit(QString &out, char16_t unit)
{
    out += QStringLiteral("\\u%1").arg(uint(unit), 4, 16, QLatin1Char('0'));
}

void appendCodePoint(QString &out, char32_t codePoint)
{
    if (codePoint > 0xFFFF) {
        const char32_t offset = codePoint - 0x10000;
        appendJsonEscapedCodeUnit(out, char16_t(0xD800 + (offset >> 10)));
        appendJsonEscapedCodeUnit(out, char16_t(0xDC00 + (offset & 0x3FF)));
    } else {
        appendJsonEscapedCodeUnit(out, char16_t(codePoint));
    }
}

void appendStringChar(QString &out, QChar c)
{
    switch (c.unicode()) {
    case u'"':
        out += QLatin1String("\\\"");
        return;
    case u'\\':
        out += QLatin1String("\\\\");
        return;
    case u'\n':
        out += QLatin1String("\\n");
        return;
    case u'\r':
        out += QLatin1String("\\r");
        return;
    case u'\t':
        out += QLatin1String("\\t");
        return;
    default:
        if (c.unicode() < 0x20)
            appendJsonEscapedCodeUnit(out, c.unicode());
        else
            out += c;
    }
}

// Reads hex digits at text[pos, pos+count); nullopt when they are not all there.
std::optional<char32_t> readHex(QStringView text, qsizetype pos, int count)
{
    if (pos + count > text.size())
        return std::nullopt;
    char32_t value = 0;
    for (int i = 0; i < count; ++i) {
        const int digit = hexValue(text[pos + i]);
        if (digit < 0)
            return std::nullopt;
        value = value * 16 + char32_t(digit);
    }
    return value;
}

// Translates one backslash escape starting at text[pos] == '\\'. Returns the index after it, or -1.
qsizetype translateEscape(QStringView text, qsizetype pos, QString &out)
{
    if (pos + 1 >= text.size())
        return -1;
    const QChar e = text[pos + 1];
    switch (e.unicode()) {
    case u'n':
    case u't':
    case u'r':
    case u'b':
    case u'f':
        out += QLatin1Char('\\');
        out += e;
        return pos + 2;
    case u'\\':
        out += QLatin1String("\\\\");
        return pos + 2;
    case u'"':
        out += QLatin1String("\\\"");
        return pos + 2;
    case u'\'':
        out += QLatin1Char('\'');
        return pos + 2;
    case u'/':
        out += QLatin1Char('/');
        return pos + 2;
    case u'a':
        appendJsonEscapedCodeUnit(out, 0x07);
        return pos + 2;
    case u'v':
        appendJsonEscapedCodeUnit(out, 0x0B);
        return pos + 2;
    case u'\n':
        return pos + 2; // line continuation
    case u'x':
    case u'u':
    case u'U': {
        const int digits = e == QLatin1Char('x') ? 2 : e == QLatin1Char('u') ? 4 : 8;
        const std::optional<char32_t> value = readHex(text, pos + 2, digits);
        if (!value || *value > 0x10FFFF)
            return -1;
        appendCodePoint(out, *value);
        return pos + 2 + digits;
    }
    default:
        break;
    }
    if (e >= QLatin1Char('0') && e <= QLatin1Char('7')) {
        char32_t value = 0;
        qsizetype end = pos + 1;
        while (end < text.size() && end < pos + 4 && text[end] >= QLatin1Char('0') &&
               text[end] <= QLatin1Char('7')) {
            value = value * 8 + char32_t(text[end].unicode() - u'0');
            ++end;
        }
        appendCodePoint(out, value);
        return end;
    }
    // Python keeps the backslash of an unknown escape.
    out += QLatin1String("\\\\");
    appendStringChar(out, e);
    return pos + 2;
}

} // namespace

bool ContentParser::looksLikeContentArray(QStringView raw)
{
    QStringView trimmed = raw.trimmed();
    if (isBracketed(trimmed))
        return true;
    if (!isQuoted(trimmed))
        return false;
    const QStringView inner = trimmed.mid(1, trimmed.size() - 2).trimmed();
    // An escaped closing quote ("[…\"]") still counts: the inner text ends with ']' once unescaped.
    return inner.startsWith(QLatin1Char('[')) &&
           (inner.endsWith(QLatin1Char(']')) || inner.endsWith(QLatin1String("]\\")));
}

QString ContentParser::pythonReprToJson(QStringView text)
{
    QString out;
    out.reserve(text.size() + text.size() / 8 + 16);
    qsizetype pos = 0;
    while (pos < text.size()) {
        const QChar c = text[pos];
        if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
            const QChar quote = c;
            out += QLatin1Char('"');
            ++pos;
            bool closed = false;
            while (pos < text.size()) {
                const QChar s = text[pos];
                if (s == QLatin1Char('\\')) {
                    pos = translateEscape(text, pos, out);
                    if (pos < 0)
                        return {};
                    continue;
                }
                if (s == quote && quoteClosesString(text, pos)) {
                    out += QLatin1Char('"');
                    ++pos;
                    closed = true;
                    break;
                }
                appendStringChar(out, s);
                ++pos;
            }
            if (!closed)
                return {}; // truncated
            continue;
        }
        if (c.isSpace() || c == QLatin1Char('{') || c == QLatin1Char('}') || c == QLatin1Char('[') ||
            c == QLatin1Char(']') || c == QLatin1Char(',') || c == QLatin1Char(':')) {
            out += c;
            ++pos;
            continue;
        }
        if (c == QLatin1Char('(') || c == QLatin1Char(')')) { // tuples
            out += c == QLatin1Char('(') ? QLatin1Char('[') : QLatin1Char(']');
            ++pos;
            continue;
        }
        if (c.isDigit() || c == QLatin1Char('-') || c == QLatin1Char('+') || c == QLatin1Char('.')) {
            const qsizetype start = pos;
            while (pos < text.size() && (text[pos].isDigit() || text[pos] == QLatin1Char('.') ||
                                         text[pos] == QLatin1Char('e') || text[pos] == QLatin1Char('E') ||
                                         text[pos] == QLatin1Char('-') || text[pos] == QLatin1Char('+')))
                ++pos;
            QStringView number = text.mid(start, pos - start);
            if (number.startsWith(QLatin1Char('+')))
                number = number.mid(1);
            out += number; // the JSON parser judges whether it is a number
            continue;
        }
        if (c.isLetter() || c == QLatin1Char('_')) {
            const qsizetype start = pos;
            while (pos < text.size() && isIdentifierChar(text[pos]))
                ++pos;
            const QStringView word = text.mid(start, pos - start);
            if (word == QLatin1String("True") || word == QLatin1String("true"))
                out += QLatin1String("true");
            else if (word == QLatin1String("False") || word == QLatin1String("false"))
                out += QLatin1String("false");
            else if (word == QLatin1String("None") || word == QLatin1String("null"))
                out += QLatin1String("null");
            else
                return {};
            continue;
        }
        return {};
    }
    return out;
}

ParsedContent ContentParser::parse(const QString &raw)
{
    if (raw.size() > MaxInputChars)
        return {};
    QString candidate = raw.trimmed();
    for (int level = 0; level < MaxUnwrapLevels && isQuoted(candidate); ++level)
        candidate = unwrapQuoted(candidate);
    if (!isBracketed(candidate))
        return {};

    if (const std::optional<QJsonArray> strict = parseJsonArray(candidate)) {
        if (std::optional<ParsedContent> parsed = interpretBlocks(*strict))
            return *parsed;
        return {};
    }
    const QString repaired = pythonReprToJson(candidate);
    if (repaired.isEmpty())
        return {};
    if (const std::optional<QJsonArray> array = parseJsonArray(repaired)) {
        if (std::optional<ParsedContent> parsed = interpretBlocks(*array))
            return *parsed;
    }
    return {};
}

} // namespace caduceus::chat
