import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// A multi-line text field in the app's colours, framed like ThemedTextField (Basic's TextArea has no frame,
// and takes its colours from a palette that popups do not refresh).
TextArea {
    id: control

    padding: Theme.spacingS + 2
    font.family: Theme.fontFamily
    font.pixelSize: Theme.fontSizeBody
    color: enabled ? Theme.text : Theme.textFaint
    placeholderTextColor: Theme.textFaint
    selectionColor: Theme.selection
    selectedTextColor: Theme.text

    background: Rectangle {
        objectName: "fieldBackground"
        implicitWidth: 200
        radius: Theme.radiusS
        color: Theme.surface
        border.width: control.activeFocus ? 2 : 1
        border.color: control.activeFocus ? Theme.accent : Theme.borderStrong
    }
}
