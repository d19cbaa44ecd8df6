import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Caduceus

// The heading of one section of Settings ("Agent", "Appearance" …); a section in a file of its own uses it too.
Label {
    Layout.topMargin: Theme.spacingM
    font.family: Theme.fontFamily
    font.pixelSize: Theme.fontSizeBody
    font.weight: Font.DemiBold
    color: Theme.text
}
