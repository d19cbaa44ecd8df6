import QtQuick
import QtTest
import Caduceus

Item {
    width: 700
    height: 300

    Composer {
        id: composer
        width: 640
    }

    SignalSpy {
        id: sendSpy
        target: composer
        signalName: "sendRequested"
    }

    SignalSpy {
        id: stopSpy
        target: composer
        signalName: "stopRequested"
    }

    TestCase {
        name: "Composer"
        when: windowShown

        readonly property var input: composer.inputItem

        function init() {
            composer.running = false;
            composer.steerSupported = false;
            composer.steerEnabled = false;
            composer.text = "";
            composer.attachments = [];
            composer.focusInput();
            sendSpy.clear();
            stopSpy.clear();
            waitForRendering(composer);
            verify(input.activeFocus);
        }

        function type(text) {
            for (let i = 0; i < text.length; ++i)
                keyClick(text[i]);
        }

        function test_enterSends() {
            type("hello");
            keyClick(Qt.Key_Return);
            compare(sendSpy.count, 1);
            compare(sendSpy.signalArguments[0][0], "hello");
            compare(sendSpy.signalArguments[0][1].length, 0);
            compare(sendSpy.signalArguments[0][2], false);
            compare(composer.text, "", "the input is cleared after sending");
        }

        function test_keypadEnterSends() {
            type("hi");
            keyClick(Qt.Key_Enter);
            compare(sendSpy.count, 1);
        }

        function test_shiftEnterInsertsANewLine() {
            type("a");
            keyClick(Qt.Key_Return, Qt.ShiftModifier);
            type("b");
            compare(sendSpy.count, 0);
            compare(composer.text, "a\nb");
        }

        function test_blankInputIsNotSent() {
            type("   ");
            keyClick(Qt.Key_Return);
            compare(sendSpy.count, 0);
        }

        function test_noSendWhileComposing() {
            TestHelper.compose(input, "ni");
            verify(input.inputMethodComposing);
            keyClick(Qt.Key_Return);
            compare(sendSpy.count, 0, "Enter belongs to the input method while it composes");
            TestHelper.commit(input, "你");
            verify(!input.inputMethodComposing);
            keyClick(Qt.Key_Return);
            compare(sendSpy.count, 1);
            compare(sendSpy.signalArguments[0][0], "你");
        }

        function test_sendButtonBecomesStopWhileRunning() {
            const button = findChild(composer, "sendButton");
            compare(button.Accessible.name, "Send");
            verify(!button.enabled, "nothing to send yet");
            composer.running = true;
            compare(composer.sendMode, "stop");
            compare(button.Accessible.name, "Stop");
            verify(button.enabled);
            mouseClick(button);
            compare(stopSpy.count, 1);
            compare(sendSpy.count, 0);
        }

        function test_escapeStopsOnlyARunningTurn() {
            keyClick(Qt.Key_Escape);
            compare(stopSpy.count, 0, "nothing runs: Esc does nothing");
            composer.running = true;
            type("draft");
            keyClick(Qt.Key_Escape);
            compare(stopSpy.count, 1);
            compare(composer.text, "draft", "the draft stays");
            compare(sendSpy.count, 0);
        }

        function test_enterWhileRunningQueues() {
            composer.running = true;
            keyClick(Qt.Key_Return);
            compare(stopSpy.count, 0, "Enter on an empty input never stops the run");
            type("next");
            compare(composer.sendMode, "queue");
            verify(findChild(composer, "stopButton").visible, "stopping stays one click away");
            keyClick(Qt.Key_Return);
            compare(sendSpy.count, 1);
            compare(sendSpy.signalArguments[0][0], "next");
            compare(sendSpy.signalArguments[0][2], false);
        }

        function test_steerToggle() {
            composer.running = true;
            const toggle = findChild(composer, "steerToggle");
            verify(!toggle.visible, "no steering unless the agent supports it");
            composer.steerSupported = true;
            verify(toggle.visible);
            mouseClick(toggle);
            verify(composer.steerEnabled);
            composer.focusInput();
            type("go left");
            compare(composer.sendMode, "steer");
            keyClick(Qt.Key_Return);
            compare(sendSpy.signalArguments[0][2], true);
        }

        function test_filesCannotSteer() {
            composer.running = true;
            composer.steerSupported = true;
            composer.steerEnabled = true;
            composer.addAttachments(["/tmp/diagram.png"]);
            type("see this");
            compare(composer.sendMode, "queue");
            keyClick(Qt.Key_Return);
            compare(sendSpy.signalArguments[0][2], false);
        }

        function test_attachments() {
            compare(composer.addAttachments(["/tmp/a.png", "/tmp/notes.txt", "/tmp/a.png"]), 2);
            compare(composer.attachments, ["/tmp/a.png", "/tmp/notes.txt"]);
            waitForRendering(composer);
            mouseClick(findChild(composer, "removeAttachment"));
            compare(composer.attachments.length, 1);
            keyClick(Qt.Key_Return);
            compare(sendSpy.count, 1, "files alone can be sent");
            compare(sendSpy.signalArguments[0][0], "");
            compare(sendSpy.signalArguments[0][1].length, 1);
            compare(composer.attachments.length, 0);
        }

        function test_pastingFilesAttachesThem() {
            TestHelper.setClipboardFiles(["/tmp/report.pdf"]);
            keyClick(Qt.Key_V, Qt.ControlModifier);
            compare(composer.attachments, ["/tmp/report.pdf"]);
            compare(composer.text, "");
        }

        function test_pastingAnImageSavesAndAttachesIt() {
            Clipboard.pasteDirectory = TestHelper.temporaryDirectory();
            TestHelper.setClipboardImage(40, 30, false);
            keyClick(Qt.Key_V, Qt.ControlModifier);
            compare(composer.attachments.length, 1);
            const path = composer.attachments[0];
            verify(path.indexOf(TestHelper.temporaryDirectory()) === 0, path);
            verify(/\.png$/.test(path), path);
            compare(TestHelper.imageSize(path), Qt.size(40, 30));
        }

        function test_imageWithTextPastesTheText() {
            TestHelper.setClipboardImage(40, 30, true);
            keyClick(Qt.Key_V, Qt.ControlModifier);
            compare(composer.attachments.length, 0);
            compare(composer.text, "A1\tB1");
        }

        function test_pastingTextPastesText() {
            TestHelper.setClipboardText("plain words");
            keyClick(Qt.Key_V, Qt.ControlModifier);
            compare(composer.text, "plain words");
            compare(composer.attachments.length, 0);
        }

        function test_tabLeavesTheInput() {
            type("a");
            keyClick(Qt.Key_Tab);
            compare(composer.text, "a", "no tab character typed");
            verify(!input.activeFocus, "focus moved on to the buttons");
        }

        function test_disabledComposerSendsNothing() {
            type("x");
            composer.enabled = false;
            verify(!composer.send());
            composer.enabled = true;
        }
    }
}
