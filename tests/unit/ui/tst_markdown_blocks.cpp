#include "ui/MarkdownBlockParser.h"
#include "ui/MarkdownBlocks.h"

#include <QRandomGenerator>
#include <QtTest>

using namespace caduceus::ui;

namespace {

QList<MarkdownBlock> parse(const QString &markdown) { return MarkdownBlockParser::parse(markdown.toUtf8()); }

QStringList kinds(const QList<MarkdownBlock> &blocks)
{
    QStringList names;
    for (const MarkdownBlock &block : blocks)
        names << blockKindName(block.kind);
    return names;
}

QStringList texts(const QList<MarkdownBlock> &blocks)
{
    QStringList result;
    for (const MarkdownBlock &block : blocks)
        result << block.text;
    return result;
}

QStringList nonBlankLines(const QString &text)
{
    QStringList lines;
    for (const QString &line : text.split(QLatin1Char('\n'))) {
        if (!line.trimmed().isEmpty())
            lines << line;
    }
    return lines;
}

const char *const longAnswer = R"md(# Plan

Here is what I will do, step by step:

1. Read `config.yaml` and check the **model** section.
2. Run the tests:

   ```bash
   cmake --build build && ctest
   ```

3. Report back.

> Note: the agent may ask for approval
> before running commands.

| file | status |
|------|--------|
| a.cpp | ok |
| b.cpp | failing |

---

```python
def greet(name):
    """Say hello."""
    return f"Hello, {name}!"
```

Setext title
============

Final words with a [link](https://example.com) and an emoji 😀.
)md";

const char *const trickyAnswer = R"md(Intro line
continued lazily
- bullet one
- bullet two
* other marker

1) paren list
2) second

A paragraph.

    indented code after a blank line

<div>
raw html block
</div>

> quote with a list:
> - a
> - b
>
> > nested quote

Term
: not a definition list

~~~
tilde fence with ``` inside
~~~

| a | b |
|---|---|
| 1 | 2 |

***
Last *line*)md";

} // namespace

class TestMarkdownBlocks : public QObject
{
    Q_OBJECT

private slots:
    void splitsParagraphs()
    {
        const auto blocks = parse(QStringLiteral("Hello *world*.\nSame paragraph.\n\nSecond one."));
        QCOMPARE(kinds(blocks), QStringList({"paragraph", "paragraph"}));
        QCOMPARE(texts(blocks), QStringList({"Hello *world*.\nSame paragraph.", "Second one."}));
    }

    void splitsHeadings()
    {
        const auto blocks = parse(QStringLiteral("# Title\n\nText\n\nSub\n---\n### Third ###\n"));
        QCOMPARE(kinds(blocks), QStringList({"heading", "paragraph", "heading", "heading"}));
        QCOMPARE(blocks[0].level, 1);
        QCOMPARE(blocks[0].text, QStringLiteral("# Title"));
        QCOMPARE(blocks[2].level, 2);
        QCOMPARE(blocks[2].text, QStringLiteral("Sub\n---"));
        QCOMPARE(blocks[3].level, 3);
    }

    void keepsAListWithItsNestedCodeTogether()
    {
        const QString markdown = QStringLiteral("1. Run:\n   ```bash\n   make\n   ```\n2. Done\n   ```\n   x\n   ```\n\nAfter.");
        const auto blocks = parse(markdown);
        QCOMPARE(kinds(blocks), QStringList({"list", "paragraph"}));
        QCOMPARE(blocks[0].text,
                 QStringLiteral("1. Run:\n   ```bash\n   make\n   ```\n2. Done\n   ```\n   x\n   ```"));
        QCOMPARE(blocks[1].text, QStringLiteral("After."));
    }

    void looseListWithEmptyItemStaysOneBlock()
    {
        const auto blocks = parse(QStringLiteral("- a\n\n  more of a\n- b\n-\n\nnext"));
        QCOMPARE(kinds(blocks), QStringList({"list", "paragraph"}));
        QCOMPARE(blocks[0].text, QStringLiteral("- a\n\n  more of a\n- b\n-"));
    }

    void splitsTables()
    {
        const auto blocks = parse(QStringLiteral("Intro:\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n|   |   |\n\ntext"));
        QCOMPARE(kinds(blocks), QStringList({"paragraph", "table", "paragraph"}));
        QCOMPARE(blocks[1].text, QStringLiteral("| a | b |\n|---|:-:|\n| 1 | 2 |\n|   |   |"));
    }

    void tablesKnowTheirCells()
    {
        const auto blocks =
            parse(QStringLiteral("| Test | **Result** | Time |\n|:--|:-:|--:|\n| a \\| b | `ok` | |\n| c | *no* | 2 s |"));
        QCOMPARE(kinds(blocks), QStringList({"table"}));
        QCOMPARE(blocks[0].tableAlignments, QStringList({"left", "center", "right"}));
        QCOMPARE(blocks[0].tableRows.size(), 3);
        QCOMPARE(blocks[0].tableRows[0], QStringList({"Test", "**Result**", "Time"}));
        QCOMPARE(blocks[0].tableRows[1], QStringList({"a \\| b", "`ok`", ""}));
        QCOMPARE(blocks[0].tableRows[2], QStringList({"c", "*no*", "2 s"}));
    }

    void splitsQuotes()
    {
        const auto blocks = parse(QStringLiteral("> quoted\n> more\n>\n\nnext"));
        QCOMPARE(kinds(blocks), QStringList({"quote", "paragraph"}));
        QCOMPARE(blocks[0].text, QStringLiteral("> quoted\n> more\n>"));
    }

    void splitsFencedCode()
    {
        const auto blocks = parse(QStringLiteral("Look:\n\n```python title=x\nprint('x')\n\nprint('y')\n```\nafter"));
        QCOMPARE(kinds(blocks), QStringList({"paragraph", "code", "paragraph"}));
        QCOMPARE(blocks[1].language, QStringLiteral("python"));
        QCOMPARE(blocks[1].code, QStringLiteral("print('x')\n\nprint('y')"));
        QCOMPARE(blocks[1].text, QStringLiteral("```python title=x\nprint('x')\n\nprint('y')\n```"));
        QCOMPARE(blocks[2].text, QStringLiteral("after"));
    }

    void splitsFencesWithoutInfoAndTildes()
    {
        const auto blocks = parse(QStringLiteral("```\nplain\n```\n~~~~\nt\n~~~~\n\n    indented\n"));
        QCOMPARE(kinds(blocks), QStringList({"code", "code", "code"}));
        QCOMPARE(blocks[0].text, QStringLiteral("```\nplain\n```"));
        QCOMPARE(blocks[0].language, QString());
        QCOMPARE(blocks[1].text, QStringLiteral("~~~~\nt\n~~~~"));
        QCOMPARE(blocks[2].code, QStringLiteral("indented"));
    }

    void splitsRulesAndEmptyBlocks()
    {
        const auto blocks = parse(QStringLiteral("a\n\n---\n\n```\n```\n***\n#\nb"));
        QCOMPARE(kinds(blocks), QStringList({"paragraph", "rule", "code", "rule", "heading", "paragraph"}));
        QCOMPARE(texts(blocks), QStringList({"a", "---", "```\n```", "***", "#", "b"}));
        QCOMPARE(blocks[2].code, QString());
    }

    void everyLineBelongsToExactlyOneBlock()
    {
        const QString markdown = QString::fromUtf8(longAnswer);
        const auto blocks = parse(markdown);
        QCOMPARE(kinds(blocks), QStringList({"heading", "paragraph", "list", "quote", "table", "rule", "code",
                                             "heading", "paragraph"}));
        QCOMPARE(nonBlankLines(texts(blocks).join(QLatin1Char('\n'))), nonBlankLines(markdown));
        QCOMPARE(blocks.last().text, QStringLiteral("Final words with a [link](https://example.com) and an emoji 😀."));
        for (qsizetype i = 1; i < blocks.size(); ++i)
            QVERIFY(blocks[i].sourceStart >= blocks[i - 1].sourceEnd);

        const QString tricky = QString::fromUtf8(trickyAnswer);
        const auto trickyBlocks = parse(tricky);
        QCOMPARE(kinds(trickyBlocks), QStringList({"paragraph", "list", "list", "list", "paragraph", "code", "paragraph",
                                                   "quote", "paragraph", "code", "table", "rule", "paragraph"}));
        QCOMPARE(nonBlankLines(texts(trickyBlocks).join(QLatin1Char('\n'))), nonBlankLines(tricky));
    }

    void acceptsCrLf()
    {
        const auto blocks = parse(QStringLiteral("# T\r\n\r\n```js\r\nlet a = 1;\r\n```\r\nend\r\n"));
        QCOMPARE(kinds(blocks), QStringList({"heading", "code", "paragraph"}));
        QCOMPARE(blocks[1].code.trimmed(), QStringLiteral("let a = 1;"));
        QCOMPARE(blocks[2].text, QStringLiteral("end"));
    }

    void emptyAndBlankInputHasNoBlocks()
    {
        QVERIFY(parse(QString()).isEmpty());
        QVERIFY(parse(QStringLiteral("\n\n   \n")).isEmpty());
    }

    void unterminatedFenceWhileStreaming()
    {
        MarkdownBlocks document;
        document.appendText(QStringLiteral("Intro\n\n```py\ndef f():\n    return 1"));
        QCOMPARE(kinds(document.blocks()), QStringList({"paragraph", "code"}));
        QCOMPARE(document.blocks()[1].language, QStringLiteral("py"));
        QCOMPARE(document.blocks()[1].code, QStringLiteral("def f():\n    return 1"));

        // A closing fence still arriving is not shown as code.
        document.appendText(QStringLiteral("\n``"));
        QCOMPARE(document.blocks()[1].code, QStringLiteral("def f():\n    return 1"));

        document.appendText(QStringLiteral("`\n\nAfter"));
        QCOMPARE(kinds(document.blocks()), QStringList({"paragraph", "code", "paragraph"}));
        QCOMPARE(document.blocks()[1].text, QStringLiteral("```py\ndef f():\n    return 1\n```"));
        QCOMPARE(document.blocks()[2].text, QStringLiteral("After"));
    }

    void openFenceWithoutLanguageGrowsIntoCode()
    {
        MarkdownBlocks document;
        document.appendText(QStringLiteral("Text\n\n``"));
        QCOMPARE(kinds(document.blocks()), QStringList({"paragraph", "paragraph"}));
        document.appendText(QStringLiteral("`\n"));
        QCOMPARE(kinds(document.blocks()), QStringList({"paragraph", "code"}));
        document.appendText(QStringLiteral("x = 1\n"));
        QCOMPARE(document.blocks()[1].code, QStringLiteral("x = 1"));
        QCOMPARE(document.blocks()[1].text, QStringLiteral("```\nx = 1"));
    }

    void appendReportsOnlyTheOpenBlock()
    {
        MarkdownBlocks document;
        BlockUpdate update = document.appendText(QStringLiteral("First para"));
        QCOMPARE(update.firstInserted, 0);
        QCOMPARE(update.lastInserted, 0);
        QVERIFY(!update.hasChanges());

        update = document.appendText(QStringLiteral(" grows"));
        QCOMPARE(update.firstChanged, 0);
        QCOMPARE(update.lastChanged, 0);
        QVERIFY(!update.hasInsertions());

        update = document.appendText(QStringLiteral("\n\nSecond"));
        QVERIFY(!update.hasChanges()); // the first paragraph did not change: no repaint for it
        QCOMPARE(update.firstInserted, 1);
        QCOMPARE(update.lastInserted, 1);

        update = document.appendText(QStringLiteral(" and more"));
        QCOMPARE(update.firstChanged, 1);
        QCOMPARE(update.lastChanged, 1);

        // A setext underline turns the open paragraph into a heading: same row, new kind.
        update = document.appendText(QStringLiteral("\n---"));
        QCOMPARE(update.firstChanged, 1);
        QCOMPARE(update.lastChanged, 1);
        QCOMPARE(document.blocks()[1].kind, BlockKind::Heading);
    }

    void aLateListItemJoinsThePrecedingList()
    {
        MarkdownBlocks document;
        document.appendText(QStringLiteral("1. one\n2. two\n\n3"));
        QCOMPARE(kinds(document.blocks()), QStringList({"list", "paragraph"}));
        QCOMPARE(document.firstOpenRow(), 0);
        const BlockUpdate update = document.appendText(QStringLiteral(". three"));
        QCOMPARE(kinds(document.blocks()), QStringList({"list"}));
        QCOMPARE(document.blocks()[0].text, QStringLiteral("1. one\n2. two\n\n3. three"));
        QCOMPARE(update.firstChanged, 0);
        QCOMPARE(update.firstRemoved, 1);

        document.appendText(QStringLiteral("\n\nAfter the list"));
        QCOMPARE(document.firstOpenRow(), 0); // the list could still gain an item
        document.appendText(QStringLiteral("\n\nMore"));
        QCOMPARE(document.firstOpenRow(), 2); // a paragraph in between closes it for good
    }

    void streamingEqualsParsingTheWhole_data()
    {
        QTest::addColumn<QString>("markdown");
        QTest::addColumn<int>("chunkSize");
        const QString answers[] = {QString::fromUtf8(longAnswer), QString::fromUtf8(trickyAnswer)};
        for (int i = 0; i < 2; ++i) {
            QTest::addRow("answer %d, one character at a time", i) << answers[i] << 1;
            QTest::addRow("answer %d, three", i) << answers[i] << 3;
            QTest::addRow("answer %d, seventeen", i) << answers[i] << 17;
            QTest::addRow("answer %d, random", i) << answers[i] << 0;
        }
    }

    void streamingEqualsParsingTheWhole()
    {
        QFETCH(QString, markdown);
        QFETCH(int, chunkSize);
        QRandomGenerator random(42);
        MarkdownBlocks document;
        qsizetype position = 0;
        while (position < markdown.size()) {
            const qsizetype size = chunkSize > 0 ? chunkSize : random.bounded(1, 40);
            const int openRow = document.firstOpenRow();
            const BlockUpdate update = document.appendText(markdown.mid(position, size));
            position += size;

            // Only the open block (or a list just before it) may change.
            if (update.hasChanges())
                QVERIFY2(update.firstChanged >= openRow, qPrintable(QStringLiteral("at %1").arg(position)));
            if (update.hasRemovals())
                QVERIFY(update.firstRemoved >= openRow);

            QString settled = document.markdown();
            if (settled.back().isHighSurrogate()) // the other half of the emoji has not arrived yet
                settled.chop(1);
            const QList<MarkdownBlock> expected = MarkdownBlockParser::parse(settled.toUtf8());
            QCOMPARE(texts(document.blocks()), texts(expected));
            QCOMPARE(kinds(document.blocks()), kinds(expected));
        }
        QCOMPARE(document.markdown(), markdown);
    }

    void surrogatePairSplitAcrossDeltas()
    {
        MarkdownBlocks document;
        const QString smile = QString::fromUtf8("😀");
        document.appendText(QStringLiteral("Hi ") + smile.at(0));
        QCOMPARE(document.blocks().size(), 1);
        QCOMPARE(document.blocks()[0].text, QStringLiteral("Hi "));
        document.appendText(QString(smile.at(1)));
        QCOMPARE(document.blocks()[0].text, QStringLiteral("Hi ") + smile);
    }

    void replacingTextReportsOnlyDifferingRows()
    {
        MarkdownBlocks document;
        document.setMarkdown(QStringLiteral("one\n\ntwo\n\nthree"));
        const BlockUpdate update = document.setMarkdown(QStringLiteral("one\n\nTWO\n\nthree"));
        QCOMPARE(update.firstChanged, 1);
        QCOMPARE(update.lastChanged, 1);
        QVERIFY(!update.hasInsertions());
        QVERIFY(!update.hasRemovals());

        const BlockUpdate shrink = document.setMarkdown(QStringLiteral("one"));
        QVERIFY(!shrink.hasChanges());
        QCOMPARE(shrink.firstRemoved, 1);
        QCOMPARE(shrink.lastRemoved, 2);

        const BlockUpdate cleared = document.clear();
        QCOMPARE(cleared.firstRemoved, 0);
        QVERIFY(document.blocks().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestMarkdownBlocks)
#include "tst_markdown_blocks.moc"
