import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// A slider in the app's colours (Basic's track takes a palette colour that goes stale when the theme
// changes while Settings is open).
Slider {
    id: control

    hoverEnabled: true

    background: Rectangle {
        objectName: "sliderTrack"
        x: control.leftPadding
        y: control.topPadding + control.availableHeight / 2 - height / 2
        implicitWidth: 200
        implicitHeight: 4
        width: control.availableWidth
        height: implicitHeight
        radius: 2
        color: Theme.borderStrong

        Rectangle {
            objectName: "sliderFill"
            width: control.visualPosition * parent.width
            height: parent.height
            radius: 2
            color: Theme.accent
        }
    }

    handle: Rectangle {
        objectName: "sliderHandle"
        x: control.leftPadding + control.visualPosition * (control.availableWidth - width)
        y: control.topPadding + control.availableHeight / 2 - height / 2
        implicitWidth: 16
        implicitHeight: 16
        radius: 8
        color: control.pressed ? Theme.accentPressed : Theme.surface
        border.width: control.visualFocus ? 3 : 2
        border.color: Theme.accent
    }
}
