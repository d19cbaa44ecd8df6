#include "SessionTitle.h"

#include "ContentBlocks.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringList>

namespace caduceus::chat {

namespace {

// The text blocks of an input, one after the other on lines of their own (line structure carries Markdown).
QString textOf(const QJsonValue &input)
{
    if (input.isString())
        return input.toString();
    if (!ContentBlocks::isBlockArray(input))
        return {};
    QStringList texts;
    for (const QJsonValue &item : input.toArray()) {
        const QJsonObject block = item.toObject();
        if (block.value(QLatin1String("type")).toString() == QLatin1String("text"))
            texts << block.value(QLatin1String("text")).toString();
    }
    return texts.join(QLatin1Char('\n'));
}

// Line-level syntax: what a line starts with, or a line that is syntax only.
QString stripLine(QString line)
{
    static const QRegularExpression fence(QStringLiteral(R"(^\s{0,3}(`{3,}|~{3,}))"));
    static const QRegularExpression rule(QStringLiteral(R"(^\s{0,3}([-*_])(\s*\1){2,}\s*$)"));
    static const QRegularExpression tableDelimiter(QStringLiteral(R"(^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$)"));
    static const QRegularExpression setextUnderline(QStringLiteral(R"(^\s{0,3}=+\s*$)"));
    static const QRegularExpression quote(QStringLiteral(R"(^\s{0,3}(>\s?)+)"));
    static const QRegularExpression heading(QStringLiteral(R"(^\s{0,3}#{1,6}(\s+|$))"));
    static const QRegularExpression closingHashes(QStringLiteral(R"(\s+#+\s*$)"));
    static const QRegularExpression listMarker(QStringLiteral(R"(^\s*([-*+]|\d{1,9}[.)])\s+)"));
    static const QRegularExpression taskBox(QStringLiteral(R"(^\[[ xX]\]\s+)"));

    if (line.contains(fence) || line.contains(rule) || line.contains(setextUnderline))
        return {};
    if (line.contains(QLatin1Char('-')) && line.contains(tableDelimiter))
        return {};
    line.remove(quote);
    if (line.contains(heading)) {
        line.remove(heading);
        line.remove(closingHashes);
    }
    // A list item may be quoted or nested: strip the marker, then a task box after it.
    line.remove(listMarker);
    line.remove(taskBox);
    return line;
}

constexpr qsizetype kMaxParked = 0x1000; // escapes parked in the private use area U+E000…U+EFFF

// Inline syntax inside a line.
QString stripInline(QString text)
{
    static const QRegularExpression image(QStringLiteral(R"(!\[([^\]]*)\]\([^)]*\))"));
    static const QRegularExpression link(QStringLiteral(R"(\[([^\]]+)\]\([^)]*\))"));
    static const QRegularExpression referenceLink(QStringLiteral(R"(\[([^\]]+)\]\[[^\]]*\])"));
    static const QRegularExpression autolink(QStringLiteral(R"(<((?:https?|mailto|ftp):[^>\s]+)>)"));
    static const QRegularExpression strong(QStringLiteral(R"((\*\*|__)(?=\S)(.+?)(?<=\S)\1)"));
    static const QRegularExpression strike(QStringLiteral(R"(~~(?=\S)(.+?)(?<=\S)~~)"));
    static const QRegularExpression starEmphasis(QStringLiteral(R"(\*(?=\S)(.+?)(?<=\S)\*)"));
    // Underscores only at word edges: snake_case names keep theirs.
    static const QRegularExpression underscoreEmphasis(QStringLiteral(R"((?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w))"));
    static const QRegularExpression backticks(QStringLiteral("`+"));

    // Escaped characters are literal text: park them where no rule below matches, put them back at the end.
    QStringList escaped;
    QString parked;
    parked.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) == QLatin1Char('\\') && i + 1 < text.size() && escaped.size() < kMaxParked &&
            QStringLiteral("\\`*_{}[]()#+-.!|~<>").contains(text.at(i + 1))) {
            escaped << QString(text.at(i + 1));
            parked += QChar(char16_t(0xE000 + (escaped.size() - 1))); // private use area
            ++i;
        } else {
            parked += text.at(i);
        }
    }
    text = parked;

    text.replace(image, QStringLiteral("\\1"));
    text.replace(link, QStringLiteral("\\1"));
    text.replace(referenceLink, QStringLiteral("\\1"));
    text.replace(autolink, QStringLiteral("\\1"));
    text.replace(strong, QStringLiteral("\\2"));
    text.replace(strike, QStringLiteral("\\1"));
    text.replace(starEmphasis, QStringLiteral("\\1"));
    text.replace(underscoreEmphasis, QStringLiteral("\\1"));
    text.remove(backticks);
    // Table rows: "| a | b |" reads "a b".
    text.replace(QLatin1Char('|'), QLatin1Char(' '));

    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        if (c >= 0xE000 && c < 0xE000 + kMaxParked && c - 0xE000 < escaped.size())
            text.replace(i, 1, escaped.at(c - 0xE000));
    }
    return text;
}

} // namespace

QString SessionTitle::stripMarkdown(const QString &markdown)
{
    QString normalized = markdown;
    normalized.replace(QLatin1String("\r\n"), QLatin1String("\n"));
    normalized.replace(QLatin1Char('\r'), QLatin1Char('\n'));
    QStringList kept;
    for (const QString &line : normalized.split(QLatin1Char('\n'))) {
        const QString stripped = stripLine(line);
        if (!stripped.trimmed().isEmpty())
            kept << stripped;
    }
    return stripInline(kept.join(QLatin1Char(' '))).simplified();
}

QString SessionTitle::fromInput(const QJsonValue &input, int maxChars)
{
    const QString title = stripMarkdown(textOf(input));
    if (title.isEmpty())
        return ContentBlocks::previewText(input, maxChars);
    return ContentBlocks::cutAtCharBoundary(title, maxChars).trimmed();
}

} // namespace caduceus::chat
