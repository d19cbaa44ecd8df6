import QtQuick
import QtTest
import Caduceus

Item {
    width: 900
    height: 700

    MessageDelegate {
        id: delegate
        width: 900
    }

    TestCase {
        name: "MessageDelegate"
        when: windowShown

        function init() {
            delegate.role = "";
            delegate.content = "";
            delegate.reasoning = "";
            delegate.status = "complete";
            delegate.toolResult = "";
            delegate.toolArgs = "";
        }

        function test_assistantRendersMarkdownBlocks() {
            delegate.role = "assistant";
            delegate.content = "# Title\n\nSome text.\n\n```python\nprint(1)\n```";
            waitForRendering(delegate);
            const blocks = findChild(delegate, "messageBlocks");
            compare(blocks.blockCount, 3);
            verify(delegate.height > 100);
        }

        function test_streamingKeepsEarlierBlockItems() {
            delegate.role = "assistant";
            delegate.status = "streaming";
            delegate.content = "First paragraph.\n\nSecond";
            waitForRendering(delegate);
            const blocks = findChild(delegate, "messageBlocks");
            const first = findChild(blocks, "block_0");
            delegate.content += " grows";
            delegate.content += "\n\n- a list";
            compare(blocks.blockCount, 3);
            verify(findChild(blocks, "block_0") === first, "the finished paragraph keeps its item");
        }

        function test_reasoningSummary() {
            delegate.role = "assistant";
            delegate.reasoning = "Let me think.";
            delegate.reasoningSeconds = 12.4;
            delegate.content = "Answer";
            waitForRendering(delegate);
            const toggle = findChild(delegate, "reasoningToggle");
            compare(toggle.Accessible.name, "Thought for 12 s");
            delegate.status = "streaming";
            delegate.content = "";
            compare(toggle.Accessible.name, "Thinking…");
        }

        function test_toolCardStates() {
            delegate.role = "tool";
            delegate.toolName = "terminal";
            delegate.toolPreview = "ls -la";
            delegate.toolStatus = "running";
            waitForRendering(delegate);
            verify(findChild(delegate, "toolSpinner").visible);
            verify(!findChild(delegate, "toolStatusIcon").visible);
            delegate.toolStatus = "done";
            delegate.toolDuration = 1.25;
            verify(!findChild(delegate, "toolSpinner").visible);
            verify(findChild(delegate, "toolStatusIcon").visible);
            compare(findChild(delegate, "toolCardHeader").Accessible.name, "Tool terminal, Done");
            delegate.toolStatus = "error";
            compare(findChild(delegate, "toolCardHeader").Accessible.name, "Tool terminal, Failed");
        }

        function test_toolCardExpands() {
            delegate.role = "tool";
            delegate.toolStatus = "done";
            delegate.toolArgs = "{\"command\":\"ls\"}";
            delegate.toolResult = "a.txt";
            waitForRendering(delegate);
            const collapsed = delegate.height;
            mouseClick(findChild(delegate, "toolCardHeader"));
            waitForRendering(delegate);
            verify(delegate.height > collapsed + 40);
        }

        function test_reusedDelegateForgetsViewState() {
            delegate.messageId = "m1";
            delegate.role = "tool";
            delegate.toolStatus = "done";
            delegate.toolResult = "output";
            waitForRendering(delegate);
            const header = findChild(delegate, "toolCardHeader");
            const collapsed = delegate.height;
            mouseClick(header);
            waitForRendering(delegate);
            const expanded = delegate.height;
            verify(expanded > collapsed, "opened: " + collapsed + " -> " + expanded);
            delegate.messageId = "m2";
            waitForRendering(delegate);
            verify(delegate.height < expanded, "another message's card starts collapsed");
        }

        function test_userMessageCanBeCopied() {
            delegate.role = "user";
            delegate.content = "Please check the logs";
            waitForRendering(delegate);
            mouseClick(findChild(delegate, "copyMessage"));
            compare(Clipboard.text(), "Please check the logs");
        }

        function test_timestampsInSecondsOrMilliseconds() {
            const when = new Date();
            when.setHours(9, 5, 0, 0);
            delegate.timestamp = when.getTime() / 1000;
            const fromSeconds = delegate.timeText;
            delegate.timestamp = when.getTime();
            compare(delegate.timeText, fromSeconds);
            verify(fromSeconds.indexOf("05") >= 0, fromSeconds);
            delegate.timestamp = "not a date";
            compare(delegate.timeText, "");
        }

        function test_olderYearsShowTheYear() {
            const lastYear = new Date();
            lastYear.setFullYear(lastYear.getFullYear() - 1);
            delegate.timestamp = lastYear.getTime();
            verify(delegate.timeText.indexOf(String(lastYear.getFullYear())) >= 0, delegate.timeText);
            const earlierToday = new Date();
            earlierToday.setHours(0, 1, 0, 0);
            delegate.timestamp = earlierToday.getTime();
            verify(delegate.timeText.indexOf(String(earlierToday.getFullYear())) < 0, delegate.timeText);
        }
    }
}
