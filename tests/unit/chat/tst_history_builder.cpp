#include "chat/HistoryBuilder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using caduceus::chat::HistoryBuilder;
using caduceus::chat::HistoryOptions;
using caduceus::store::MessageRecord;

namespace {

MessageRecord row(const QString &role, const QString &content)
{
    MessageRecord m;
    m.sessionId = QStringLiteral("s1");
    m.role = role;
    m.content = content;
    return m;
}

MessageRecord toolRow(const QString &name, const QString &callId, const QString &content)
{
    MessageRecord m = row(QStringLiteral("tool"), content);
    m.toolName = name;
    m.toolCallId = callId;
    return m;
}

QJsonObject call(const QString &id, const QString &name)
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("type"), QStringLiteral("function")},
            {QStringLiteral("function"), QJsonObject{{QStringLiteral("name"), name},
                                                     {QStringLiteral("arguments"), QStringLiteral("{}")}}}};
}

QJsonObject item(const QString &role, const QString &content)
{
    return {{QStringLiteral("role"), role}, {QStringLiteral("content"), content}};
}

} // namespace

class TestHistoryBuilder : public QObject
{
    Q_OBJECT

private slots:
    void plainRolesKeepRoleAndContentOnly()
    {
        MessageRecord assistant = row(QStringLiteral("assistant"), QStringLiteral("Here you go."));
        assistant.reasoning = QStringLiteral("secret chain of thought");
        assistant.toolCalls = QJsonArray{call(QStringLiteral("c1"), QStringLiteral("terminal"))};
        const QJsonArray history =
            HistoryBuilder::build({row(QStringLiteral("system"), QStringLiteral("Be terse.")),
                                   row(QStringLiteral("user"), QStringLiteral("Hi")), assistant});
        QCOMPARE(history, (QJsonArray{item(QStringLiteral("system"), QStringLiteral("Be terse.")),
                                      item(QStringLiteral("user"), QStringLiteral("Hi")),
                                      item(QStringLiteral("assistant"), QStringLiteral("Here you go."))}));
        const QString wire = QString::fromUtf8(QJsonDocument(history).toJson());
        QVERIFY(!wire.contains(QLatin1String("secret chain of thought")));
    }

    void toolResultBecomesUserMessage()
    {
        const QJsonObject converted = HistoryBuilder::toHistoryItem(toolRow(
            QStringLiteral("terminal"), QStringLiteral("call_1"), QStringLiteral("total 0\nfile.txt")));
        QCOMPARE(converted,
                 item(QStringLiteral("user"), QStringLiteral("[Tool result: terminal] total 0\nfile.txt")));
    }

    void toolResultWithoutIdIsDropped()
    {
        QVERIFY(HistoryBuilder::toHistoryItem(
                    toolRow(QStringLiteral("terminal"), QString(), QStringLiteral("out")))
                    .isEmpty());
        // Nothing in the transcript can supply the id either.
        const QJsonArray history =
            HistoryBuilder::build({row(QStringLiteral("user"), QStringLiteral("run it")),
                                   row(QStringLiteral("assistant"), QStringLiteral("ok")),
                                   toolRow(QStringLiteral("terminal"), QString(), QStringLiteral("out"))});
        QCOMPARE(history.size(), 2);
    }

    void toolIdRecoveredFromPrecedingAssistantCall()
    {
        MessageRecord assistant = row(QStringLiteral("assistant"), QStringLiteral("Checking both."));
        assistant.toolCalls = QJsonArray{call(QStringLiteral("c1"), QStringLiteral("read")),
                                         call(QStringLiteral("c2"), QStringLiteral("read")),
                                         call(QString(), QStringLiteral("search"))};
        const QJsonArray history = HistoryBuilder::build(
            {row(QStringLiteral("user"), QStringLiteral("read a and b")), assistant,
             toolRow(QStringLiteral("read"), QString(), QStringLiteral("A")),
             toolRow(QStringLiteral("read"), QString(), QStringLiteral("B")),
             toolRow(QStringLiteral("read"), QString(), QStringLiteral("C: no third call")),
             toolRow(QStringLiteral("search"), QString(), QStringLiteral("call has an empty id"))});
        QCOMPARE(history,
                 (QJsonArray{item(QStringLiteral("user"), QStringLiteral("read a and b")),
                             item(QStringLiteral("assistant"), QStringLiteral("Checking both.")),
                             item(QStringLiteral("user"), QStringLiteral("[Tool result: read] A")),
                             item(QStringLiteral("user"), QStringLiteral("[Tool result: read] B"))}));
    }

    void toolIdNotTakenFromBeforeAUserTurn()
    {
        MessageRecord assistant = row(QStringLiteral("assistant"), QStringLiteral("reading"));
        assistant.toolCalls = QJsonArray{call(QStringLiteral("c1"), QStringLiteral("read"))};
        const QJsonArray history =
            HistoryBuilder::build({assistant, row(QStringLiteral("user"), QStringLiteral("next")),
                                   toolRow(QStringLiteral("read"), QString(), QStringLiteral("orphan"))});
        QCOMPARE(history.size(), 2);
    }

    void longToolOutputIsCutHeadAndTail()
    {
        const QString head(4000, QLatin1Char('H'));
        const QString middle(10000, QLatin1Char('M'));
        const QString tail(1500, QLatin1Char('T'));
        const QJsonObject converted = HistoryBuilder::toHistoryItem(
            toolRow(QStringLiteral("terminal"), QStringLiteral("c9"), head + middle + tail));
        const QString content = converted.value(QLatin1String("content")).toString();
        QVERIFY(content.startsWith(QStringLiteral("[Tool result: terminal] ") + head + QLatin1Char('\n')));
        QVERIFY(content.endsWith(QLatin1Char('\n') + tail));
        QVERIFY(content.contains(QLatin1String("[10000 characters omitted]")));
        QVERIFY(!content.contains(QLatin1Char('M')));
    }

    void toolOutputCutIsConfigurable()
    {
        HistoryOptions options;
        options.toolHeadChars = 3;
        options.toolTailChars = 2;
        const QJsonObject converted = HistoryBuilder::toHistoryItem(
            toolRow(QStringLiteral("t"), QStringLiteral("c"), QStringLiteral("abcdefghij")), options);
        QCOMPARE(converted.value(QLatin1String("content")).toString(),
                 QStringLiteral("[Tool result: t] abc\n… [5 characters omitted] …\nij"));
    }

    void cutMiddle()
    {
        QCOMPARE(HistoryBuilder::cutMiddle(QStringLiteral("short"), 4, 4), QStringLiteral("short"));
        QCOMPARE(HistoryBuilder::cutMiddle(QStringLiteral("12345678"), 4, 4), QStringLiteral("12345678"));
        QCOMPARE(HistoryBuilder::cutMiddle(QStringLiteral("123456789"), 4, 4),
                 QStringLiteral("1234\n… [1 characters omitted] …\n6789"));
        const QString emoji = QString::fromUcs4(U"\U0001F600");
        const QString cut =
            HistoryBuilder::cutMiddle(QStringLiteral("a") + emoji + QStringLiteral("xxxxxx") + emoji, 2, 1);
        QCOMPARE(cut, QStringLiteral("a\n… [10 characters omitted] …\n")); // neither pair is split
        for (const QChar c : cut)
            QVERIFY(!c.isSurrogate());
    }

    void blockArrayUserInputIsFlattened()
    {
        const QString stored = QStringLiteral(
            R"([{"type":"text","text":"What does this show?"},{"type":"image","name":"a.png","path":"/tmp/a.png","media_type":"image/png"},{"type":"file","name":"log.txt","path":"/tmp/log.txt"}])");
        const QJsonObject converted = HistoryBuilder::toHistoryItem(row(QStringLiteral("user"), stored));
        QCOMPARE(converted,
                 item(QStringLiteral("user"),
                      QStringLiteral("What does this show?\n[Image: /tmp/a.png]\n[File: /tmp/log.txt]")));
    }

    void userTextThatLooksLikeJsonIsKept()
    {
        const QJsonObject converted =
            HistoryBuilder::toHistoryItem(row(QStringLiteral("user"), QStringLiteral("[1, 2, 3]")));
        QCOMPARE(converted, item(QStringLiteral("user"), QStringLiteral("[1, 2, 3]")));
    }

    void stringifiedAssistantArrayReducedToText()
    {
        const QJsonObject converted = HistoryBuilder::toHistoryItem(
            row(QStringLiteral("assistant"),
                QStringLiteral(
                    "[{'type': 'thinking', 'thinking': 'hmm'}, {'type': 'text', 'text': \"It's 42.\"}]")));
        QCOMPARE(converted, item(QStringLiteral("assistant"), QStringLiteral("It's 42.")));
    }

    void assistantArrayWithOnlyToolUseIsDropped()
    {
        QVERIFY(HistoryBuilder::toHistoryItem(
                    row(QStringLiteral("assistant"),
                        QStringLiteral(R"([{"type":"tool_use","id":"x","name":"ls","input":{}}])")))
                    .isEmpty());
    }

    void assistantJsonAnswerIsKeptVerbatim()
    {
        const QString answer = QStringLiteral(R"([{"name":"apple","price":3}])");
        QCOMPARE(HistoryBuilder::toHistoryItem(row(QStringLiteral("assistant"), answer)),
                 item(QStringLiteral("assistant"), answer));
    }

    void caduceusOwnRowsAreDropped()
    {
        MessageRecord notice = row(QStringLiteral("notice"), QStringLiteral("Stopped"));
        MessageRecord systemNotice = row(QStringLiteral("system"), QStringLiteral("approval: allowed once"));
        systemNotice.extra.insert(QLatin1String(HistoryBuilder::NoticeExtraKey), true);
        MessageRecord error = row(QStringLiteral("error"), QStringLiteral("The agent is unreachable."));
        error.status = QString::fromLatin1(caduceus::store::MessageStatus::Error);
        for (const MessageRecord &m : {notice, systemNotice, error})
            QVERIFY2(HistoryBuilder::toHistoryItem(m).isEmpty(), qPrintable(m.content));
    }

    void emptyAndStreamingRowsAreDropped()
    {
        MessageRecord placeholder = row(QStringLiteral("assistant"), QString());
        placeholder.status = QString::fromLatin1(caduceus::store::MessageStatus::Streaming);
        MessageRecord partial = row(QStringLiteral("assistant"), QStringLiteral("half an ans"));
        partial.status = QString::fromLatin1(caduceus::store::MessageStatus::Streaming);
        MessageRecord interrupted = row(QStringLiteral("assistant"), QStringLiteral("cut short"));
        interrupted.status = QString::fromLatin1(caduceus::store::MessageStatus::Interrupted);

        const QJsonArray history = HistoryBuilder::build(
            {row(QStringLiteral("user"), QStringLiteral("  \n")), row(QStringLiteral("assistant"), QString()),
             toolRow(QStringLiteral("t"), QStringLiteral("c"), QString()), placeholder, partial,
             interrupted});
        // A stopped or interrupted answer is what the user saw, so the agent sees it too.
        QCOMPARE(history, QJsonArray{item(QStringLiteral("assistant"), QStringLiteral("cut short"))});
    }

    void missingToolNameStillReadable()
    {
        const QJsonObject converted =
            HistoryBuilder::toHistoryItem(toolRow(QString(), QStringLiteral("c1"), QStringLiteral("42")));
        QCOMPARE(converted.value(QLatin1String("content")).toString(),
                 QStringLiteral("[Tool result: tool] 42"));
    }

    void orderIsPreserved()
    {
        QList<MessageRecord> transcript;
        for (int i = 0; i < 50; ++i)
            transcript << row(i % 2 ? QStringLiteral("assistant") : QStringLiteral("user"),
                              QString::number(i));
        const QJsonArray history = HistoryBuilder::build(transcript);
        QCOMPARE(history.size(), 50);
        for (int i = 0; i < 50; ++i)
            QCOMPARE(history.at(i).toObject().value(QLatin1String("content")).toString(), QString::number(i));
    }
};

QTEST_GUILESS_MAIN(TestHistoryBuilder)
#include "tst_history_builder.moc"
