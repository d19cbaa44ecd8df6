#pragma once

#include "ui/CodeLanguage.h"
#include "ui/HighlightPalette.h"

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace caduceus::ui {

// The highlighter used when KSyntaxHighlighting is not available: a per-line scanner driven by a
// CodeLanguage. Strings and comments are recognised first so that a keyword inside them is never
// coloured; block comments, triple-quoted and template strings carry over to the next line
// through the block state.
class FallbackHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT

public:
    enum class Token { Keyword, Type, Literal, String, Comment, Number, Function, Directive, Key, Variable };

    explicit FallbackHighlighter(QTextDocument *document);

    void setLanguage(const QString &name);
    QString languageName() const { return m_language.name; }
    void setDark(bool dark);
    QTextCharFormat formatFor(Token token) const;

protected:
    void highlightBlock(const QString &text) override;

private:
    void rebuildFormats();

    CodeLanguage m_language;
    bool m_dark = false;
    HighlightPalette m_palette = HighlightPalette::light();
    QTextCharFormat m_formats[10];
};

} // namespace caduceus::ui
