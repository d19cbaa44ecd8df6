import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// The model's thinking, collapsed to one line ("Thought for 12 s") until the user opens it.
Column {
    id: root

    property string text
    property real seconds: -1   // how long the model thought; negative when unknown
    property bool thinking: false   // still reasoning (no answer text yet)
    property bool expanded: false

    readonly property string title: {
        if (thinking)
            return qsTr("Thinking…");
        if (seconds >= 0)
            return seconds < 1 ? qsTr("Thought for less than a second")
                               : qsTr("Thought for %n s", "", Math.round(seconds));
        return qsTr("Reasoning");
    }

    spacing: Theme.spacingS

    AbstractButton {
        id: toggle
        objectName: "reasoningToggle"
        x: -leftPadding // the icon lines up with the answer text; the hover fill extends left
        hoverEnabled: true
        focusPolicy: Qt.StrongFocus
        padding: Theme.spacingXS
        leftPadding: Theme.spacingS
        rightPadding: Theme.spacingS
        Accessible.role: Accessible.Button
        Accessible.name: root.title
        Accessible.description: root.expanded ? qsTr("Hide reasoning") : qsTr("Show reasoning")
        onClicked: root.expanded = !root.expanded
        Keys.onReturnPressed: clicked()
        Keys.onEnterPressed: clicked()

        contentItem: Row {
            spacing: Theme.spacingXS + 2
            Icon {
                anchors.verticalCenter: parent.verticalCenter
                name: "thought"
                size: 14
                color: root.thinking ? Theme.accent : Theme.textMuted
                SequentialAnimation on opacity {
                    running: root.thinking
                    loops: Animation.Infinite
                    NumberAnimation { to: 0.35; duration: 700; easing.type: Easing.InOutSine }
                    NumberAnimation { to: 1; duration: 700; easing.type: Easing.InOutSine }
                    onRunningChanged: if (!running) parent.opacity = 1
                }
            }
            Text {
                anchors.verticalCenter: parent.verticalCenter
                text: root.title
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSizeSmall
                font.weight: Font.Medium
                color: toggle.hovered ? Theme.text : Theme.textMuted
            }
            Icon {
                anchors.verticalCenter: parent.verticalCenter
                name: "chevron-right"
                size: 14
                color: Theme.textMuted
                rotation: root.expanded ? 90 : 0
                Behavior on rotation {
                    NumberAnimation { duration: Theme.durationFast }
                }
            }
        }

        background: Rectangle {
            radius: Theme.radiusS
            color: toggle.hovered ? Theme.surfaceHover : "transparent"
            border.width: toggle.visualFocus ? 2 : 0
            border.color: Theme.accent
        }
    }

    Item {
        visible: root.expanded
        width: root.width
        implicitHeight: reasoningText.implicitHeight

        Rectangle {
            x: Theme.spacingS + 6
            width: 2
            height: parent.height
            radius: 1
            color: Theme.border
        }
        MarkdownTextBlock {
            id: reasoningText
            x: Theme.spacingXL
            width: parent.width - x
            markdown: root.text
            textColor: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall + 1
        }
    }
}
