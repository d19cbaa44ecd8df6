#pragma once

#include <QSet>
#include <QString>
#include <QStringList>

namespace caduceus::ui {

// What the built-in highlighter needs to know about a language's lexical surface. Deliberately
// small: enough to colour keywords, strings, comments and numbers correctly (never a keyword
// inside a string or comment), not a grammar.
struct CodeLanguage
{
    enum class Family { PlainText, CLike, Python, JavaScript, Json, Bash, Rust, Go, Yaml, Sql };

    Family family = Family::PlainText;
    QString name; // canonical name, e.g. "cpp", "python"
    QSet<QString> keywords;
    QSet<QString> types;
    QSet<QString> literals; // true/false/null and friends
    QSet<QString> builtins;
    QStringList lineComments;
    QString blockCommentStart;
    QString blockCommentEnd;
    QString quotes;                // characters that open a string
    QString multiLineQuotes;       // of those, the ones whose strings may span lines
    bool tripleQuotes = false;     // Python """ and '''
    bool caseInsensitive = false;  // SQL keywords
    bool hashDirectives = false;   // C preprocessor lines
    bool decorators = false;       // @name
    bool dollarVariables = false;  // $VAR, ${VAR}
    bool rustAttributes = false;   // #[derive(...)] and lifetimes 'a
    bool macroCalls = false;       // name!(...)
    bool keyBeforeColon = false;   // JSON "key": and YAML key:
    bool commentNeedsSpaceBefore = false; // Bash/YAML: '#' starts a comment only at a word start

    // Resolves fence names and common aliases ("c++", "py", "ts", "sh", "yml", "golang" …);
    // anything unknown is plain text.
    static CodeLanguage forName(const QString &name);
    bool isPlainText() const { return family == Family::PlainText; }
};

} // namespace caduceus::ui
