import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// The agent's answer: optional reasoning, then the Markdown, then time, state and copy.
Item {
    id: root

    property string content
    property string reasoning
    property real reasoningSeconds: -1
    property string status: "complete"  // streaming | complete | interrupted | cancelled | error
    property string timeText
    property string assistantName: qsTr("Hermes")
    property alias reasoningExpanded: reasoningSection.expanded

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

    Rectangle {
        id: avatar
        width: 28
        height: 28
        radius: 14
        gradient: Gradient {
            GradientStop { position: 0; color: Theme.dark ? "#8aa6ff" : "#4f7cff" }
            GradientStop { position: 1; color: Theme.dark ? "#a98bff" : "#7b5cff" }
        }
        Icon {
            anchors.centerIn: parent
            name: "thought"
            size: 16
            color: "#ffffff"
        }
    }

    Column {
        id: column
        anchors.left: avatar.right
        anchors.leftMargin: Theme.spacingM
        anchors.right: parent.right
        spacing: Theme.spacingS

        Row {
            height: 28
            spacing: Theme.spacingS
            Text {
                anchors.verticalCenter: parent.verticalCenter
                text: root.assistantName
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSizeBody
                font.weight: Font.DemiBold
                color: Theme.text
            }
            Text {
                anchors.verticalCenter: parent.verticalCenter
                visible: root.timeText.length > 0
                text: root.timeText
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSizeCaption
                color: Theme.textFaint
            }
        }

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
            visible: !root.streaming && (root.content.length > 0 || root.statusNote.length > 0)

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
                visible: root.content.length > 0
                opacity: root.showActions ? 1 : 0.55
                textToCopy: root.content
                label: qsTr("Copy")
                toolTipText: qsTr("Copy message")
            }
        }
    }
}
