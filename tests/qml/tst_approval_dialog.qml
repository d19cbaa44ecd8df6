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

        function test_patternNotRepeatedWhenItIsTheDescription() {
            // The agent sends "recursive delete" as both description and pattern.
            dialog.description = "recursive delete";
            dialog.patternKey = "recursive delete";
            dialog.patternKeys = ["recursive delete"];
            openDialog();
            verify(!findChild(dialog, "approvalPattern").visible, "said once");
            dialog.description = "Delete the build folder";
            verify(findChild(dialog, "approvalPattern").visible, "a pattern that adds something is shown");
            compare(dialog.patternText, "recursive delete");
            dialog.patternKeys = [];
        }

        // Where each answer sits on screen, in reading order.
        function placed() {
            const out = [];
            for (const choice of ["deny", "once", "session", "always"]) {
                const b = button(choice);
                if (b && b.visible) {
                    const p = b.mapToItem(dialog, 0, 0);
                    out.push({ choice: choice, x: Math.round(p.x), y: Math.round(p.y), width: b.width, item: b });
                }
            }
            out.sort((a, b) => a.y - b.y || a.x - b.x);
            return out;
        }

        function test_answersLaidOutAtEveryWidth_data() {
            // The chat pane's width: from a 640 px window with the sidebar open up to a wide one.
            return [359, 400, 460, 519, 600, 700, 900, 1160].map(w => ({ tag: w + " px", width: w }));
        }

        function test_answersLaidOutAtEveryWidth(data) {
            pane.width = data.width;
            openDialog();
            waitForRendering(dialog);
            const order = placed();
            compare(order.map(p => p.choice).join(), "deny,once,session,always",
                    "the answers that give nothing away for good come first, Always allow last");
            const rows = {};
            for (const p of order)
                (rows[p.y] = rows[p.y] || []).push(p.choice);
            const lines = Object.keys(rows).map(y => rows[y]);
            verify(lines.length <= 2, "at most two lines: " + JSON.stringify(lines));
            for (const line of lines)
                verify(line.length >= 2, "no answer alone on a line: " + JSON.stringify(lines));
            verify(lines[0].indexOf("deny") >= 0 && lines[0].indexOf("once") >= 0, "Deny beside Allow once");
            for (const p of order) {
                verify(p.x >= 0 && p.x + p.width <= pane.width, p.choice + " inside the pane");
                verify(p.item.implicitWidth <= p.width + 0.5, p.choice + " is not squeezed");
            }
            compare(button("once").variant, "primary");
            compare(button("always").variant, "ghost", "the permanent answer is the quiet one");
            pane.width = 800;
        }

        function test_showsTheCommand() {
            openDialog();
            compare(findChild(dialog, "approvalCommand").text, "rm -rf build/");
        }

        function test_offersOnlyTheGivenChoices() {
            dialog.choices = ["once", "deny"];
            openDialog();
            verify(button("once") !== null && button("once").visible);
            verify(button("deny") !== null && button("deny").visible);
            verify(!button("session").visible);
            verify(!button("always").visible);
        }

        function test_alwaysHiddenWhenNotPermanent() {
            dialog.allowPermanent = false;
            openDialog();
            compare(dialog.offeredChoices, ["once", "session", "deny"]);
            verify(!button("always").visible);
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
