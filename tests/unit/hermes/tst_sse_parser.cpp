#include "hermes/RunEvent.h"
#include "hermes/SseParser.h"

#include <QFile>
#include <QJsonDocument>
#include <QTest>

using caduceus::hermes::RunEvent;
using caduceus::hermes::SseEvent;
using caduceus::hermes::SseParser;

class TestSseParser : public QObject
{
    Q_OBJECT

    static QByteArray fixture()
    {
        QFile f(QStringLiteral(CADUCEUS_FIXTURES_DIR "/agent-run-events.sse"));
        if (!f.open(QIODevice::ReadOnly))
            qFatal("missing fixture %s", qPrintable(f.fileName()));
        return f.readAll();
    }

    static QStringList names(const QList<SseEvent> &events)
    {
        QStringList out;
        for (const SseEvent &e : events) {
            const auto decoded = RunEvent::decode(e.data, e.event);
            out << (decoded ? decoded->name : QStringLiteral("<bad>"));
        }
        return out;
    }

    const QStringList expected{
        "message.delta", "message.delta", "reasoning.available", "tool.started", "tool.completed",
        "approval.request", "approval.responded", "tool.started", "tool.completed", "message.delta",
        "message.delta", "run.completed"};

private Q_SLOTS:
    void fixtureWhole()
    {
        SseParser parser;
        const auto events = parser.feed(fixture());
        QCOMPARE(names(events), expected);
        QCOMPARE(parser.commentCount(), 2); // ": keepalive" and ": stream closed"
        QCOMPARE(parser.lastComment(), QByteArray("stream closed"));
        const auto last = RunEvent::decode(events.last().data);
        QVERIFY(last->isTerminal());
        QCOMPARE(last->json.value("output").toString(),
                 QString::fromUtf8("Done: the build folder is gone, and the tree is clean. 清理完成。"));
        QCOMPARE(last->json.value("usage").toObject().value("total_tokens").toInt(), 5535);
    }

    void fixtureByteByByte()
    {
        const QByteArray data = fixture();
        SseParser parser;
        QList<SseEvent> events;
        for (char c : data)
            events += parser.feed(QByteArrayView(&c, 1));
        QCOMPARE(names(events), expected);
    }

    void fixtureSplitAtEveryOffset()
    {
        const QByteArray data = fixture();
        SseParser whole;
        const auto reference = whole.feed(data);
        for (qsizetype cut = 1; cut < data.size(); ++cut) {
            SseParser parser;
            auto events = parser.feed(QByteArrayView(data).first(cut));
            events += parser.feed(QByteArrayView(data).sliced(cut));
            QCOMPARE(events.size(), reference.size());
            for (qsizetype i = 0; i < events.size(); ++i)
                QCOMPARE(events[i].data, reference[i].data);
        }
    }

    void crlfAndCrLineEnds()
    {
        QByteArray data = fixture();
        QByteArray crlf = data;
        crlf.replace("\n", "\r\n");
        QByteArray cr = data;
        cr.replace("\n", "\r");
        SseParser a, b;
        QCOMPARE(names(a.feed(crlf)), expected);
        QCOMPARE(names(b.feed(cr)), expected);
        // CRLF split between CR and LF must not produce an empty line (an early dispatch).
        SseParser c;
        auto events = c.feed("data: {\"event\":\"x\",\"a\":1}\r");
        events += c.feed("\ndata: {\"b\":2}\r\n\r\n");
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].data, QByteArray("{\"event\":\"x\",\"a\":1}\n{\"b\":2}"));
    }

    void eventFieldAndMultilineData()
    {
        SseParser parser;
        const auto events = parser.feed("event: tool.started\ndata: {\"tool\":\n data:\"x\"}\nid: 7\nretry: 10\n\n"
                                        "data:no-space\n\n");
        QCOMPARE(events.size(), 2);
        QCOMPARE(events[0].event, QByteArray("tool.started"));
        QCOMPARE(events[0].id, QByteArray("7"));
        const auto decoded = RunEvent::decode(events[0].data, events[0].event);
        // " data:" with a leading space is not a data field; the first line alone is not valid JSON
        QVERIFY(!decoded);
        QCOMPARE(events[1].data, QByteArray("no-space"));

        SseParser second;
        const auto ok = second.feed("event: tool.started\ndata: {\"tool\":\ndata: \"x\"}\n\n");
        const auto decodedOk = RunEvent::decode(ok[0].data, ok[0].event);
        QVERIFY(decodedOk);
        QCOMPARE(decodedOk->name, QStringLiteral("tool.started"));
        QCOMPARE(decodedOk->json.value("tool").toString(), QStringLiteral("x"));
    }

    void commentsAndEmptyEventsDispatchNothing()
    {
        SseParser parser;
        QVERIFY(parser.feed(": keepalive\n\n\n\nevent: ping\n\n").isEmpty());
        QCOMPARE(parser.commentCount(), 1);
    }

    void finishFlushesUnterminatedEvent()
    {
        SseParser parser;
        QVERIFY(parser.feed("data: {\"event\":\"run.completed\"}").isEmpty());
        const auto events = parser.finish();
        QCOMPARE(events.size(), 1);
        QCOMPARE(RunEvent::decode(events[0].data)->name, QStringLiteral("run.completed"));
    }

    void hugeLineIsDroppedAndParserRecovers()
    {
        SseParser parser(SseParser::Limits{1024, 4096});
        QByteArray big = "data: " + QByteArray(5000, 'x') + "\n\n";
        auto events = parser.feed(big);
        QVERIFY(events.isEmpty());
        QCOMPARE(parser.droppedCount(), 1);
        events = parser.feed("data: {\"event\":\"message.delta\",\"delta\":\"ok\"}\n\n");
        QCOMPARE(events.size(), 1);
        // an event made of many small lines over the event limit is dropped too
        SseParser second(SseParser::Limits{1024, 4096});
        QByteArray many;
        for (int i = 0; i < 100; ++i)
            many += "data: " + QByteArray(100, 'y') + "\n";
        many += "\n";
        QVERIFY(second.feed(many).isEmpty());
        QCOMPARE(second.droppedCount(), 1);
        QCOMPARE(second.feed("data: 1\n\n").size(), 1);
    }

    void largeDeltaWithinLimits()
    {
        SseParser parser;
        const QString text(200000, QLatin1Char('z'));
        const QByteArray frame = "data: " +
                                 QJsonDocument(QJsonObject{{"event", "message.delta"}, {"delta", text}}).toJson(QJsonDocument::Compact) +
                                 "\n\n";
        const auto events = parser.feed(frame);
        QCOMPARE(events.size(), 1);
        QCOMPARE(RunEvent::decode(events[0].data)->deltaText().size(), text.size());
    }
};

QTEST_GUILESS_MAIN(TestSseParser)
#include "tst_sse_parser.moc"
