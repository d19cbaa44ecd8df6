import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// Copies `textToCopy` and confirms with a check mark for a moment.
Button {
    id: control

    property string textToCopy
    property string label
    property string toolTipText: qsTr("Copy")
    readonly property bool copied: confirmTimer.running

    implicitHeight: Math.round(26 * Theme.fontScale)
    leftPadding: label.length > 0 ? Theme.spacingS : 0
    rightPadding: label.length > 0 ? Theme.spacingS : 0
    implicitWidth: label.length > 0 ? implicitContentWidth + leftPadding + rightPadding : implicitHeight
    hoverEnabled: true
    focusPolicy: Qt.StrongFocus
    Accessible.name: copied ? qsTr("Copied") : toolTipText

    onClicked: {
        Clipboard.setText(textToCopy);
        confirmTimer.restart();
    }

    Timer {
        id: confirmTimer
        interval: 1500
    }

    contentItem: Row {
        spacing: Theme.spacingXS
        Item {
            width: Theme.iconSize
            height: parent.height
            Icon {
                anchors.centerIn: parent
                name: control.copied ? "check" : "copy"
                size: 14
                color: control.copied ? Theme.success : (control.hovered ? Theme.text : Theme.textMuted)
            }
        }
        Text {
            anchors.verticalCenter: parent.verticalCenter
            visible: control.label.length > 0
            text: control.copied ? qsTr("Copied") : control.label
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontSizeSmall
            color: control.copied ? Theme.success : (control.hovered ? Theme.text : Theme.textMuted)
        }
    }

    background: Rectangle {
        radius: Theme.radiusS
        color: control.down ? Theme.surfacePressed : (control.hovered ? Theme.surfaceHover : "transparent")
        border.width: control.visualFocus ? 2 : 0
        border.color: Theme.accent
    }

    ToolTip.visible: hovered && label.length === 0
    ToolTip.delay: 600
    ToolTip.text: toolTipText
}
