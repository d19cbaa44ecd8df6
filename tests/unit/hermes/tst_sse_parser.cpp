#include "RecordedRun.h"
#include "hermes/RunEvent.h"
#include "hermes/SseParser.h"

#include <QFile>
#include <QJsonArray>
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

    // The real agent v0.19.0's streams (tests/data/hermes-agent-0.19.0/), whole and byte by byte.
    void recordedStreams_data()
    {
        QTest::addColumn<QString>("recording");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<int>("comments");
        const QString d = QStringLiteral("message.delta");
        const QString r = QStringLiteral("reasoning.available");
        const QString done = QStringLiteral("run.completed");
        QTest::newRow("hello") << "hello" << QStringList{d, d, r, done} << 1;
        QTest::newRow("history-body") << "history-body" << QStringList{d, d, d, d, r, done} << 1;
        QTest::newRow("tool") << "tool" << QStringList{"tool.started", "tool.completed", d, d, d, r, done}
                              << 1;
        for (const char *name : {"danger-approve-once", "danger-approve-session", "danger-deny"}) {
            QTest::newRow(name) << name << QStringList{"tool.started",
                                                       "approval.request",
                                                       "approval.responded",
                                                       "tool.completed",
                                                       d,
                                                       d,
                                                       d,
                                                       r,
                                                       done}
                                << 1;
        }
        QTest::newRow("danger-timeout-noresponse")
            << "danger-timeout-noresponse"
            << QStringList{"tool.started", "approval.request", "tool.completed", d, d, d, r, done} << 2;
        QStringList ticks(10, d);
        QTest::newRow("slow-stop") << "slow-stop" << (ticks << "run.cancelled") << 1;
        QTest::newRow("fail") << "fail" << QStringList{"run.failed"} << 1;
    }

    void recordedStreams()
    {
        QFETCH(QString, recording);
        QFETCH(QStringList, expected);
        QFETCH(int, comments);
        const caduceus::test::RecordedRun run = caduceus::test::RecordedRun::load(recording);
        QVERIFY(run.isValid());
        const QByteArray body = run.body();
        SseParser parser;
        const QList<SseEvent> events = parser.feed(body);
        QCOMPARE(names(events), expected);
        QCOMPARE(parser.commentCount(), comments);
        QCOMPARE(parser.lastComment(), QByteArray("stream closed"));
        SseParser bytewise;
        QList<SseEvent> again;
        for (char c : body)
            again += bytewise.feed(QByteArrayView(&c, 1));
        QCOMPARE(names(again), expected);

        for (const SseEvent &e : events) {
            const auto event = RunEvent::decode(e.data, e.event);
            QVERIFY(event);
            QCOMPARE(event->runId(), run.runId);
            if (event->name == QLatin1String("approval.request")) {
                // "event" is not the first key: decoded all the same, every field kept.
                QVERIFY(e.data.startsWith("{\"command\": "));
                QCOMPARE(event->json.value("command").toString(),
                         QStringLiteral("rm -rf /srv/scratch/danger-test-dir"));
                QCOMPARE(event->json.value("description").toString(), QStringLiteral("delete in root path"));
                QCOMPARE(event->json.value("choices").toArray().size(), 4);
            } else if (event->name.startsWith(QLatin1String("tool."))) {
                // No call id and no output on the wire: tools are told apart by name and order only.
                QCOMPARE(event->json.value("tool").toString(), QStringLiteral("terminal"));
                QVERIFY(!event->json.contains("tool_call_id") && !event->json.contains("id") &&
                        !event->json.contains("output"));
                if (event->name == QLatin1String("tool.completed"))
                    QCOMPARE(event->json.value("error").toBool(),
                             recording == QLatin1String("danger-deny") || recording.contains("timeout"));
            }
        }
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
