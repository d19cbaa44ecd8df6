#include "ui/FallbackHighlighter.h"

#include <QRegularExpression>

#include <functional>

namespace caduceus::ui {

namespace {

// Block states carried from one line to the next.
constexpr int Normal = 0;
constexpr int InBlockComment = 1;
constexpr int InTripleDouble = 2;
constexpr int InTripleSingle = 3;
constexpr int InQuoteBase = 100; // + the quote character

using Token = FallbackHighlighter::Token;

bool isIdentifierStart(QChar c, const CodeLanguage &language)
{
    return c.isLetter() || c == QLatin1Char('_')
           || (c == QLatin1Char('$') && language.family == CodeLanguage::Family::JavaScript);
}

bool isIdentifierChar(QChar c, const CodeLanguage &language)
{
    return isIdentifierStart(c, language) || c.isDigit();
}

class LineScanner
{
public:
    LineScanner(const CodeLanguage &language, const QString &text,
                std::function<void(int, int, Token)> format)
        : m_language(language), m_text(text), m_format(std::move(format))
    {
    }

    // Returns the block state for the next line.
    int scan(int previousState)
    {
        int i = resume(previousState);
        if (m_openState != Normal)
            return m_openState;
        if (m_language.family == CodeLanguage::Family::Yaml)
            i = scanYamlKey(i);
        while (i < m_text.size() && m_openState == Normal)
            i = scanToken(i);
        return m_openState;
    }

private:
    int size() const { return static_cast<int>(m_text.size()); }
    QChar at(int i) const { return i >= 0 && i < size() ? m_text.at(i) : QChar(); }
    bool startsWithAt(int i, const QString &what) const
    {
        return !what.isEmpty() && QStringView(m_text).sliced(i).startsWith(what);
    }
    bool onlySpaceBefore(int i) const
    {
        for (int k = 0; k < i; ++k) {
            if (!m_text.at(k).isSpace())
                return false;
        }
        return true;
    }
    int skipSpaces(int i) const
    {
        while (i < size() && m_text.at(i).isSpace())
            ++i;
        return i;
    }

    // Continues a construct left open by the previous line.
    int resume(int state)
    {
        if (state == InBlockComment)
            return finishBlockComment(0, 0);
        if (state == InTripleDouble || state == InTripleSingle) {
            const QChar quote = state == InTripleDouble ? QLatin1Char('"') : QLatin1Char('\'');
            return finishTripleString(0, 0, quote);
        }
        if (state > InQuoteBase)
            return finishString(0, 0, QChar(state - InQuoteBase), true);
        return 0;
    }

    int finishBlockComment(int start, int from)
    {
        const int end = static_cast<int>(m_text.indexOf(m_language.blockCommentEnd, from));
        if (end < 0) {
            m_format(start, size() - start, Token::Comment);
            m_openState = InBlockComment;
            return size();
        }
        const int stop = end + static_cast<int>(m_language.blockCommentEnd.size());
        m_format(start, stop - start, Token::Comment);
        return stop;
    }

    int finishTripleString(int start, int from, QChar quote)
    {
        const QString closing(3, quote);
        const int end = static_cast<int>(m_text.indexOf(closing, from));
        if (end < 0) {
            m_format(start, size() - start, Token::String);
            m_openState = quote == QLatin1Char('"') ? InTripleDouble : InTripleSingle;
            return size();
        }
        m_format(start, end + 3 - start, Token::String);
        return end + 3;
    }

    // Scans a string body from `from` (just after the opening quote) and colours [start, end].
    int finishString(int start, int from, QChar quote, bool mayContinue)
    {
        // Shell single quotes have no escapes.
        const bool escapes = !(m_language.family == CodeLanguage::Family::Bash && quote == QLatin1Char('\''));
        int j = from;
        while (j < size()) {
            const QChar c = m_text.at(j);
            if (escapes && c == QLatin1Char('\\')) {
                j += 2;
                continue;
            }
            if (c == quote) {
                const int stop = j + 1;
                m_format(start, stop - start, keyOrString(stop));
                return stop;
            }
            ++j;
        }
        m_format(start, size() - start, Token::String);
        if (mayContinue)
            m_openState = InQuoteBase + quote.unicode();
        return size();
    }

    Token keyOrString(int afterString) const
    {
        if (m_language.keyBeforeColon && at(skipSpaces(afterString)) == QLatin1Char(':'))
            return Token::Key;
        return Token::String;
    }

    int startString(int start, int quoteAt)
    {
        const QChar quote = m_text.at(quoteAt);
        if (m_language.tripleQuotes && startsWithAt(quoteAt, QString(3, quote)))
            return finishTripleString(start, quoteAt + 3, quote);
        return finishString(start, quoteAt + 1, quote, m_language.multiLineQuotes.contains(quote));
    }

    // YAML: the key of a mapping line ("  - name: value") is its most telling part.
    int scanYamlKey(int i)
    {
        static const QRegularExpression keyPattern(
            QStringLiteral("^(\\s*(?:-\\s+)?)([^\\s#'\"\\-][^#]*?|-[^\\s#][^#]*?)\\s*:(?=\\s|$)"));
        static const QRegularExpression documentMarker(QStringLiteral("^(---|\\.\\.\\.)\\s*$"));
        if (documentMarker.match(m_text).hasMatch()) {
            m_format(0, size(), Token::Directive);
            return size();
        }
        const QRegularExpressionMatch match = keyPattern.match(m_text);
        if (!match.hasMatch())
            return i;
        m_format(static_cast<int>(match.capturedStart(2)), static_cast<int>(match.capturedLength(2)), Token::Key);
        return static_cast<int>(match.capturedEnd(0));
    }

    int scanToken(int i)
    {
        const QChar c = m_text.at(i);
        if (c.isSpace())
            return i + 1;

        for (const QString &marker : m_language.lineComments) {
            if (startsWithAt(i, marker)
                && (!m_language.commentNeedsSpaceBefore || i == 0 || m_text.at(i - 1).isSpace())) {
                m_format(i, size() - i, Token::Comment);
                return size();
            }
        }
        if (startsWithAt(i, m_language.blockCommentStart))
            return finishBlockComment(i, i + static_cast<int>(m_language.blockCommentStart.size()));

        if (m_language.hashDirectives && c == QLatin1Char('#') && onlySpaceBefore(i))
            return scanDirective(i);
        if (m_language.rustAttributes && c == QLatin1Char('#')
            && (at(i + 1) == QLatin1Char('[') || (at(i + 1) == QLatin1Char('!') && at(i + 2) == QLatin1Char('['))))
            return scanUntil(i, QLatin1Char(']'), Token::Directive);
        if (m_language.rustAttributes && c == QLatin1Char('\'') && isLifetime(i))
            return scanWord(i, i + 1, Token::Type);
        if (m_language.decorators && c == QLatin1Char('@') && isIdentifierStart(at(i + 1), m_language))
            return scanDottedName(i, Token::Directive);
        if (m_language.dollarVariables && c == QLatin1Char('$'))
            return scanVariable(i);
        if (m_language.family == CodeLanguage::Family::Yaml
            && (c == QLatin1Char('&') || c == QLatin1Char('*') || c == QLatin1Char('!'))
            && (i == 0 || m_text.at(i - 1).isSpace()) && !at(i + 1).isSpace() && i + 1 < size())
            return scanWord(i, i + 1, Token::Directive);

        if (m_language.quotes.contains(c))
            return startString(i, i);
        if (c.isDigit() || (c == QLatin1Char('.') && at(i + 1).isDigit()))
            return scanNumber(i);
        if (isIdentifierStart(c, m_language))
            return scanIdentifier(i);
        return i + 1;
    }

    bool isLifetime(int i) const
    {
        // 'a is a lifetime, 'a' and '\n' are characters.
        return isIdentifierStart(at(i + 1), m_language) && at(i + 2) != QLatin1Char('\'');
    }

    int scanWord(int start, int from, Token token)
    {
        int j = from;
        while (j < size() && (isIdentifierChar(m_text.at(j), m_language) || m_text.at(j) == QLatin1Char('-')))
            ++j;
        m_format(start, j - start, token);
        return j;
    }

    int scanDottedName(int start, Token token)
    {
        int j = start + 1;
        while (j < size() && (isIdentifierChar(m_text.at(j), m_language) || m_text.at(j) == QLatin1Char('.')))
            ++j;
        m_format(start, j - start, token);
        return j;
    }

    int scanUntil(int start, QChar closing, Token token)
    {
        const int end = static_cast<int>(m_text.indexOf(closing, start));
        const int stop = end < 0 ? size() : end + 1;
        m_format(start, stop - start, token);
        return stop;
    }

    int scanDirective(int start)
    {
        int j = skipSpaces(start + 1);
        while (j < size() && m_text.at(j).isLetter())
            ++j;
        m_format(start, j - start, Token::Directive);
        const QStringView directive = QStringView(m_text).sliced(start, j - start);
        const int target = skipSpaces(j);
        if (directive.endsWith(QLatin1String("include")) && at(target) == QLatin1Char('<'))
            return scanUntil(target, QLatin1Char('>'), Token::String);
        return j;
    }

    int scanVariable(int start)
    {
        const QChar next = at(start + 1);
        if (next == QLatin1Char('{'))
            return scanUntil(start, QLatin1Char('}'), Token::Variable);
        if (next.isDigit() || QStringLiteral("@#?*!$-").contains(next)) {
            m_format(start, 2, Token::Variable);
            return start + 2;
        }
        if (isIdentifierStart(next, m_language))
            return scanWord(start, start + 1, Token::Variable);
        return start + 1;
    }

    int scanNumber(int start)
    {
        int j = start;
        while (j < size()) {
            const QChar c = m_text.at(j);
            if (c.isLetterOrNumber() || c == QLatin1Char('.') || c == QLatin1Char('_') || c == QLatin1Char('\'')) {
                // An exponent may carry a sign: 1e-9.
                const bool exponent = (c == QLatin1Char('e') || c == QLatin1Char('E'))
                                      && (at(j + 1) == QLatin1Char('-') || at(j + 1) == QLatin1Char('+'));
                j += exponent ? 2 : 1;
                continue;
            }
            break;
        }
        m_format(start, j - start, Token::Number);
        return j;
    }

    int scanIdentifier(int start)
    {
        int j = start;
        while (j < size() && isIdentifierChar(m_text.at(j), m_language))
            ++j;
        const QString word = m_text.sliced(start, j - start);

        // Python string prefixes: r"…", f'…', rb"…"
        if (m_language.family == CodeLanguage::Family::Python && word.size() <= 2
            && m_language.quotes.contains(at(j))) {
            static const QRegularExpression prefix(QStringLiteral("^[rRbBfFuU]{1,2}$"));
            if (prefix.match(word).hasMatch())
                return startString(start, j);
        }

        const QString key = m_language.caseInsensitive ? word.toLower() : word;
        const int next = skipSpaces(j);
        if (m_language.keywords.contains(key)) {
            m_format(start, j - start, Token::Keyword);
        } else if (m_language.literals.contains(key) && literalFits(j)) {
            m_format(start, j - start, Token::Literal);
        } else if (m_language.types.contains(key)) {
            m_format(start, j - start, Token::Type);
        } else if (m_language.macroCalls && at(j) == QLatin1Char('!') && at(j + 1) != QLatin1Char('=')) {
            m_format(start, j + 1 - start, Token::Function);
            return j + 1;
        } else if (m_language.builtins.contains(key) || at(next) == QLatin1Char('(')) {
            m_format(start, j - start, Token::Function);
        } else if (m_language.family == CodeLanguage::Family::Bash && at(j) == QLatin1Char('=')) {
            m_format(start, j - start, Token::Variable);
        }
        return j;
    }

    // A YAML "yes" is a boolean only when it is the whole value, not a word of prose.
    bool literalFits(int afterWord) const
    {
        if (m_language.family != CodeLanguage::Family::Yaml)
            return true;
        const int next = skipSpaces(afterWord);
        return next >= size() || at(next) == QLatin1Char('#');
    }

    const CodeLanguage &m_language;
    const QString &m_text;
    std::function<void(int, int, Token)> m_format;
    int m_openState = Normal;
};

} // namespace

FallbackHighlighter::FallbackHighlighter(QTextDocument *document) : QSyntaxHighlighter(document)
{
    rebuildFormats();
}

void FallbackHighlighter::setLanguage(const QString &name)
{
    const CodeLanguage language = CodeLanguage::forName(name);
    if (language.name == m_language.name)
        return;
    m_language = language;
    rehighlight();
}

void FallbackHighlighter::setDark(bool dark)
{
    if (m_dark == dark)
        return;
    m_dark = dark;
    m_palette = HighlightPalette::forTheme(dark);
    rebuildFormats();
    rehighlight();
}

QTextCharFormat FallbackHighlighter::formatFor(Token token) const { return m_formats[static_cast<int>(token)]; }

void FallbackHighlighter::rebuildFormats()
{
    const auto make = [this](Token token, const QColor &colour, bool italic = false) {
        QTextCharFormat format;
        format.setForeground(colour);
        format.setFontItalic(italic);
        m_formats[static_cast<int>(token)] = format;
    };
    make(Token::Keyword, m_palette.keyword);
    make(Token::Type, m_palette.type);
    make(Token::Literal, m_palette.literal);
    make(Token::String, m_palette.string);
    make(Token::Comment, m_palette.comment, true);
    make(Token::Number, m_palette.number);
    make(Token::Function, m_palette.function);
    make(Token::Directive, m_palette.directive);
    make(Token::Key, m_palette.key);
    make(Token::Variable, m_palette.variable);
}

void FallbackHighlighter::highlightBlock(const QString &text)
{
    if (m_language.isPlainText()) {
        setCurrentBlockState(Normal);
        return;
    }
    LineScanner scanner(m_language, text, [this](int start, int length, Token token) {
        if (length > 0)
            setFormat(start, length, m_formats[static_cast<int>(token)]);
    });
    setCurrentBlockState(scanner.scan(std::max(previousBlockState(), Normal)));
}

} // namespace caduceus::ui
