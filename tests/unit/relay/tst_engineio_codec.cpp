#include "relay/EnginePacket.h"
#include "relay/EnginePayload.h"

#include <QTest>

using namespace caduceus::relay;

class TestEngineIoCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void encodesEveryTextPacketType_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<QByteArray>("wire");
        QTest::newRow("open") << 0 << QByteArray(R"({"sid":"x"})") << QByteArray(R"(0{"sid":"x"})");
        QTest::newRow("close") << 1 << QByteArray() << QByteArray("1");
        QTest::newRow("ping") << 2 << QByteArray() << QByteArray("2");
        QTest::newRow("probe") << 2 << QByteArray("probe") << QByteArray("2probe");
        QTest::newRow("pong") << 3 << QByteArray("probe") << QByteArray("3probe");
        QTest::newRow("message") << 4 << QByteArray("hello") << QByteArray("4hello");
        QTest::newRow("upgrade") << 5 << QByteArray() << QByteArray("5");
        QTest::newRow("noop") << 6 << QByteArray() << QByteArray("6");
        QTest::newRow("utf8") << 4 << QByteArray("€€€ 😀") << QByteArray("4€€€ 😀");
    }
    void encodesEveryTextPacketType()
    {
        QFETCH(int, type);
        QFETCH(QByteArray, data);
        QFETCH(QByteArray, wire);
        const EnginePacket packet = EnginePacket::control(static_cast<EnginePacketType>(type), data);
        QCOMPARE(packet.encodeText(), wire);
        const auto decoded = EnginePacket::decodeText(wire);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error()));
        QCOMPARE(decoded.value(), packet);
    }

    void binaryMessagesTravelAsBase64InText()
    {
        const EnginePacket packet = EnginePacket::binaryMessage(QByteArray("\x01\x02\x03\x04", 4));
        QCOMPARE(packet.encodeText(), QByteArray("bAQIDBA=="));
        const auto decoded = EnginePacket::decodeText("bAQIDBA==");
        QVERIFY(decoded.ok());
        QVERIFY(decoded.value().binary);
        QCOMPARE(decoded.value().type, EnginePacketType::Message);
        QCOMPARE(decoded.value().data, QByteArray("\x01\x02\x03\x04", 4));
    }

    void binaryFrameIsAlwaysABinaryMessage()
    {
        const QByteArray bytes("\x04\x00\xff", 3);
        const EnginePacket packet = EnginePacket::fromBinaryFrame(bytes);
        QVERIFY(packet.binary);
        QCOMPARE(packet.type, EnginePacketType::Message);
        QCOMPARE(packet.data, bytes);
        QCOMPARE(EnginePacket::fromBinaryFrame({}).data, QByteArray());
    }

    void rejectsMalformedPackets_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("letter type") << QByteArray("abc");
        QTest::newRow("type 7") << QByteArray("7");
        QTest::newRow("type 9") << QByteArray("9hello");
        QTest::newRow("negative") << QByteArray("-1");
        QTest::newRow("space") << QByteArray(" 4hello");
        QTest::newRow("bad base64") << QByteArray("b!!!!");
        QTest::newRow("invalid utf8") << QByteArray("4\xc3\x28", 3);
        QTest::newRow("nul type") << QByteArray("\0"
                                                "4",
                                                2);
    }
    void rejectsMalformedPackets()
    {
        QFETCH(QByteArray, wire);
        const auto decoded = EnginePacket::decodeText(wire);
        QVERIFY(!decoded.ok());
        QVERIFY(!decoded.error().isEmpty());
    }

    void batchesPacketsWithRecordSeparator()
    {
        const QList<EnginePacket> packets = {
            EnginePacket::textMessage("hello"),
            EnginePacket::binaryMessage(QByteArray("\x01\x02\x03", 3)),
            EnginePacket::control(EnginePacketType::Ping),
            EnginePacket::textMessage("€€€"),
        };
        const QByteArray body = EnginePayload::encode(packets);
        QCOMPARE(body, QByteArray("4hello\x1e"
                                  "bAQID\x1e"
                                  "2\x1e"
                                  "4€€€"));
        const auto decoded = EnginePayload::decode(body);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error()));
        QCOMPARE(decoded.value(), packets);
    }

    void singlePacketPayloadHasNoSeparator()
    {
        QCOMPARE(EnginePayload::encode({EnginePacket::control(EnginePacketType::Noop)}), QByteArray("6"));
        QCOMPARE(EnginePayload::encode({}), QByteArray());
        const auto decoded = EnginePayload::decode("4test1\x1e"
                                                   "4test2\x1e"
                                                   "4test3");
        QVERIFY(decoded.ok());
        QCOMPARE(decoded.value().size(), 3);
        QCOMPARE(decoded.value().at(2).data, QByteArray("test3"));
    }

    void rejectsMalformedPayloads_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("empty body") << QByteArray();
        QTest::newRow("only separator") << QByteArray("\x1e");
        QTest::newRow("trailing separator") << QByteArray("4a\x1e");
        QTest::newRow("leading separator") << QByteArray("\x1e"
                                                         "4a");
        QTest::newRow("double separator") << QByteArray("4a\x1e\x1e"
                                                        "4b");
        QTest::newRow("bad item") << QByteArray("4a\x1e"
                                                "abc");
        QTest::newRow("v3 length prefix") << QByteArray("7:4hello");
        QTest::newRow("bad base64 item") << QByteArray("4a\x1e"
                                                       "b%%%");
    }
    void rejectsMalformedPayloads()
    {
        QFETCH(QByteArray, body);
        const auto decoded = EnginePayload::decode(body);
        QVERIFY(!decoded.ok());
        QVERIFY(!decoded.error().isEmpty());
    }

    void boundsPacketCount()
    {
        QByteArray body("4a");
        for (int i = 0; i < 20; ++i)
            body += "\x1e"
                    "4a";
        QVERIFY(!EnginePayload::decode(body, 10).ok());
        QVERIFY(EnginePayload::decode(body, 21).ok());
        QVERIFY(!EnginePayload::decode(body, 20).ok());
    }

    void largePayloadRoundTrips()
    {
        QList<EnginePacket> packets;
        for (int i = 0; i < 1000; ++i)
            packets.append(i % 2 ? EnginePacket::textMessage(QByteArray(1000, 'x'))
                                 : EnginePacket::binaryMessage(QByteArray(777, char(i))));
        const auto decoded = EnginePayload::decode(EnginePayload::encode(packets));
        QVERIFY(decoded.ok());
        QCOMPARE(decoded.value(), packets);
    }

    void survivesArbitraryBytes()
    {
        // Every input decodes to a value or an error: nothing crashes and nothing hangs.
        quint32 state = 12345;
        for (int round = 0; round < 5000; ++round) {
            QByteArray noise;
            const int length = int(state % 40);
            for (int i = 0; i < length; ++i) {
                state = state * 1103515245 + 12345;
                static const char alphabet[] = "0123456b\x1e"
                                               "=/+Aa\xff\x80{}";
                noise.append(alphabet[(state >> 16) % (sizeof(alphabet) - 1)]);
            }
            const auto payload = EnginePayload::decode(noise);
            if (payload.ok())
                QCOMPARE(EnginePayload::decode(EnginePayload::encode(payload.value())).value(),
                         payload.value());
        }
    }
};

QTEST_GUILESS_MAIN(TestEngineIoCodec)
#include "tst_engineio_codec.moc"
