import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// A flat, round icon-only button with a tooltip; `toolTipText` is also its accessible name.
Button {
    id: control

    property string iconName
    property string toolTipText
    property color iconColor: Theme.textMuted
    property color hoverColor: Theme.surfaceHover
    property color restColor: "transparent"
    property int iconSize: Theme.iconSize
    property int diameter: Math.round(28 * Theme.fontScale)

    implicitWidth: diameter
    implicitHeight: diameter
    padding: 0
    focusPolicy: Qt.StrongFocus
    hoverEnabled: true
    Accessible.name: toolTipText
    Accessible.role: Accessible.Button

    contentItem: Item {
        Icon {
            anchors.centerIn: parent
            name: control.iconName
            size: control.iconSize
            color: control.enabled ? control.iconColor : Theme.textFaint
        }
    }

    background: Rectangle {
        radius: height / 2
        color: control.down ? Theme.surfacePressed : (control.hovered ? control.hoverColor : control.restColor)
        border.width: control.visualFocus ? 2 : 0
        border.color: Theme.accent
        Behavior on color {
            ColorAnimation {
                duration: Theme.durationFast
            }
        }
    }

    ToolTip.visible: hovered && toolTipText.length > 0
    ToolTip.delay: 600
    ToolTip.text: toolTipText
}
