import QtQuick
import QtTest
import Caduceus

// The chat pane's agent turn: one header and one Copy for all of a turn's rows, tool cards that say how a tool
// ended (denied and failed in words and colour, "Waiting for approval" while the agent waits for the user) and
// the approval answer on the card of the command it answered.
Item {
    width: 900
    height: 900

    Column {
        width: 900

        MessageDelegate {
            id: first
            width: 900
            role: "tool"
            toolName: "terminal"
            toolPreview: "rm -rf build/"
            toolState: "done"
            turnStart: true
            turnEnd: false
            timestamp: Date.now() / 1000
        }
        MessageDelegate {
            id: middle
            width: 900
            role: "assistant"
            content: "Done: the build folder is gone."
            turnStart: false
            turnEnd: false
        }
        MessageDelegate {
            id: hiddenRow
            width: 900
            role: "notice"
            content: "Allowed once"
            hidden: true
        }
        MessageDelegate {
            id: last
            width: 900
            role: "tool"
            toolName: "read_file"
            toolPreview: "README.md"
            toolState: "done"
            turnStart: false
            turnEnd: true
            turnCopyText: "Done: the build folder is gone."
        }
    }

    ToolCard {
        id: card
        y: 600
        width: 700
        toolName: "terminal"
        preview: "rm -rf /srv/scratch/danger-test-dir"
    }

    function named(root, name) {
        const found = [];
        const walk = (node) => {
            if (!node || !node.visible)
                return;
            if (node.objectName === name)
                found.push(node);
            for (let i = 0; i < node.children.length; ++i)
                walk(node.children[i]);
        };
        walk(root);
        return found;
    }

    TestCase {
        name: "ChatTurns"
        when: windowShown

        function init() {
            card.toolState = "running";
            card.approvalChoice = "";
            card.duration = -1;
            card.result = "";
        }

        function test_oneHeaderForTheTurn() {
            waitForRendering(last);
            compare(named(first, "assistantHeader").length, 1, "the turn's first row carries the header");
            compare(named(middle, "assistantHeader").length, 0, "an answer inside the turn has none");
            compare(named(last, "assistantHeader").length, 0);
            compare(named(middle, "copyMessage").length, 0, "no Copy in the middle of a turn");
        }

        function test_copyAtTheEndCopiesTheTurnsText() {
            const copy = named(last, "copyTurn");
            compare(copy.length, 1, "the last row carries the turn's Copy");
            mouseClick(copy[0]);
            compare(Clipboard.text(), "Done: the build folder is gone.");
        }

        function test_hiddenRowTakesNoSpace() {
            compare(hiddenRow.height, 0);
            verify(!hiddenRow.visible);
        }

        function test_rowsOfATurnLineUpUnderTheName() {
            const header = named(first, "assistantHeader")[0];
            const tool = findChild(last, "toolCardHeader");
            const text = findChild(middle, "messageBlocks");
            const nameX = header.mapToItem(null, header.indent, 0).x;
            compare(tool.mapToItem(null, 0, 0).x, nameX);
            compare(text.mapToItem(null, 0, 0).x, nameX);
        }

        function stateText() {
            return findChild(card, "toolStatusText");
        }

        function test_waitingForApproval() {
            card.toolState = "waitingApproval";
            waitForRendering(card);
            compare(stateText().text, "Waiting for approval");
            verify(!findChild(card, "toolSpinner").visible, "not Running…");
            compare(String(stateText().color), String(Theme.warning));
            compare(findChild(card, "toolCardHeader").Accessible.name, "Tool terminal, Waiting for approval");
        }

        function test_deniedIsNotASuccess() {
            card.toolState = "denied";
            card.duration = 0.511;
            card.result = "BLOCKED: Command denied by user.";
            waitForRendering(card);
            verify(stateText().text.indexOf("Denied") === 0, stateText().text);
            compare(String(stateText().color), String(Theme.danger));
            const icon = findChild(card, "toolStatusIcon");
            compare(icon.name, "x-circle");
            compare(String(icon.color), String(Theme.danger));
            compare(findChild(card, "toolCardHeader").Accessible.name, "Tool terminal, Denied");
        }

        function test_failedSaysSo() {
            card.toolState = "failed";
            card.duration = 2;
            waitForRendering(card);
            compare(stateText().text, "Failed · 2.0 s");
            compare(String(stateText().color), String(Theme.danger));
        }

        function test_doneShowsTickAndDuration() {
            card.toolState = "done";
            card.duration = 3;
            waitForRendering(card);
            compare(stateText().text, "3.0 s");
            compare(findChild(card, "toolStatusIcon").name, "check-circle");
        }

        function test_approvalAnswerOnItsCard() {
            card.toolState = "done";
            card.approvalChoice = "once";
            waitForRendering(card);
            const chip = findChild(card, "toolApproval");
            verify(chip.visible);
            compare(chip.children[0].text, "Allowed once");
            compare(findChild(card, "toolCardHeader").Accessible.name, "Tool terminal, Done, Allowed once");
            card.approvalChoice = "session";
            compare(chip.children[0].text, "Allowed for this run");
            card.approvalChoice = "deny";
            card.toolState = "denied";
            verify(!chip.visible, "a denial is the card's state, not a second label");
        }
    }
}
