import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// The agent's answer: optional reasoning, then the Markdown, then time, state and copy. Inside a turn of several
// rows (ChatModel) only the turn's first row shows the header and only its last one the Copy of the whole turn.
Item {
    id: root

    property string content
    property string reasoning
    property real reasoningSeconds: -1
    property string status: "complete"  // streaming | complete | interrupted | cancelled | error
    property string timeText
    property string assistantName: qsTr("Hermes")
    property alias reasoningExpanded: reasoningSection.expanded
    property bool showHeader: true
    property bool showCopy: true
    property string copyText: content

    readonly property bool streaming: status === "streaming"
    readonly property bool showActions: hover.hovered || copyButton.activeFocus
    readonly property string statusNote: {
        switch (status) {
        case "interrupted":
            return qsTr("Interrupted");
        case "cancelled":
            return qsTr("Stopped");
        case "error":
            return qsTr("Incomplete");
        default:
            return "";
        }
    }

    implicitHeight: column.implicitHeight

    HoverHandler {
        id: hover
    }

    Column {
        id: column
        width: parent.width
        spacing: Theme.spacingS

        AssistantHeader {
            id: header
            visible: root.showHeader
            name: root.assistantName
            timeText: root.timeText
        }

        Column {
            id: body
            x: header.indent
            width: parent.width - x
            spacing: Theme.spacingS

            ReasoningSection {
                id: reasoningSection
                width: parent.width
                visible: root.reasoning.length > 0
                text: root.reasoning
                seconds: root.reasoningSeconds
                thinking: root.streaming && root.content.length === 0
            }

            TypingIndicator {
                visible: root.streaming && root.content.length === 0 && root.reasoning.length === 0
            }

            MessageBlocks {
                width: parent.width
                visible: root.content.length > 0
                markdown: root.content
            }

            Row {
                x: root.statusNote.length > 0 ? 0 : -copyButton.leftPadding
                spacing: Theme.spacingS
                height: copyButton.height
                visible: !root.streaming && ((root.showCopy && root.copyText.length > 0) || root.statusNote.length > 0)

                Rectangle {
                    anchors.verticalCenter: parent.verticalCenter
                    visible: root.statusNote.length > 0
                    width: noteLabel.implicitWidth + 2 * Theme.spacingS
                    height: 20
                    radius: 10
                    color: root.status === "error" ? Theme.dangerSoft : Theme.surfaceAlt
                    Text {
                        id: noteLabel
                        anchors.centerIn: parent
                        text: root.statusNote
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontSizeCaption
                        font.weight: Font.Medium
                        color: root.status === "error" ? Theme.dangerText : Theme.textMuted
                    }
                }
                CopyButton {
                    id: copyButton
                    objectName: "copyMessage"
                    visible: root.showCopy && root.copyText.length > 0
                    opacity: root.showActions ? 1 : 0.55
                    textToCopy: root.copyText
                    label: qsTr("Copy")
                    toolTipText: qsTr("Copy message")
                }
            }
        }
    }
}
