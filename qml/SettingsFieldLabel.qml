import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Caduceus

// The visible name of a field in Settings, above it (a placeholder alone disappears as soon as one types).
// Clicking it puts the keyboard in its field (`buddy`).
Label {
    id: root

    property Item buddy

    Layout.topMargin: Theme.spacingXS
    font.family: Theme.fontFamily
    font.pixelSize: Theme.fontSizeSmall
    font.weight: Font.Medium
    color: Theme.textMuted

    TapHandler {
        onTapped: if (root.buddy) root.buddy.forceActiveFocus()
    }
}
