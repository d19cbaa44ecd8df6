import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Caduceus

// A sentence under a setting that says what it does.
Label {
    Layout.fillWidth: true
    wrapMode: Text.WordWrap
    font.family: Theme.fontFamily
    font.pixelSize: Theme.fontSizeSmall
    color: Theme.textMuted
}
