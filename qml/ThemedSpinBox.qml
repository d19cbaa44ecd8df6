import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// A number box in the app's colours: Basic's is a white block in the dark theme once the theme changes
// while Settings is open (its colours come from a palette popups do not refresh).
SpinBox {
    id: control

    implicitHeight: Theme.controlHeight
    font.family: Theme.fontFamily
    font.pixelSize: Theme.fontSizeBody
    hoverEnabled: true

    contentItem: TextInput {
        objectName: "spinText"
        z: 2
        text: control.displayText
        font: control.font
        color: control.enabled ? Theme.text : Theme.textFaint
        selectionColor: Theme.selection
        selectedTextColor: Theme.text
        horizontalAlignment: Qt.AlignHCenter
        verticalAlignment: Qt.AlignVCenter
        readOnly: !control.editable
        validator: control.validator
        inputMethodHints: control.inputMethodHints
        selectByMouse: true
    }

    component Step: Rectangle {
        required property var step
        required property string glyph
        x: 0
        height: control.height
        implicitWidth: Theme.controlHeight
        implicitHeight: Theme.controlHeight
        radius: Theme.radiusS
        color: step.pressed ? Theme.surfacePressed : (step.hovered ? Theme.surfaceHover : Theme.surfaceAlt)
        border.color: Theme.borderStrong
        Text {
            anchors.centerIn: parent
            text: parent.glyph
            font.pixelSize: Theme.fontSizeLarge
            color: parent.enabled ? Theme.text : Theme.textFaint
        }
    }

    up.indicator: Step {
        step: control.up
        glyph: "+"
        x: control.mirrored ? 0 : control.width - width
    }
    down.indicator: Step {
        step: control.down
        glyph: "−"
        x: control.mirrored ? control.width - width : 0
    }

    background: Rectangle {
        objectName: "spinBackground"
        implicitWidth: 140
        radius: Theme.radiusS
        color: Theme.surface
        border.width: control.activeFocus ? 2 : 1
        border.color: control.activeFocus ? Theme.accent : Theme.borderStrong
    }
}
