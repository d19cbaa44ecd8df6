// A session's title comes from its first input with the Markdown syntax taken out (SPEC 3.2: first 100
// characters), so the session list shows words, not pipes and hashes.
#include "chat/SessionTitle.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using caduceus::chat::SessionTitle;

class TestSessionTitle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stripsMarkdown_data()
    {
        QTest::addColumn<QString>("markdown");
        QTest::addColumn<QString>("title");
        QTest::newRow("plain") << "How do I undo a commit?" << "How do I undo a commit?";
        QTest::newRow("heading") << "## Release plan ##\nShip it" << "Release plan Ship it";
        QTest::newRow("emphasis") << "Make **this** *very* __clear__ and ~~not~~ _that_"
                                  << "Make this very clear and not that";
        QTest::newRow("snake_case stays") << "rename my_var_name to other_name" << "rename my_var_name to other_name";
        QTest::newRow("inline code") << "Why does `git rebase -i` fail?" << "Why does git rebase -i fail?";
        QTest::newRow("code fence") << "Fix this:\n```python\nprint('hi')\n```" << "Fix this: print('hi')";
        QTest::newRow("tilde fence") << "~~~\nls -la\n~~~" << "ls -la";
        QTest::newRow("link") << "Read [the docs](https://example.com/docs) first" << "Read the docs first";
        QTest::newRow("image") << "![a cat](cat.png) what is this?" << "a cat what is this?";
        QTest::newRow("reference link") << "See [the spec][1]" << "See the spec";
        QTest::newRow("autolink") << "Open <https://example.com>" << "Open https://example.com";
        QTest::newRow("table") << "| Name | Size |\n|---|:---:|\n| a.txt | 3 |" << "Name Size a.txt 3";
        QTest::newRow("bullets") << "- first\n* second\n+ third" << "first second third";
        QTest::newRow("numbered") << "1. one\n2) two" << "one two";
        QTest::newRow("tasks") << "- [ ] todo\n- [x] done" << "todo done";
        QTest::newRow("quote") << "> quoted **words**\n>> deeper" << "quoted words deeper";
        QTest::newRow("rule") << "above\n\n---\n\nbelow" << "above below";
        QTest::newRow("setext") << "Title\n=====\nbody" << "Title body";
        QTest::newRow("escapes") << "2 \\* 3 is not \\*emphasis\\* \\| or a pipe"
                                 << "2 * 3 is not *emphasis* | or a pipe";
        QTest::newRow("whitespace") << "  lots   of\t\tspace \r\n and lines  " << "lots of space and lines";
        QTest::newRow("CJK") << "# 你好 **世界**" << "你好 世界";
    }

    void stripsMarkdown()
    {
        QFETCH(QString, markdown);
        QFETCH(QString, title);
        QCOMPARE(SessionTitle::stripMarkdown(markdown), title);
    }

    void cutsAfterStripping()
    {
        // 100 characters of words, not of syntax: the stripped text is what gets cut.
        const QString words = QString(QStringLiteral("word ")).repeated(30);
        const QString markdown = QStringLiteral("| ") + QString(QStringLiteral("**word** | ")).repeated(30);
        const QString title = SessionTitle::fromInput(markdown, 100);
        QCOMPARE(title, words.left(100).trimmed());
        QVERIFY(!title.contains(QLatin1Char('|')));
        QVERIFY(!title.contains(QLatin1Char('*')));
    }

    void neverCutsASurrogatePair()
    {
        const QString text = QString(99, QLatin1Char('a')) + QStringLiteral("😀");
        const QString title = SessionTitle::fromInput(text, 100);
        QCOMPARE(title, QString(99, QLatin1Char('a')));
    }

    void blocksUseTheirText()
    {
        const QJsonArray blocks{
            QJsonObject{{"type", "text"}, {"text", "## Summarise"}},
            QJsonObject{{"type", "file"}, {"name", "report.pdf"}, {"path", "/tmp/report.pdf"}},
            QJsonObject{{"type", "text"}, {"text", "this **file**"}},
        };
        QCOMPARE(SessionTitle::fromInput(blocks), QStringLiteral("Summarise this file"));
    }

    void nothingLeftFallsBackToThePreview()
    {
        const QJsonArray attachmentOnly{
            QJsonObject{{"type", "image"}, {"name", "cat.png"}, {"path", "/tmp/cat.png"}, {"media_type", "image/png"}},
        };
        QCOMPARE(SessionTitle::fromInput(attachmentOnly), QStringLiteral("[Image: cat.png]"));
        QCOMPARE(SessionTitle::fromInput(QStringLiteral("---")), QStringLiteral("---"));
        QCOMPARE(SessionTitle::fromInput(QString()), QString());
    }
};

QTEST_GUILESS_MAIN(TestSessionTitle)
#include "tst_session_title.moc"
