#include "hermes/RunEvent.h"

#include <QJsonArray>
#include <QTest>

using caduceus::hermes::RunEvent;

class TestRunEvent : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void passesUnknownEventsThrough()
    {
        const auto e = RunEvent::decode(R"({"event":"subagent.start","run_id":"run_1","timestamp":1.5,"goal":"x","extra":{"k":1}})");
        QVERIFY(e);
        QCOMPARE(e->name, QStringLiteral("subagent.start"));
        QCOMPARE(e->json.value("extra").toObject().value("k").toInt(), 1);
        QCOMPARE(e->runId(), QStringLiteral("run_1"));
        QCOMPARE(e->timestamp(), 1.5);
        QVERIFY(!e->isTerminal());
    }

    void nameFromSseEventLine()
    {
        const auto e = RunEvent::decode(R"({"delta":"hi"})", "message.delta");
        QCOMPARE(e->name, QStringLiteral("message.delta"));
        QCOMPARE(e->json.value("event").toString(), QStringLiteral("message.delta"));
        QCOMPARE(e->deltaText(), QStringLiteral("hi"));
    }

    void keepsTheFrameTextOnlyWhenItIsThePayload()
    {
        const QByteArray named = R"({"event":"message.delta","run_id":"r","delta":"hi"})";
        QCOMPARE(RunEvent::decode(named)->raw, named);
        // "event" added from the SSE line, or normalised approvals: the text is not the payload.
        QVERIFY(RunEvent::decode(R"({"delta":"hi"})", "message.delta")->raw.isEmpty());
        QVERIFY(RunEvent::decode(R"({"event":"approval.requested","command":"rm"})")->raw.isEmpty());
        QVERIFY(RunEvent::make(QStringLiteral("run.failed"), {}).raw.isEmpty());
    }

    void reasoningAcceptsDeltaOrText()
    {
        QCOMPARE(RunEvent::decode(R"({"event":"reasoning.delta","text":"a"})")->deltaText(), QStringLiteral("a"));
        QCOMPARE(RunEvent::decode(R"({"event":"reasoning.delta","delta":"b"})")->deltaText(), QStringLiteral("b"));
    }

    void rejectsNonObjects()
    {
        QString error;
        QVERIFY(!RunEvent::decode("[1,2]", {}, &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!RunEvent::decode("{\"event\":", {}, &error));
        QVERIFY(error.contains("JSON"));
    }

    void normalisesEveryApprovalGeneration_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::newRow("approval.request") << QByteArray(R"({"event":"approval.request","run_id":"r","timestamp":2,"command":"rm -rf x","description":"recursive delete","pattern_key":"rd","pattern_keys":["rd"],"choices":["once","session","always","deny"],"approval_id":"ap1"})");
        QTest::newRow("approval.requested") << QByteArray(R"({"event":"approval.requested","run_id":"r","command":"rm -rf x","description":"recursive delete","pattern_key":"rd"})");
        QTest::newRow("approval_required") << QByteArray(R"({"event":"approval_required","run_id":"r","data":{"command":"rm -rf x","description":"recursive delete","pattern_key":"rd"}})");
        QTest::newRow("status payload") << QByteArray(R"({"event":"run.status","run_id":"r","status":"approval_required","output":{"command":"rm -rf x","description":"recursive delete","pattern_key":"rd"}})");
    }

    void normalisesEveryApprovalGeneration()
    {
        QFETCH(QByteArray, raw);
        const auto e = RunEvent::decode(raw);
        QVERIFY(e);
        QCOMPARE(e->name, QStringLiteral("approval.request"));
        QCOMPARE(e->json.value("event").toString(), QStringLiteral("approval.request"));
        QCOMPARE(e->json.value("run_id").toString(), QStringLiteral("r"));
        QCOMPARE(e->json.value("command").toString(), QStringLiteral("rm -rf x"));
        QCOMPARE(e->json.value("description").toString(), QStringLiteral("recursive delete"));
        QCOMPARE(e->json.value("pattern_key").toString(), QStringLiteral("rd"));
        QCOMPARE(e->json.value("pattern_keys").toArray(), QJsonArray{"rd"});
        QCOMPARE(e->json.value("choices").toArray(), (QJsonArray{"once", "session", "always", "deny"}));
        QVERIFY(e->json.value("timestamp").toDouble() > 0);
        QVERIFY(!e->json.value("message").toString().isEmpty());
    }

    void approvalIdKeptAndAlwaysRemovedWhenNotPermanent()
    {
        const auto e = RunEvent::decode(R"({"event":"approval.request","run_id":"r","command":"c","approval_id":"ap9","allow_permanent":false,"choices":["once","always","deny","bogus"]})");
        QCOMPARE(e->json.value("approval_id").toString(), QStringLiteral("ap9"));
        QCOMPARE(e->json.value("choices").toArray(), (QJsonArray{"once", "deny"}));
    }

    void terminalNames()
    {
        for (const char *n : {"run.completed", "run.failed", "run.cancelled"})
            QVERIFY(RunEvent::isTerminalName(QString::fromLatin1(n)));
        QVERIFY(!RunEvent::isTerminalName(QStringLiteral("run.steered")));
    }
};

QTEST_GUILESS_MAIN(TestRunEvent)
#include "tst_run_event.moc"
