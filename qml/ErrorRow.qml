import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// A failure shown in the conversation, apart from any text the answer already had.
Rectangle {
    id: root

    property string title: qsTr("Something went wrong")
    property string message

    implicitHeight: Math.max(layoutRow.implicitHeight, 20) + 2 * Theme.spacingM
    radius: Theme.radiusM
    color: Theme.dangerSoft
    border.width: 1
    border.color: Theme.dangerBorder
    Accessible.role: Accessible.AlertMessage
    Accessible.name: title + ". " + message

    Row {
        id: layoutRow
        x: Theme.spacingM
        y: Theme.spacingM
        width: parent.width - 2 * Theme.spacingM
        spacing: Theme.spacingM

        Icon {
            name: "alert"
            size: 18
            color: Theme.danger
        }
        Column {
            width: parent.width - 18 - copy.width - 2 * Theme.spacingM
            spacing: Theme.spacingXXS
            Text {
                width: parent.width
                text: root.title
                wrapMode: Text.Wrap
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSizeBody
                font.weight: Font.DemiBold
                color: Theme.dangerText
            }
            TextEdit {
                width: parent.width
                visible: root.message.length > 0
                text: root.message
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.Wrap
                textFormat: TextEdit.PlainText
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSizeBody
                color: Theme.text
                selectionColor: Theme.selection
                activeFocusOnTab: false
            }
        }
        CopyButton {
            id: copy
            textToCopy: root.message.length > 0 ? root.title + ": " + root.message : root.title
            toolTipText: qsTr("Copy error")
        }
    }
}
