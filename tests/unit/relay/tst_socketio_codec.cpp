#include "relay/SocketPacket.h"
#include "relay/SocketPayload.h"

#include <QJsonDocument>
#include <QTest>

using namespace caduceus::relay;

namespace {
QJsonArray array(const char *json)
{
    return QJsonDocument::fromJson(json).array();
}
QJsonObject object(const char *json)
{
    return QJsonDocument::fromJson(json).object();
}
} // namespace

class TestSocketIoCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void encodesThePacketsOfTheProtocol_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("nsp");
        QTest::addColumn<qint64>("id"); // -1: none
        QTest::addColumn<int>("attachments");

        QTest::newRow("connect main") << QByteArray("0") << 0 << "/" << qint64(-1) << 0;
        QTest::newRow("connect main with auth")
            << QByteArray(R"(0{"token":"123"})") << 0 << "/" << qint64(-1) << 0;
        QTest::newRow("connect custom") << QByteArray("0/custom,") << 0 << "/custom" << qint64(-1) << 0;
        QTest::newRow("connect answer")
            << QByteArray(R"(0/chat-run,{"sid":"abc"})") << 0 << "/chat-run" << qint64(-1) << 0;
        QTest::newRow("disconnect main") << QByteArray("1") << 1 << "/" << qint64(-1) << 0;
        QTest::newRow("disconnect custom") << QByteArray("1/custom,") << 1 << "/custom" << qint64(-1) << 0;
        QTest::newRow("event") << QByteArray(R"(2["message",1,"2",{"3":[true]}])") << 2 << "/" << qint64(-1)
                               << 0;
        QTest::newRow("event with ack")
            << QByteArray(R"(2456["message-with-ack",1])") << 2 << "/" << qint64(456) << 0;
        QTest::newRow("event in namespace with ack")
            << QByteArray(R"(2/chat-run,7["run",{"session_id":"s"}])") << 2 << "/chat-run" << qint64(7) << 0;
        QTest::newRow("ack") << QByteArray(R"(3456[1,"2",{"3":[false]}])") << 3 << "/" << qint64(456) << 0;
        QTest::newRow("empty ack") << QByteArray("31[]") << 3 << "/" << qint64(1) << 0;
        QTest::newRow("connect error")
            << QByteArray(R"(4/random,{"message":"Invalid namespace"})") << 4 << "/random" << qint64(-1) << 0;
        QTest::newRow("binary event")
            << QByteArray(R"(52-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])")
            << 5 << "/" << qint64(-1) << 2;
        QTest::newRow("binary ack")
            << QByteArray(R"(62-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])") << 6
            << "/" << qint64(789) << 2;
        QTest::newRow("binary event in namespace")
            << QByteArray(R"(51-/custom,12["up",{"_placeholder":true,"num":0}])") << 5 << "/custom"
            << qint64(12) << 1;
    }
    void encodesThePacketsOfTheProtocol()
    {
        QFETCH(QByteArray, wire);
        QFETCH(int, type);
        QFETCH(QString, nsp);
        QFETCH(qint64, id);
        QFETCH(int, attachments);

        const auto decoded = SocketPacket::decode(wire);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error()));
        const SocketPacket &packet = decoded.value();
        QCOMPARE(int(packet.type), type);
        QCOMPARE(packet.nsp, nsp);
        QCOMPARE(packet.id.value_or(-1), id);
        QCOMPARE(packet.attachments, attachments);
        QCOMPARE(packet.encode(), wire);
    }

    void encodesAnEventWithJsonTextLikeAJsonArgument()
    {
        const QByteArray payload =
            "{\"event\":\"message.delta\",\"delta\":\"h\\u00e9 \\\"x\\\"\",\"session_id\":\"s1\"}";
        const QJsonObject expected = QJsonDocument::fromJson(payload).object();
        const QByteArray text = SocketPacket::encodeEvent("/chat-run", "message.delta", payload);
        QCOMPARE(text, "2/chat-run,[\"message.delta\"," + payload + "]");
        const auto decoded = SocketPacket::decode(text);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error()));
        QCOMPARE(decoded.value().eventName(), QStringLiteral("message.delta"));
        QCOMPARE(decoded.value().arguments(), QJsonArray{expected});
        QCOMPARE(SocketPacket::encodeEvent("/", "a\"b", "{}"), QByteArray("2[\"a\\\"b\",{}]"));
    }

    void namespaceWithoutCommaIsAccepted()
    {
        const auto decoded = SocketPacket::decode("0/random");
        QVERIFY(decoded.ok());
        QCOMPARE(decoded.value().nsp, QStringLiteral("/random"));
        QVERIFY(decoded.value().data.isUndefined());
        QCOMPARE(decoded.value().encode(), QByteArray("0/random,"));
    }

    void factoriesProduceTheWireFormat()
    {
        QCOMPARE(SocketPacket::connect("/", QJsonObject{{"sid", "A"}}).encode(),
                 QByteArray(R"(0{"sid":"A"})"));
        QCOMPARE(SocketPacket::connect("/custom", QJsonObject{{"sid", "A"}}).encode(),
                 QByteArray(R"(0/custom,{"sid":"A"})"));
        QCOMPARE(SocketPacket::connectError("/random", "Invalid namespace").encode(),
                 QByteArray(R"(4/random,{"message":"Invalid namespace"})"));
        QCOMPARE(SocketPacket::disconnect("/chat-run").encode(), QByteArray("1/chat-run,"));
        QCOMPARE(SocketPacket::event("/", array(R"(["auth",{}])")).encode(), QByteArray(R"(2["auth",{}])"));
        QCOMPARE(SocketPacket::event("/", array(R"(["emit-with-ack",1])"), 1).encode(),
                 QByteArray(R"(21["emit-with-ack",1])"));
        QCOMPARE(SocketPacket::ack("/", 456, array(R"([1,"2"])")).encode(), QByteArray(R"(3456[1,"2"])"));
        const SocketPayload binary = SocketPayload(array(R"(["file"])")).appendBinary("abc");
        QCOMPARE(SocketPacket::event("/x", binary.values, std::nullopt, int(binary.binaries.size())).encode(),
                 QByteArray(R"(51-/x,["file",{"_placeholder":true,"num":0}])"));
        QCOMPARE(SocketPacket::ack("/", 9, array("[]"), 3).encode(), QByteArray("63-9[]"));
    }

    void eventAccessors()
    {
        const auto decoded = SocketPacket::decode(R"(2["message",1,"2"])");
        QVERIFY(decoded.ok());
        QCOMPARE(decoded.value().eventName(), QStringLiteral("message"));
        QCOMPARE(decoded.value().arguments(), array(R"([1,"2"])"));
        const auto ack = SocketPacket::decode(R"(33[1,"2"])");
        QCOMPARE(ack.value().arguments(), array(R"([1,"2"])"));
        QCOMPARE(ack.value().eventName(), QString());
    }

    void connectErrorMayBeAString()
    {
        const auto decoded = SocketPacket::decode(R"(4"not allowed")");
        QVERIFY2(decoded.ok(), qPrintable(decoded.error()));
        QCOMPARE(decoded.value().data.toString(), QStringLiteral("not allowed"));
        QCOMPARE(decoded.value().encode(), QByteArray(R"(4"not allowed")"));
    }

    void unicodeSurvives()
    {
        const auto decoded = SocketPacket::decode(QByteArray(R"(2/ünï,["msg","€😀"])"));
        QVERIFY(decoded.ok());
        QCOMPARE(decoded.value().nsp, QStringLiteral("/ünï"));
        QCOMPARE(decoded.value().arguments().first().toString(), QStringLiteral("€😀"));
        QCOMPARE(decoded.value().encode(), QByteArray(R"(2/ünï,["msg","€😀"])"));
    }

    void rejectsMalformedPackets_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty") << QByteArray() << "empty";
        QTest::newRow("letter type") << QByteArray("abc") << "unknown packet type";
        QTest::newRow("type 7") << QByteArray("7[]") << "unknown packet type";
        QTest::newRow("event object payload") << QByteArray("2{}") << "non-empty array";
        QTest::newRow("event empty array") << QByteArray("2[]") << "non-empty array";
        QTest::newRow("event without payload") << QByteArray("2") << "non-empty array";
        QTest::newRow("event number name") << QByteArray("2[1]") << "must be a string";
        QTest::newRow("event null name") << QByteArray("2[null]") << "must be a string";
        QTest::newRow("event reserved name") << QByteArray(R"(2["disconnect"])") << "reserved";
        QTest::newRow("event bad json") << QByteArray(R"(2["a",)") << "not valid JSON";
        QTest::newRow("two json values") << QByteArray(R"(2["a"],["b"])") << "not valid JSON";
        QTest::newRow("trailing garbage") << QByteArray(R"(2["a"]x)") << "not valid JSON";
        QTest::newRow("bracket injection") << QByteArray(R"(2"a"],["b")") << "not valid JSON";
        QTest::newRow("invalid ack id") << QByteArray(R"(2abc["message-with-ack",1])") << "not valid JSON";
        QTest::newRow("ack id too long") << QByteArray(R"(21234567890123456["m"])") << "ack id too long";
        QTest::newRow("connect array payload") << QByteArray("0[]") << "must be an object";
        QTest::newRow("connect string payload") << QByteArray(R"(0"x")") << "must be an object";
        QTest::newRow("connect null payload") << QByteArray("0null") << "must be an object";
        QTest::newRow("disconnect payload") << QByteArray("1{}") << "must not carry";
        QTest::newRow("ack without id") << QByteArray("3[1]") << "without an ack id";
        QTest::newRow("ack object payload") << QByteArray("31{}") << "must be an array";
        QTest::newRow("ack without payload") << QByteArray("31") << "must be an array";
        QTest::newRow("connect error number") << QByteArray("41") << "object or a string";
        QTest::newRow("connect error array") << QByteArray("4[]") << "object or a string";
        QTest::newRow("binary without dash") << QByteArray(R"(52["a"])") << "attachment count";
        QTest::newRow("binary empty count") << QByteArray(R"(5-["a"])") << "invalid attachment count";
        QTest::newRow("binary letter count") << QByteArray(R"(5x-["a"])") << "invalid attachment count";
        QTest::newRow("binary huge count") << QByteArray(R"(599999999-["a"])") << "invalid attachment count";
        QTest::newRow("binary over limit") << QByteArray(R"(565-["a"])") << "too many attachments";
        QTest::newRow("namespace too long")
            << ("2/" + QByteArray(300, 'n') + R"(,["a"])") << "namespace too long";
        QTest::newRow("namespace invalid utf8") << QByteArray("2/\xff,[\"a\"]") << "UTF-8";
        QTest::newRow("deep nesting")
            << ("2[\"a\"," + QByteArray(5000, '[') + QByteArray(5000, ']') + "]") << "not valid JSON";
    }
    void rejectsMalformedPackets()
    {
        QFETCH(QByteArray, wire);
        QFETCH(QString, reason);
        const auto decoded = SocketPacket::decode(wire);
        QVERIFY2(!decoded.ok(), wire.constData());
        QVERIFY2(decoded.error().contains(reason), qPrintable(decoded.error()));
    }

    void placeholdersAreValidatedAgainstAttachments()
    {
        SocketPayload payload(
            array(R"(["x",{"_placeholder":true,"num":0},{"nested":[{"_placeholder":true,"num":1}]}])"));
        QVERIFY(!payload.validatePlaceholders().isEmpty());
        payload.binaries = {"a"};
        QVERIFY(!payload.validatePlaceholders().isEmpty());
        payload.binaries = {"a", "b"};
        QCOMPARE(payload.validatePlaceholders(), QString());
        QCOMPARE(payload.binaryFor(payload.values.at(1)), std::optional<QByteArray>("a"));
        QCOMPARE(payload.binaryFor(payload.values.at(0)), std::nullopt);

        QVERIFY(!SocketPayload(array(R"([{"_placeholder":true,"num":-1}])"), {"a"})
                     .validatePlaceholders()
                     .isEmpty());
        QVERIFY(!SocketPayload(array(R"([{"_placeholder":true,"num":0.5}])"), {"a"})
                     .validatePlaceholders()
                     .isEmpty());
        QVERIFY(!SocketPayload(array(R"([{"_placeholder":true,"num":"0"}])"), {"a"})
                     .validatePlaceholders()
                     .isEmpty());
        QVERIFY(!SocketPayload(array(R"([{"_placeholder":true}])"), {"a"}).validatePlaceholders().isEmpty());
        // Not a placeholder: _placeholder must be exactly true.
        QCOMPARE(SocketPayload(array(R"([{"_placeholder":1,"num":7}])")).validatePlaceholders(), QString());
    }

    void appendBinaryNumbersPlaceholdersInOrder()
    {
        SocketPayload payload(array(R"(["files"])"));
        payload.appendBinary("one").appendBinary("two");
        QCOMPARE(payload.binaries.size(), 2);
        QCOMPARE(SocketPayload::placeholderIndex(payload.values.at(1)), std::optional<int>(0));
        QCOMPARE(SocketPayload::placeholderIndex(payload.values.at(2)), std::optional<int>(1));
        QCOMPARE(payload.validatePlaceholders(), QString());
        QCOMPARE(payload.values.at(2).toObject(), object(R"({"_placeholder":true,"num":1})"));
    }

    void survivesArbitraryBytes()
    {
        quint32 state = 987654321;
        static const char alphabet[] = "0123456789-/,[]{}\"ab:_ \\\xff";
        for (int round = 0; round < 20000; ++round) {
            QByteArray noise;
            state = state * 1103515245 + 12345;
            const int length = int((state >> 16) % 30);
            for (int i = 0; i < length; ++i) {
                state = state * 1103515245 + 12345;
                noise.append(alphabet[(state >> 16) % (sizeof(alphabet) - 1)]);
            }
            const auto decoded = SocketPacket::decode(noise);
            if (decoded.ok()) {
                const auto again = SocketPacket::decode(decoded.value().encode());
                QVERIFY2(again.ok(), noise.constData());
                QCOMPARE(again.value(), decoded.value());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestSocketIoCodec)
#include "tst_socketio_codec.moc"
