import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// An on/off switch in the app's colours, its knob inside its track (Basic's knob is larger than the track,
// and its label takes a palette colour that goes stale, unreadable, when the theme changes in Settings).
Switch {
    id: control

    spacing: Theme.spacingS
    hoverEnabled: true
    font.family: Theme.fontFamily
    font.pixelSize: Theme.fontSizeBody
    Accessible.name: text

    indicator: Rectangle {
        objectName: "switchTrack"
        implicitWidth: Math.round(36 * Theme.fontScale)
        implicitHeight: Math.round(20 * Theme.fontScale)
        x: control.leftPadding
        y: control.topPadding + (control.availableHeight - height) / 2
        radius: height / 2
        color: !control.enabled ? Theme.surfaceAlt : (control.checked ? Theme.accent : Theme.borderStrong)
        border.width: control.visualFocus ? 2 : 0
        border.color: Theme.accentSoftBorder

        Rectangle {
            objectName: "switchKnob"
            readonly property int inset: 3
            width: parent.height - inset * 2
            height: width
            radius: width / 2
            y: inset
            x: control.checked ? parent.width - width - inset : inset
            color: control.checked ? Theme.accentText : Theme.surface
            Behavior on x {
                NumberAnimation {
                    duration: Theme.durationFast
                }
            }
        }
    }

    contentItem: Text {
        objectName: "switchLabel"
        leftPadding: control.indicator.width + control.spacing
        text: control.text
        font: control.font
        color: control.enabled ? Theme.text : Theme.textFaint
        verticalAlignment: Text.AlignVCenter
        wrapMode: Text.WordWrap
    }
}
