#include "ui/RichTextStyler.h"

#include <QTextBlock>
#include <QTextDocument>
#include <QtTest>

using namespace caduceus::ui;

namespace {

QTextCharFormat formatAt(const QTextDocument &document, const QString &needle)
{
    const qsizetype position = document.toPlainText().indexOf(needle);
    if (position < 0)
        return {};
    const QTextBlock block = document.findBlock(static_cast<int>(position));
    for (auto it = block.begin(); !it.atEnd(); ++it) {
        const QTextFragment fragment = it.fragment();
        if (position >= fragment.position() && position < fragment.position() + fragment.length())
            return fragment.charFormat();
    }
    return {};
}

} // namespace

class TestRichTextStyler : public QObject
{
    Q_OBJECT

private slots:
    void coloursLinksAndInlineCode()
    {
        QTextDocument document;
        document.setMarkdown(QStringLiteral("See [the docs](https://example.com) and run `make` now."));
        const QColor link(0x93, 0xb2, 0xff);
        const QColor code(0x2d, 0x30, 0x38);
        QCOMPARE(RichTextStyler::style(&document, link, code), 2);
        QCOMPARE(formatAt(document, QStringLiteral("the docs")).foreground().color(), link);
        QCOMPARE(formatAt(document, QStringLiteral("make")).background().color(), code);
        QVERIFY(formatAt(document, QStringLiteral("now")).background().style() == Qt::NoBrush);
        QVERIFY(formatAt(document, QStringLiteral("See")).foreground().color() != link);
        // Already styled: nothing more to do.
        QCOMPARE(RichTextStyler::style(&document, link, code), 0);
    }

    void plainTextIsLeftAlone()
    {
        QTextDocument document;
        document.setMarkdown(QStringLiteral("Nothing special here."));
        QCOMPARE(RichTextStyler::style(&document, Qt::blue, Qt::gray), 0);
        QCOMPARE(RichTextStyler::style(nullptr, Qt::blue, Qt::gray), 0);
    }
};

QTEST_MAIN(TestRichTextStyler)
#include "tst_rich_text_styler.moc"
