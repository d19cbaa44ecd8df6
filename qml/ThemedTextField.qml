import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// A one-line text field in the app's colours. Basic's takes them from the palette, which a popup (Settings,
// the rename dialog) does not re-read when the theme changes while it is open: these bind to Theme itself.
TextField {
    id: control

    implicitHeight: Math.max(Theme.controlHeight, contentHeight + topPadding + bottomPadding)
    leftPadding: Theme.spacingS + 2
    rightPadding: Theme.spacingS + 2
    font.family: Theme.fontFamily
    font.pixelSize: Theme.fontSizeBody
    color: enabled ? Theme.text : Theme.textFaint
    placeholderTextColor: Theme.textFaint
    selectionColor: Theme.selection
    selectedTextColor: Theme.text
    verticalAlignment: TextInput.AlignVCenter

    background: Rectangle {
        objectName: "fieldBackground"
        implicitWidth: 200
        radius: Theme.radiusS
        color: control.readOnly ? Theme.surfaceAlt : Theme.surface
        border.width: control.activeFocus ? 2 : 1
        border.color: control.activeFocus ? Theme.accent : Theme.borderStrong
    }
}
