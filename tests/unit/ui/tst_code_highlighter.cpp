#include "ui/CodeLanguage.h"
#include "ui/FallbackHighlighter.h"
#include "ui/HighlightPalette.h"

#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>
#include <QtTest>

using namespace caduceus::ui;
using Token = FallbackHighlighter::Token;

namespace {

// The colour the highlighter gave to the character at `needle`'s `occurrence`-th match, or an
// invalid colour when it left it alone.
QColor colourOf(const QTextDocument &document, const QString &needle, int occurrence = 0)
{
    qsizetype position = -1;
    for (int i = 0; i <= occurrence; ++i) {
        position = document.toPlainText().indexOf(needle, position + 1);
        if (position < 0)
            return QColor();
    }
    const QTextBlock block = document.findBlock(static_cast<int>(position));
    const int inBlock = static_cast<int>(position) - block.position();
    for (const QTextLayout::FormatRange &range : block.layout()->formats()) {
        if (inBlock >= range.start && inBlock < range.start + range.length)
            return range.format.foreground().color();
    }
    return QColor();
}

struct Highlighted
{
    QTextDocument document;
    FallbackHighlighter highlighter{&document};

    Highlighted(const QString &language, const QString &code, bool dark = false)
    {
        highlighter.setLanguage(language);
        highlighter.setDark(dark);
        document.setPlainText(code);
        highlighter.rehighlight();
    }
};

} // namespace

class TestCodeHighlighter : public QObject
{
    Q_OBJECT

private:
    const HighlightPalette light = HighlightPalette::light();

private slots:
    void resolvesLanguageAliases_data()
    {
        QTest::addColumn<QString>("fence");
        QTest::addColumn<QString>("canonical");
        QTest::newRow("c++") << "c++" << "cpp";
        QTest::newRow("C") << "C" << "cpp";
        QTest::newRow("py") << "py" << "python";
        QTest::newRow("tsx") << "tsx" << "javascript";
        QTest::newRow("jsonc") << "jsonc" << "json";
        QTest::newRow("sh") << "sh" << "bash";
        QTest::newRow("rs") << "rs" << "rust";
        QTest::newRow("golang") << "golang" << "go";
        QTest::newRow("yml") << "yml" << "yaml";
        QTest::newRow("postgresql") << "postgresql" << "sql";
    }

    void resolvesLanguageAliases()
    {
        QFETCH(QString, fence);
        QFETCH(QString, canonical);
        QCOMPARE(CodeLanguage::forName(fence).name, canonical);
        QVERIFY(CodeLanguage::forName(QStringLiteral("klingon")).isPlainText());
    }

    void pythonKeywordsStringsCommentsNumbers()
    {
        Highlighted code(QStringLiteral("python"),
                         QStringLiteral("@cached\ndef greet(name):\n    return \"if \" + name * 42  # for later\n"));
        QCOMPARE(colourOf(code.document, "def"), light.keyword);
        QCOMPARE(colourOf(code.document, "return"), light.keyword);
        QCOMPARE(colourOf(code.document, "greet"), light.function);
        QCOMPARE(colourOf(code.document, "\"if"), light.string);
        QCOMPARE(colourOf(code.document, "if "), light.string); // a keyword inside a string stays a string
        QCOMPARE(colourOf(code.document, "42"), light.number);
        QCOMPARE(colourOf(code.document, "# for"), light.comment);
        QCOMPARE(colourOf(code.document, "for later"), light.comment);
        QCOMPARE(colourOf(code.document, "@cached"), light.directive);
        QVERIFY(!colourOf(code.document, "name):").isValid());
    }

    void pythonTripleQuotedStringSpansLines()
    {
        Highlighted code(QStringLiteral("py"), QStringLiteral("x = \"\"\"first\nwhile inside\n\"\"\"\nwhile True: pass"));
        QCOMPARE(colourOf(code.document, "while"), light.string);
        QCOMPARE(colourOf(code.document, "while", 1), light.keyword);
        QCOMPARE(colourOf(code.document, "True"), light.literal);
    }

    void cBlockCommentsAndDirectives()
    {
        Highlighted code(QStringLiteral("cpp"),
                         QStringLiteral("#include <vector>\n/* int in\n comment */ int y = 0x1F;\nreturn 'c';"));
        QCOMPARE(colourOf(code.document, "#include"), light.directive);
        QCOMPARE(colourOf(code.document, "<vector>"), light.string);
        QCOMPARE(colourOf(code.document, "int"), light.comment);
        QCOMPARE(colourOf(code.document, "int", 1), light.type);
        QCOMPARE(colourOf(code.document, "0x1F"), light.number);
        QCOMPARE(colourOf(code.document, "'c'"), light.string);
        QCOMPARE(colourOf(code.document, "return"), light.keyword);
    }

    void javascriptTemplateLiteralSpansLines()
    {
        Highlighted code(QStringLiteral("ts"),
                         QStringLiteral("const s = `line ${x}\nconst inside`;\nlet n: number = null;"));
        QCOMPARE(colourOf(code.document, "const"), light.keyword);
        QCOMPARE(colourOf(code.document, "const", 1), light.string);
        QCOMPARE(colourOf(code.document, "let"), light.keyword);
        QCOMPARE(colourOf(code.document, "number"), light.type);
        QCOMPARE(colourOf(code.document, "null"), light.literal);
    }

    void jsonKeysAndValues()
    {
        Highlighted code(QStringLiteral("json"), QStringLiteral("{\"name\": \"hermes\", \"port\": 8642, \"tls\": false}"));
        QCOMPARE(colourOf(code.document, "\"name\""), light.key);
        QCOMPARE(colourOf(code.document, "\"hermes\""), light.string);
        QCOMPARE(colourOf(code.document, "8642"), light.number);
        QCOMPARE(colourOf(code.document, "false"), light.literal);
    }

    void bashVariablesAndComments()
    {
        Highlighted code(QStringLiteral("bash"),
                         QStringLiteral("if [ -n \"$HOME\" ]; then echo a#b $PATH; fi # done\nexport X=1"));
        QCOMPARE(colourOf(code.document, "if"), light.keyword);
        QCOMPARE(colourOf(code.document, "$PATH"), light.variable);
        QVERIFY(colourOf(code.document, "a#b") != light.comment); // '#' inside a word is not a comment
        QCOMPARE(colourOf(code.document, "# done"), light.comment);
        QCOMPARE(colourOf(code.document, "$HOME"), light.string);
        QCOMPARE(colourOf(code.document, "X="), light.variable);
    }

    void rustLifetimesMacrosAttributes()
    {
        Highlighted code(QStringLiteral("rust"),
                         QStringLiteral("#[derive(Debug)]\nfn f<'a>(s: &'a str) { println!(\"{}\", 'x'); }"));
        QCOMPARE(colourOf(code.document, "#[derive"), light.directive);
        QCOMPARE(colourOf(code.document, "fn"), light.keyword);
        QCOMPARE(colourOf(code.document, "'a>"), light.type);
        QCOMPARE(colourOf(code.document, "println!"), light.function);
        QCOMPARE(colourOf(code.document, "'x'"), light.string);
        QCOMPARE(colourOf(code.document, "str"), light.type);
    }

    void goRawStrings()
    {
        Highlighted code(QStringLiteral("go"), QStringLiteral("func main() {\n\ts := `raw\nfunc`\n\treturn nil\n}"));
        QCOMPARE(colourOf(code.document, "func"), light.keyword);
        QCOMPARE(colourOf(code.document, "func", 1), light.string);
        QCOMPARE(colourOf(code.document, "nil"), light.literal);
    }

    void yamlKeysAndScalars()
    {
        Highlighted code(QStringLiteral("yaml"),
                         QStringLiteral("model:\n  context_length: 200000\n  name: \"x\" # note\n  say: yes we can\n  on: yes"));
        QCOMPARE(colourOf(code.document, "model"), light.key);
        QCOMPARE(colourOf(code.document, "context_length"), light.key);
        QCOMPARE(colourOf(code.document, "200000"), light.number);
        QCOMPARE(colourOf(code.document, "# note"), light.comment);
        QVERIFY(colourOf(code.document, "yes we") != light.literal);
        QCOMPARE(colourOf(code.document, "yes", 1), light.literal);
    }

    void sqlIsCaseInsensitive()
    {
        Highlighted code(QStringLiteral("sql"),
                         QStringLiteral("SELECT count(*) FROM t where name = 'from' -- select\nselect 1;"));
        QCOMPARE(colourOf(code.document, "SELECT"), light.keyword);
        QCOMPARE(colourOf(code.document, "where"), light.keyword);
        QCOMPARE(colourOf(code.document, "count"), light.function);
        QCOMPARE(colourOf(code.document, "'from'"), light.string);
        QCOMPARE(colourOf(code.document, "-- select"), light.comment);
        QCOMPARE(colourOf(code.document, "select", 1), light.keyword);
    }

    void darkThemeUsesDarkPalette()
    {
        Highlighted code(QStringLiteral("python"), QStringLiteral("def f(): pass"), true);
        QCOMPARE(colourOf(code.document, "def"), HighlightPalette::dark().keyword);
        QVERIFY(HighlightPalette::dark().keyword != light.keyword);
        code.highlighter.setDark(false);
        QCOMPARE(colourOf(code.document, "def"), light.keyword);
    }

    void unknownLanguageStaysPlain()
    {
        Highlighted code(QStringLiteral("klingon"), QStringLiteral("def if return \"x\" 42"));
        QVERIFY(!colourOf(code.document, "def").isValid());
        QVERIFY(!colourOf(code.document, "42").isValid());
    }

    void unterminatedStringDoesNotLeakIntoNextLine()
    {
        Highlighted code(QStringLiteral("python"), QStringLiteral("s = \"open\nif x: pass"));
        QCOMPARE(colourOf(code.document, "open"), light.string);
        QCOMPARE(colourOf(code.document, "if"), light.keyword);
    }
};

QTEST_MAIN(TestCodeHighlighter)
#include "tst_code_highlighter.moc"
