#pragma once

#include <QColor>

namespace caduceus::ui {

// Token colours for code, tuned for contrast on the code-block backgrounds of the light and
// dark themes (Theme.qml codeBackground).
struct HighlightPalette
{
    QColor keyword;
    QColor type;
    QColor literal;
    QColor string;
    QColor comment;
    QColor number;
    QColor function;
    QColor directive; // preprocessor, decorators, attributes
    QColor key;       // JSON/YAML keys
    QColor variable;  // shell variables

    static HighlightPalette light();
    static HighlightPalette dark();
    static HighlightPalette forTheme(bool dark) { return dark ? HighlightPalette::dark() : light(); }
};

} // namespace caduceus::ui
