import QtQuick
import Caduceus

// One row of the conversation, drawn according to its `role`:
//   user → bubble with attachments, assistant → Markdown answer with reasoning,
//   tool → ToolCard, error → ErrorRow, system/notice → NoticeRow.
// Property names follow the message model's roles, e.g. in a ListView delegate:
//   MessageDelegate { width: Math.min(ListView.view.width - 2 * Theme.spacingXL, Theme.contentMaxWidth)
//                     anchors.horizontalCenter: parent.horizontalCenter
//                     messageId: model.id; role: model.role; content: model.content; ... }
// The row uses its whole width (at most Theme.contentMaxWidth, centred): give it the side margins.
// View state (an opened tool card or reasoning) is reset when `messageId` changes, so the
// delegate can be reused by a ListView with reuseItems.
// One agent turn spans several rows (answers, tool cards, notices): the chat model's `turnStart` row carries
// the turn's header (avatar, name, time), its `turnEnd` row the Copy of the turn's text (`turnCopyText`), the
// rows between are indented under the header, and a `hidden` row takes no space.
Item {
    id: root

    property string messageId
    property string role
    property string content
    property string reasoning
    property real reasoningSeconds: -1
    property string toolName
    property string toolPreview
    property string toolStatus: "running"   // running | done | error
    property string toolState: toolStatus === "error" ? "failed" : toolStatus // running | waitingApproval | done | failed | denied | cancelled
    property string approvalChoice          // on a tool: the user's answer to its approval request
    property real toolDuration: -1          // seconds
    property string toolArgs
    property string toolResult
    property string status: "complete"      // streaming | complete | interrupted | cancelled | error
    property var timestamp                  // seconds or milliseconds since the epoch, or a Date
    property var attachments: []            // [{type: "image"|"file", name, path}]
    property string noticeIcon: "info"
    readonly property bool inTurn: role === "assistant" || role === "tool" || role === "notice" || role === "error"
                                   || role === "system"
    property bool turnStart: role === "assistant"
    property bool turnEnd: role === "assistant"
    property bool hidden: false
    property string turnCopyText: role === "assistant" ? content : ""
    property color backdrop: Theme.window

    signal viewStateReset()

    onMessageIdChanged: viewStateReset()

    readonly property string timeText: formatTime(timestamp)
    readonly property var attachmentList: toArray(attachments)
    readonly property int verticalPadding: role === "tool" || role === "notice" || role === "system"
                                           ? Theme.spacingXS : Theme.spacingS + 2

    // Attachments may come as a JS array, a list model (count/get) or a JSON string.
    function toArray(value) {
        if (!value)
            return [];
        if (Array.isArray(value))
            return value;
        if (typeof value === "string") {
            try {
                const parsed = JSON.parse(value);
                return Array.isArray(parsed) ? parsed : [];
            } catch (e) {
                return [];
            }
        }
        if (value.count !== undefined && typeof value.get === "function") {
            const items = [];
            for (let i = 0; i < value.count; ++i)
                items.push(value.get(i));
            return items;
        }
        if (value.length !== undefined) {
            const items = [];
            for (let j = 0; j < value.length; ++j)
                items.push(value[j]);
            return items;
        }
        return [];
    }

    function formatTime(value) {
        if (value === undefined || value === null || value === "" || value === 0)
            return "";
        let date;
        if (value instanceof Date)
            date = value;
        else if (typeof value === "number")
            date = new Date(value > 1e12 ? value : value * 1000);
        else
            date = new Date(value);
        if (isNaN(date.getTime()))
            return "";
        const now = new Date();
        const sameDay = date.toDateString() === now.toDateString();
        const time = Qt.formatTime(date, Theme.locale.timeFormat(Locale.ShortFormat));
        if (sameDay)
            return time;
        // An older year is part of the date, or "15 Nov" reads as this November.
        const day = date.getFullYear() === now.getFullYear() ? "d MMM" : "d MMM yyyy";
        return Qt.formatDate(date, day) + " " + time;
    }

    implicitHeight: hidden ? 0 : column.implicitHeight + 2 * verticalPadding
    implicitWidth: 600
    visible: !hidden

    Column {
        id: column
        anchors.horizontalCenter: parent.horizontalCenter
        y: root.verticalPadding
        width: Math.min(root.width, Theme.contentMaxWidth)
        spacing: Theme.spacingS

        // The turn's header when its first row is not an answer (a tool card, a notice); an answer draws its own.
        AssistantHeader {
            id: turnHeader
            visible: root.inTurn && root.turnStart && root.role !== "assistant" && !root.hidden
            timeText: root.timeText
        }

        Loader {
            id: loader
            active: !root.hidden
            x: root.inTurn && root.role !== "assistant" && root.role !== "tool" ? turnHeader.indent : 0
            width: parent.width - x
            sourceComponent: {
                switch (root.role) {
                case "user":
                    return userComponent;
                case "assistant":
                    return assistantComponent;
                case "tool":
                    return toolComponent;
                case "error":
                    return errorComponent;
                default:
                    return noticeComponent;
                }
            }
        }

        // Copy of the turn's text under its last row when that row is not an answer (a tool card, an error).
        CopyButton {
            objectName: "copyTurn"
            x: turnHeader.indent - leftPadding
            visible: root.inTurn && root.turnEnd && root.role !== "assistant" && root.turnCopyText.length > 0
            textToCopy: root.turnCopyText
            label: qsTr("Copy")
            toolTipText: qsTr("Copy message")
        }
    }

    Component {
        id: userComponent
        UserMessage {
            content: root.content
            attachments: root.attachmentList
            timeText: root.timeText
            status: root.status
            backdrop: root.backdrop
        }
    }

    Component {
        id: assistantComponent
        AssistantMessage {
            id: assistant
            content: root.content
            reasoning: root.reasoning
            reasoningSeconds: root.reasoningSeconds
            status: root.status
            timeText: root.timeText
            showHeader: root.turnStart
            showCopy: root.turnEnd
            copyText: root.turnCopyText
            Connections {
                target: root
                function onViewStateReset() { assistant.reasoningExpanded = false; }
            }
        }
    }

    Component {
        id: toolComponent
        Item {
            implicitHeight: card.implicitHeight
            ToolCard {
                id: card
                // Tool activity sits under the answer it belongs to, aligned with its text.
                x: turnHeader.indent
                width: parent.width - x
                toolName: root.toolName
                preview: root.toolPreview
                toolState: root.toolState
                approvalChoice: root.approvalChoice
                duration: root.toolDuration
                args: root.toolArgs
                result: root.toolResult
            }
            Connections {
                target: root
                function onViewStateReset() {
                    card.expanded = false;
                    card.showFullResult = false;
                }
            }
        }
    }

    Component {
        id: errorComponent
        ErrorRow {
            title: qsTr("Error")
            message: root.content
        }
    }

    Component {
        id: noticeComponent
        NoticeRow {
            text: root.content
            iconName: root.noticeIcon
        }
    }
}
