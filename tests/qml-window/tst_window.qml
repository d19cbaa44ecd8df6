import QtQuick
import QtTest
import Caduceus
import Caduceus.App

// The real window against a hermes-sim agent: every key the window advertises (the sidebar's tooltips
// "New chat (Ctrl+N)" and "Settings (Ctrl+,)", README's list: Ctrl+K, Shift+F10, F2 and Delete on the list,
// Esc, Enter and Shift+Enter in the composer, Alt+O / Alt+D on the approval card) pressed on the window, and
// the chat pane's turns, tool states and approval answers as the agent's scenarios produce them.
TestCase {
    id: test
    name: "Window"
    when: windowShown

    property var win: null

    function initTestCase() {
        const component = Qt.createComponent("qrc:/qt/qml/Caduceus/Main.qml");
        verify(component.status === Component.Ready, component.errorString());
        win = component.createObject(null, { width: 1000, height: 700 });
        verify(win !== null);
        tryCompare(Backend, "agentStatus", "connected", 15000);
    }

    function cleanupTestCase() {
        if (win)
            win.destroy();
    }

    function init() {
        win.requestActivate();
        tryVerify(() => win.active, 5000, "the window has the keyboard");
        tryVerify(() => WindowHelper.shownPopupCount(win) === 0, 3000, "no popup left open");
        tryCompare(Backend, "working", false, 20000);
        tryCompare(approvalDialog(), "active", false, 5000);
    }

    function item(name) {
        const found = findChild(win, name);
        verify(found !== null, "the window has " + name);
        return found;
    }

    function composerInput() { return item("composerInput"); }
    function approvalDialog() { return item("approvalDialog"); }

    function type(text) {
        for (const ch of text) {
            if (ch === " ")
                keyClick(Qt.Key_Space);
            else
                keyClick(ch);
        }
    }

    function sendFromComposer(text) {
        composerInput().forceActiveFocus();
        composerInput().text = text;
        keyClick(Qt.Key_Return);
        compare(composerInput().text, "", "Enter sent the message");
    }

    function newChat() {
        keyClick(Qt.Key_N, Qt.ControlModifier);
        tryCompare(Backend.chat, "count", 0, 3000);
    }

    // Items named `name` that are drawn (visible all the way up) in the transcript.
    function visibleNamed(name) {
        const found = [];
        const walk = (node) => {
            if (!node || !node.visible)
                return;
            if (node.objectName === name)
                found.push(node);
            for (let i = 0; i < node.children.length; ++i)
                walk(node.children[i]);
        };
        walk(item("transcript").contentItem);
        return found;
    }

    SignalSpy {
        id: ambiguous
        signalName: "activatedAmbiguously"
    }

    function test_ctrlN_startsANewChat() {
        sendFromComposer("first chat");
        tryVerify(() => Backend.chat.count >= 2, 10000);
        tryCompare(Backend, "working", false, 20000);
        const before = Backend.currentSessionId;
        const shortcut = item("newChatShortcut");
        ambiguous.target = shortcut;
        ambiguous.clear();
        item("transcript").forceActiveFocus();
        keyClick(Qt.Key_N, Qt.ControlModifier);
        compare(ambiguous.count, 0, "Ctrl+N is bound once");
        verify(Backend.currentSessionId !== before, "Ctrl+N opened another chat");
        compare(Backend.chat.count, 0);
        verify(composerInput().activeFocus, "the composer has the keyboard");
        sendFromComposer("second chat");
        tryVerify(() => Backend.chat.count >= 2, 10000);
        verify(Backend.currentSessionId !== before);
    }

    function test_ctrlK_opensSearch() {
        ambiguous.target = item("searchShortcut");
        ambiguous.clear();
        keyClick(Qt.Key_K, Qt.ControlModifier);
        compare(ambiguous.count, 0);
        tryVerify(() => item("searchField").activeFocus, 3000, "the search field has the keyboard");
        keyClick(Qt.Key_Escape);
        tryVerify(() => WindowHelper.shownPopupCount(win) === 0, 3000);
    }

    function test_ctrlComma_opensSettings() {
        ambiguous.target = item("settingsShortcut");
        ambiguous.clear();
        keyClick(Qt.Key_Comma, Qt.ControlModifier);
        compare(ambiguous.count, 0);
        tryVerify(() => WindowHelper.openPopups(win).indexOf("Settings") >= 0, 3000, String(WindowHelper.openPopups(win)));
        keyClick(Qt.Key_Escape);
        tryVerify(() => WindowHelper.shownPopupCount(win) === 0, 3000);
    }

    function test_ctrlL_focusesTheComposer() {
        ambiguous.target = item("focusComposerShortcut");
        ambiguous.clear();
        item("transcript").forceActiveFocus();
        verify(!composerInput().activeFocus);
        keyClick(Qt.Key_L, Qt.ControlModifier);
        compare(ambiguous.count, 0);
        verify(composerInput().activeFocus);
    }

    function test_composerKeys() {
        newChat();
        composerInput().forceActiveFocus();
        type("a");
        keyClick(Qt.Key_Return, Qt.ShiftModifier);
        type("b");
        compare(composerInput().text, "a\nb", "Shift+Enter is a new line");
        keyClick(Qt.Key_Return);
        compare(composerInput().text, "");
        tryVerify(() => Backend.chat.count >= 1, 5000, "Enter sent it");
        tryCompare(Backend, "working", false, 20000);
        // Esc in the composer stops a running turn.
        sendFromComposer("take your time sim:slow");
        tryCompare(Backend, "working", true, 5000);
        keyClick(Qt.Key_Escape);
        tryCompare(Backend, "working", false, 20000);
        const last = Backend.chat.count - 1;
        verify(last >= 0);
    }

    function test_sessionListKeys() {
        sendFromComposer("a chat to rename");
        tryCompare(Backend, "working", false, 20000);
        const list = item("sessionList");
        list.forceActiveFocus();
        keyClick(Qt.Key_F2);
        tryVerify(() => WindowHelper.openPopups(win).indexOf("Rename conversation") >= 0, 3000,
                  "F2 asks for a new name: " + WindowHelper.openPopups(win));
        keyClick(Qt.Key_Escape);
        tryVerify(() => WindowHelper.shownPopupCount(win) === 0, 3000);
        list.forceActiveFocus();
        keyClick(Qt.Key_Delete);
        tryVerify(() => WindowHelper.openPopups(win).indexOf("Delete conversation?") >= 0, 3000,
                  "Delete asks first: " + WindowHelper.openPopups(win));
        keyClick(Qt.Key_Escape);
        tryVerify(() => WindowHelper.shownPopupCount(win) === 0, 3000);
        list.forceActiveFocus();
        keyClick(Qt.Key_F10, Qt.ShiftModifier);
        tryVerify(() => WindowHelper.shownPopupCount(win) === 1, 3000, "Shift+F10 opens the row's menu");
        compare(WindowHelper.openPopups(win).length, 0, "a menu, not one of the window's dialogs");
        keyClick(Qt.Key_Escape);
        tryVerify(() => WindowHelper.shownPopupCount(win) === 0, 3000);
    }

    function waitForApproval() {
        const dialog = approvalDialog();
        tryCompare(dialog, "active", true, 10000);
        tryCompare(dialog, "armed", true, 3000);
        return dialog;
    }

    function test_approvalByClickReturnsTheKeyboard() {
        newChat();
        sendFromComposer("clean up sim:approval");
        waitForApproval();
        // The agent started the command and holds it for the answer: its card says so, not "Running…".
        tryVerify(() => visibleNamed("toolStatusText").some(t => t.text === "Waiting for approval"), 5000,
                  "the tool card waits for the approval");
        compare(visibleNamed("toolSpinner").length, 0);
        mouseClick(findChild(win, "approvalChoice_once"));
        verify(composerInput().activeFocus, "after the answer the composer has the keyboard");
        type("next");
        compare(composerInput().text, "next", "typing goes to the composer");
        tryCompare(Backend, "working", false, 20000);
        composerInput().text = "";
        // The answer is shown on the tool card of the command it allowed, not as a line after the answer.
        tryVerify(() => visibleNamed("toolApproval").length === 1, 5000, "one approval answer on a tool card");
        compare(visibleNamed("toolApproval")[0].children[0].text, "Allowed once");
        compare(visibleNamed("assistantHeader").length, 1, "one turn, one header");
    }

    function test_approvalDeniedByKeyShowsDenied() {
        newChat();
        sendFromComposer("clean up sim:approval");
        const dialog = waitForApproval();
        verify(dialog.activeFocus, "the card has the keyboard while it asks");
        keyClick(Qt.Key_D, Qt.AltModifier);
        tryCompare(Backend, "working", false, 20000);
        verify(composerInput().activeFocus, "after Alt+D the composer has the keyboard");
        // Once the agent's transcript is merged, the tool that was not run still says so.
        tryVerify(() => visibleNamed("toolStatusText").some(t => t.text.indexOf("Denied") === 0), 5000,
                  "the tool card says Denied");
        compare(visibleNamed("toolStatusIcon").filter(i => i.name === "check-circle").length, 0,
                "no success tick for a denied command");
        compare(visibleNamed("assistantHeader").length, 1, "one turn, one header");
    }

    function test_toolTurnIsOneBlock() {
        // Tall enough for the whole turn to have its delegates.
        win.height = 4000;
        newChat();
        sendFromComposer("look around sim:tools");
        tryVerify(() => Backend.chat.count >= 4, 10000);
        tryCompare(Backend, "working", false, 20000);
        wait(200);
        compare(visibleNamed("assistantHeader").length, 1, "the agent's turn has one header");
        const copies = visibleNamed("copyMessage").concat(visibleNamed("copyTurn"))
                       .filter(c => c.textToCopy !== "look around sim:tools");
        compare(copies.length, 1, "and one Copy");
        const copied = copies[0].textToCopy;
        verify(copied.indexOf("Let me look at the project first.") >= 0, copied);
        verify(copied.indexOf("I looked at the project layout") >= 0, copied);
        compare(visibleNamed("toolCardHeader").length, 2, "both tool cards");
        win.height = 700;
    }
}
