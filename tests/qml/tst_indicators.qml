import QtQuick
import QtTest
import Caduceus

Item {
    width: 700
    height: 400

    ContextMeter {
        id: meter
        limit: 200000
    }

    StatusDot {
        id: dot
        y: 40
    }

    CompressionBanner {
        id: banner
        y: 80
        width: 600
    }

    ToolCard {
        id: card
        y: 160
        width: 600
        toolName: "terminal"
        preview: "make"
        status: "done"
        args: "{\"command\":\"make\"}"
        result: "ok"
    }

    TestCase {
        name: "Indicators"
        when: windowShown

        function test_contextMeterLevels_data() {
            return [
                { tag: "59 %", used: 119999, level: "low" },
                { tag: "60 %", used: 120000, level: "medium" },
                { tag: "79 %", used: 159999, level: "medium" },
                { tag: "80 %", used: 160000, level: "high" },
                { tag: "over the limit", used: 250000, level: "high" },
            ];
        }

        function test_contextMeterLevels(data) {
            meter.limit = 200000;
            meter.used = data.used;
            compare(meter.level, data.level);
        }

        function test_contextMeterLabel() {
            meter.limit = 200000;
            meter.used = 131200;
            compare(findChild(meter, "contextLabel").text, "131k / 200k");
            meter.used = 1500;
            compare(findChild(meter, "contextLabel").text, "1.5k / 200k");
            meter.limit = 0;
            compare(meter.ratio, 0, "an unknown limit never divides by zero");
        }

        function test_statusDot() {
            dot.status = "unreachable";
            dot.reason = "connection refused on 127.0.0.1:8642";
            compare(dot.statusText, "Unreachable");
            compare(dot.Accessible.name, "Unreachable: connection refused on 127.0.0.1:8642");
            compare(findChild(dot, "statusDot").color, Theme.danger);
            dot.status = "connected";
            dot.reason = "";
            compare(dot.Accessible.name, "Connected");
            compare(findChild(dot, "statusDot").color, Theme.success);
            dot.status = "connecting";
            compare(findChild(dot, "statusDot").color, Theme.warning);
        }

        function test_compressionBanner() {
            const message = findChild(banner, "compressionMessage");
            verify(!banner.visible);
            banner.messageCount = 214;
            banner.tokenCount = 131200;
            banner.running = true;
            verify(banner.visible);
            verify(message.text.indexOf("214 earlier messages") >= 0, message.text);
            banner.running = false;
            banner.compressed = true;
            banner.beforeTokens = 131200;
            banner.afterTokens = 18400;
            compare(banner.phase, "done");
            verify(message.text.indexOf("131k → 18k") >= 0, message.text);
            banner.dismissed = true;
            verify(!banner.visible);
            banner.errorText = "HTTP 503";
            banner.running = true;
            verify(banner.visible, "a new compression shows again");
            banner.running = false;
            compare(banner.phase, "failed");
            verify(message.text.indexOf("HTTP 503") >= 0, message.text);
            verify(message.text.indexOf("previous summary") >= 0, message.text);
            // The core says what it did when the new message alone is over the budget: no "previous summary".
            banner.noticeText = "The new message alone is over the 1000-token budget for the conversation, so no history was sent";
            verify(message.text.indexOf("no history was sent") >= 0, message.text);
            verify(message.text.indexOf("previous summary") < 0, message.text);
            banner.noticeText = "";
        }

        function test_toolCardOpensFromTheKeyboard() {
            const header = findChild(card, "toolCardHeader");
            header.forceActiveFocus(Qt.TabFocusReason);
            verify(!card.expanded);
            keyClick(Qt.Key_Return);
            verify(card.expanded);
            keyClick(Qt.Key_Space);
            verify(!card.expanded);
        }
    }
}
