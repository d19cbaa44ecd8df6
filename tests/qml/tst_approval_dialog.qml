import QtQuick
import QtTest
import Caduceus

Item {
    id: pane
    width: 800
    height: 600

    ApprovalDialog {
        id: dialog
        anchors.fill: parent
        command: "rm -rf build/"
        description: "Delete the build folder"
        patternKey: "recursive_delete"
    }

    SignalSpy {
        id: respondedSpy
        target: dialog
        signalName: "responded"
    }

    SignalSpy {
        id: expiredSpy
        target: dialog
        signalName: "expired"
    }

    TestCase {
        name: "ApprovalDialog"
        when: windowShown

        function init() {
            dialog.active = false;
            dialog.choices = ["once", "session", "always", "deny"];
            dialog.allowPermanent = true;
            dialog.pendingCount = 1;
            dialog.armDelayMs = 0;
            dialog.requestTimestamp = Date.now() / 1000;
            respondedSpy.clear();
            expiredSpy.clear();
        }

        function openDialog() {
            dialog.active = true;
            waitForRendering(dialog);
            verify(dialog.activeFocus, "the dialog takes the keyboard when it opens");
        }

        function button(choice) {
            return findChild(dialog, "approvalChoice_" + choice);
        }

        function test_showsTheCommand() {
            openDialog();
            compare(findChild(dialog, "approvalCommand").text, "rm -rf build/");
        }

        function test_offersOnlyTheGivenChoices() {
            dialog.choices = ["once", "deny"];
            openDialog();
            verify(button("once") !== null && button("once").visible);
            verify(button("deny") !== null);
            compare(button("session"), null);
            compare(button("always"), null);
        }

        function test_alwaysHiddenWhenNotPermanent() {
            dialog.allowPermanent = false;
            openDialog();
            compare(dialog.offeredChoices, ["once", "session", "deny"]);
            compare(button("always"), null);
            keyClick(Qt.Key_A, Qt.AltModifier);
            compare(respondedSpy.count, 0);
        }

        function test_buttonAnswers() {
            openDialog();
            mouseClick(button("session"));
            compare(respondedSpy.count, 1);
            compare(respondedSpy.signalArguments[0][0], "session");
            compare(respondedSpy.signalArguments[0][1], false);
        }

        function test_shortcuts_data() {
            return [
                { tag: "Alt+O allows once", key: Qt.Key_O, modifiers: Qt.AltModifier, choice: "once" },
                { tag: "Alt+R allows for the run", key: Qt.Key_R, modifiers: Qt.AltModifier, choice: "session" },
                { tag: "Alt+A always allows", key: Qt.Key_A, modifiers: Qt.AltModifier, choice: "always" },
                { tag: "Alt+D denies", key: Qt.Key_D, modifiers: Qt.AltModifier, choice: "deny" },
                { tag: "Esc denies", key: Qt.Key_Escape, modifiers: Qt.NoModifier, choice: "deny" },
            ];
        }

        function test_shortcuts(data) {
            openDialog();
            keyClick(data.key, data.modifiers);
            compare(respondedSpy.count, 1);
            compare(respondedSpy.signalArguments[0][0], data.choice);
        }

        function test_typingIsNotAnAnswer() {
            // The request appears while the user types a follow-up: "and … ok … done" must answer nothing.
            openDialog();
            for (const key of [Qt.Key_A, Qt.Key_N, Qt.Key_D, Qt.Key_O, Qt.Key_R, Qt.Key_Space])
                keyClick(key);
            keyClick(Qt.Key_A, Qt.ShiftModifier);
            keyClick(Qt.Key_O, Qt.ControlModifier);
            compare(respondedSpy.count, 0);
            verify(dialog.active);
        }

        function test_shortcutsIgnoredWhileClosed() {
            keyClick(Qt.Key_O, Qt.AltModifier);
            compare(respondedSpy.count, 0);
        }

        function test_applyToAllPending() {
            dialog.pendingCount = 3;
            openDialog();
            const check = findChild(dialog, "applyToAll");
            verify(check.visible);
            compare(check.text, "Apply to all 3 pending");
            mouseClick(check);
            verify(check.checked);
            dialog.forceActiveFocus();
            keyClick(Qt.Key_D, Qt.AltModifier);
            compare(respondedSpy.signalArguments[0][0], "deny");
            compare(respondedSpy.signalArguments[0][1], true);
        }

        function test_applyToAllHiddenForASingleRequest() {
            openDialog();
            verify(!findChild(dialog, "applyToAll").visible);
            dialog.applyToAll = true;
            keyClick(Qt.Key_O, Qt.AltModifier);
            compare(respondedSpy.signalArguments[0][1], false);
        }

        function test_newRequestClearsApplyToAll() {
            dialog.pendingCount = 2;
            openDialog();
            dialog.applyToAll = true;
            dialog.requestTimestamp = Date.now() / 1000 + 0.5;
            verify(!dialog.applyToAll);
        }

        function test_keysIgnoredUntilArmed() {
            dialog.armDelayMs = 300;
            openDialog();
            keyClick(Qt.Key_O, Qt.AltModifier);
            compare(respondedSpy.count, 0, "a keystroke meant for the composer must not approve");
            verify(!button("once").enabled);
            tryCompare(dialog, "armed", true, 2000);
            keyClick(Qt.Key_O, Qt.AltModifier);
            compare(respondedSpy.count, 1);
        }

        function test_countdownFromTheRequestTime() {
            dialog.requestTimestamp = Date.now() / 1000 - 50;
            openDialog();
            tryVerify(() => dialog.remainingSeconds <= 10 && dialog.remainingSeconds > 8, 2000);
            const label = findChild(dialog, "approvalCountdown");
            verify(/Auto-deny in (9|10) s/.test(label.text), label.text);
            verify(!dialog.timedOut);
        }

        function test_countdownNeverExceedsTheTimeout() {
            dialog.requestTimestamp = Date.now() / 1000 + 3600; // agent clock ahead of ours
            openDialog();
            compare(dialog.remainingSeconds, 60);
        }

        function test_expiresAfterSixtySeconds() {
            dialog.requestTimestamp = Date.now() / 1000 - 59.3;
            openDialog();
            tryCompare(expiredSpy, "count", 1, 3000);
            verify(dialog.timedOut);
            verify(/Timed out/.test(findChild(dialog, "approvalCountdown").text));
            verify(!button("once").enabled);
            keyClick(Qt.Key_O, Qt.AltModifier);
            compare(respondedSpy.count, 0, "the agent already denied it");
        }
    }
}
