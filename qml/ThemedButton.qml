import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// A text button in one of four looks: "primary", "secondary", "danger" or "ghost". An optional
// `shortcutHint` (e.g. "O") is drawn as a key cap after the label.
Button {
    id: control

    property string variant: "secondary"
    property string iconName
    property string shortcutHint

    readonly property color _fill: {
        if (!enabled)
            return Theme.surfaceAlt;
        switch (variant) {
        case "primary":
            return down ? Theme.accentPressed : (hovered ? Theme.accentHover : Theme.accent);
        case "danger":
            return down ? Theme.dangerHover : (hovered ? Theme.dangerHover : Theme.danger);
        case "ghost":
            return down ? Theme.surfacePressed : (hovered ? Theme.surfaceHover : "transparent");
        default:
            return down ? Theme.surfacePressed : (hovered ? Theme.surfaceHover : Theme.surface);
        }
    }
    readonly property color _ink: {
        if (!enabled)
            return Theme.textFaint;
        switch (variant) {
        case "primary":
            return Theme.accentText;
        case "danger":
            return "#ffffff";
        default:
            return Theme.text;
        }
    }

    implicitHeight: Theme.controlHeight
    leftPadding: Theme.spacingM
    rightPadding: Theme.spacingM
    topPadding: 0
    bottomPadding: 0
    hoverEnabled: true
    focusPolicy: Qt.StrongFocus
    font.family: Theme.fontFamily
    font.pixelSize: Theme.fontSizeBody
    font.weight: variant === "primary" || variant === "danger" ? Font.DemiBold : Font.Medium
    Accessible.name: text

    contentItem: Row {
        spacing: Theme.spacingS
        Icon {
            anchors.verticalCenter: parent.verticalCenter
            visible: control.iconName.length > 0
            name: control.iconName
            color: control._ink
        }
        Text {
            anchors.verticalCenter: parent.verticalCenter
            text: control.text
            font: control.font
            color: control._ink
            elide: Text.ElideRight
        }
        Rectangle {
            anchors.verticalCenter: parent.verticalCenter
            visible: control.shortcutHint.length > 0
            width: Math.max(hintLabel.implicitWidth + 8, 18)
            height: 18
            radius: 4
            color: "transparent"
            border.width: 1
            border.color: Qt.rgba(control._ink.r, control._ink.g, control._ink.b, 0.35)
            Text {
                id: hintLabel
                anchors.centerIn: parent
                text: control.shortcutHint
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSizeCaption
                color: control._ink
                opacity: 0.8
            }
        }
    }

    background: Rectangle {
        radius: Theme.radiusS
        color: control._fill
        border.width: control.visualFocus ? 2 : (control.variant === "secondary" ? 1 : 0)
        border.color: control.visualFocus ? Theme.accent : Theme.borderStrong
        Behavior on color {
            ColorAnimation {
                duration: Theme.durationFast
            }
        }
    }
}
