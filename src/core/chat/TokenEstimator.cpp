#include "chat/TokenEstimator.h"

#include "chat/ContentBlocks.h"
#include "chat/ContentParser.h"
#include "store/StoreTypes.h"

#include <QJsonDocument>

#include <cmath>

namespace caduceus::chat {

namespace {

enum class CharClass
{
    AsciiLetter,
    OtherLetter,
    Digit,
    Punctuation,
    Space,
    LineBreak,
    Han,
    Kana,
    Hangul,
    CjkSymbol,
    Astral,
    Other
};

CharClass classify(char32_t c)
{
    if (c < 0x80) {
        if ((c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z'))
            return CharClass::AsciiLetter;
        if (c >= U'0' && c <= U'9')
            return CharClass::Digit;
        if (c == U'\n' || c == U'\r')
            return CharClass::LineBreak;
        if (c == U' ' || c == U'\t' || c == U'\f' || c == U'\v')
            return CharClass::Space;
        if (c < 0x20 || c == 0x7F)
            return CharClass::Other;
        return CharClass::Punctuation;
    }
    if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
        (c >= 0x20000 && c <= 0x3FFFF))
        return CharClass::Han;
    if (c >= 0x3040 && c <= 0x30FF)
        return CharClass::Kana;
    if ((c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F))
        return CharClass::Hangul;
    if ((c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFFEF))
        return CharClass::CjkSymbol;
    if (QChar::isLetter(c))
        return CharClass::OtherLetter;
    if (QChar::isNumber(c))
        return CharClass::Digit;
    if (QChar::isSpace(c))
        return c == 0x2028 || c == 0x2029 || c == 0x85 ? CharClass::LineBreak : CharClass::Space;
    if (c > 0xFFFF)
        return CharClass::Astral;
    return CharClass::Other;
}

// Decodes the code point at text[pos], advancing pos; a lone surrogate counts as itself.
char32_t nextCodePoint(QStringView text, qsizetype &pos)
{
    const char16_t unit = text[pos].unicode();
    ++pos;
    if (QChar::isHighSurrogate(unit) && pos < text.size() && QChar::isLowSurrogate(text[pos].unicode()))
        return QChar::surrogateToUcs4(unit, text[pos++].unicode());
    return unit;
}

bool isLetterClass(CharClass c)
{
    return c == CharClass::AsciiLetter || c == CharClass::OtherLetter;
}

bool isSpaceClass(CharClass c)
{
    return c == CharClass::Space || c == CharClass::LineBreak;
}

double wordCost(int asciiLetters, int otherLetters)
{
    if (otherLetters == 0)
        return 1.0 + std::max(0, asciiLetters - 7) / 3.0;
    return std::max(1.0, asciiLetters / 3.0 + otherLetters / 2.5);
}

double singleCharCost(CharClass c)
{
    switch (c) {
    case CharClass::Han:
        return 1.1;
    case CharClass::Hangul:
        return 1.2;
    case CharClass::Astral:
        return 2.0;
    default:
        return 1.0;
    }
}

} // namespace

int TokenEstimator::estimate(QStringView text)
{
    double tokens = 0;
    qsizetype pos = 0;
    bool pendingValid = false;
    char32_t pending = 0;
    auto next = [&](char32_t &out) {
        if (pendingValid) {
            pendingValid = false;
            out = pending;
            return true;
        }
        if (pos >= text.size())
            return false;
        out = nextCodePoint(text, pos);
        return true;
    };
    auto pushBack = [&](char32_t c) {
        pending = c;
        pendingValid = true;
    };

    char32_t c = 0;
    while (next(c)) {
        const CharClass kind = classify(c);
        if (isLetterClass(kind)) {
            int ascii = kind == CharClass::AsciiLetter ? 1 : 0;
            int other = 1 - ascii;
            while (next(c)) {
                const CharClass k = classify(c);
                if (!isLetterClass(k)) {
                    pushBack(c);
                    break;
                }
                (k == CharClass::AsciiLetter ? ascii : other) += 1;
            }
            tokens += wordCost(ascii, other);
        } else if (kind == CharClass::Digit || kind == CharClass::Punctuation) {
            int length = 1;
            while (next(c)) {
                if (classify(c) != kind) {
                    pushBack(c);
                    break;
                }
                ++length;
            }
            tokens += (length + 2) / 3;
        } else if (isSpaceClass(kind)) {
            bool lineBreak = kind == CharClass::LineBreak;
            while (next(c)) {
                const CharClass k = classify(c);
                if (!isSpaceClass(k)) {
                    pushBack(c);
                    break;
                }
                lineBreak = lineBreak || k == CharClass::LineBreak;
            }
            if (lineBreak)
                tokens += 0.5;
        } else {
            tokens += singleCharCost(kind);
        }
    }
    const int rounded = int(std::lround(tokens));
    return text.isEmpty() ? 0 : std::max(1, rounded);
}

int TokenEstimator::estimateMessage(const store::MessageRecord &m)
{
    int total = MessageOverhead;
    if (m.role == QLatin1String("user") && m.content.startsWith(QLatin1Char('['))) {
        total += estimate(ContentBlocks::flattenForAgent(ContentBlocks::fromStoredText(m.content)));
    } else if (m.role == QLatin1String("assistant") && ContentParser::looksLikeContentArray(m.content)) {
        const ParsedContent parsed = ContentParser::parse(m.content);
        total += estimate(parsed.ok ? QStringView(parsed.text) : QStringView(m.content));
    } else {
        total += estimate(m.content);
    }
    if (!m.toolCalls.isEmpty())
        total += estimate(QString::fromUtf8(QJsonDocument(m.toolCalls).toJson(QJsonDocument::Compact)));
    return total;
}

} // namespace caduceus::chat
