import QtQuick
import QtTest
import Caduceus

Item {
    width: 600
    height: 400

    ListModel {
        id: queueModel
        ListElement { queueId: "q1"; preview: "First follow-up"; position: 1 }
        ListElement { queueId: "q2"; preview: "Second follow-up"; position: 2 }
        ListElement { queueId: "q3"; preview: "Third"; position: 3 }
    }

    ListModel {
        id: fullTextModel
        ListElement { queueId: "long"; preview: "Summarise the…"; position: 1; text: "Summarise the whole report" }
    }

    QueuePanel {
        id: panel
        width: 500
        model: queueModel
    }

    QueueBadge {
        id: badge
        y: 300
        count: queueModel.count
    }

    SignalSpy {
        id: cancelSpy
        target: panel
        signalName: "cancelRequested"
    }

    SignalSpy {
        id: editSpy
        target: panel
        signalName: "editRequested"
    }

    TestCase {
        name: "QueuePanel"
        when: windowShown

        function init() {
            panel.model = queueModel;
            panel.editingId = "";
            cancelSpy.clear();
            editSpy.clear();
            waitForRendering(panel);
        }

        function row(id) {
            return findChild(panel, "queueRow_" + id);
        }

        function test_listsEveryQueuedInput() {
            compare(panel.count, 3);
            verify(row("q1") !== null);
            verify(row("q3") !== null);
        }

        function test_badgeCountsTheQueue() {
            verify(badge.visible);
            compare(findChild(badge, "queueCount").text, "3 queued");
            badge.count = 0;
            verify(!badge.visible);
            badge.count = Qt.binding(() => queueModel.count);
        }

        function test_cancel() {
            mouseClick(findChild(row("q2"), "cancelQueued"));
            compare(cancelSpy.count, 1);
            compare(cancelSpy.signalArguments[0][0], "q2");
        }

        function test_editInPlace() {
            mouseClick(findChild(row("q1"), "editQueued"));
            verify(row("q1").editing);
            const editor = findChild(row("q1"), "queueEditor");
            verify(editor.visible);
            verify(editor.activeFocus);
            compare(editor.text, "First follow-up");
            editor.text = "First follow-up, but shorter";
            keyClick(Qt.Key_Return);
            compare(editSpy.count, 1);
            compare(editSpy.signalArguments[0][0], "q1");
            compare(editSpy.signalArguments[0][1], "First follow-up, but shorter");
            verify(!row("q1").editing);
        }

        function test_saveButtonCommits() {
            mouseClick(findChild(row("q3"), "editQueued"));
            findChild(row("q3"), "queueEditor").text = "Third, edited";
            waitForRendering(panel);
            mouseClick(findChild(row("q3"), "saveQueued"));
            compare(editSpy.signalArguments[0][1], "Third, edited");
        }

        function test_escapeAbandonsTheEdit() {
            mouseClick(findChild(row("q2"), "editQueued"));
            findChild(row("q2"), "queueEditor").text = "changed my mind";
            keyClick(Qt.Key_Escape);
            compare(editSpy.count, 0);
            verify(!row("q2").editing);
        }

        function test_unchangedOrEmptyEditSendsNothing() {
            mouseClick(findChild(row("q1"), "editQueued"));
            keyClick(Qt.Key_Return);
            mouseClick(findChild(row("q1"), "editQueued"));
            findChild(row("q1"), "queueEditor").text = "   ";
            keyClick(Qt.Key_Return);
            compare(editSpy.count, 0);
        }

        function test_editsTheFullTextWhenGiven() {
            panel.model = fullTextModel;
            waitForRendering(panel);
            mouseClick(findChild(row("long"), "editQueued"));
            compare(findChild(row("long"), "queueEditor").text, "Summarise the whole report");
        }
    }
}
