import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// A context-menu entry in the app's colours; `destructive` draws it in the danger colour.
MenuItem {
    id: control

    property bool destructive: false

    implicitHeight: Math.round(32 * Theme.fontScale)
    // The highlight stands inside the menu's rounded frame.
    leftInset: Theme.spacingXS
    rightInset: Theme.spacingXS
    topInset: 2
    bottomInset: 2
    leftPadding: Theme.spacingM + Theme.spacingXS
    rightPadding: Theme.spacingM + Theme.spacingXS
    font.pixelSize: Theme.fontSizeBody

    contentItem: Text {
        text: control.text
        font: control.font
        color: !control.enabled ? Theme.textFaint : (control.destructive ? Theme.danger : Theme.text)
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }
    background: Rectangle {
        implicitWidth: 180
        radius: Theme.radiusS
        color: control.highlighted ? (control.destructive ? Theme.dangerSoft : Theme.surfaceHover) : "transparent"
    }
}
