import QtQuick
import Caduceus

// A quiet line in the conversation for things that happened around the messages:
// "Stopped", "Approval: allowed once", "Context compressed".
Item {
    id: root

    property string text
    property string iconName: "info"
    property color tint: Theme.textMuted

    implicitHeight: pill.height + Theme.spacingXS * 2
    Accessible.role: Accessible.StaticText
    Accessible.name: text

    Rectangle {
        anchors.verticalCenter: parent.verticalCenter
        anchors.left: parent.left
        anchors.right: pill.left
        anchors.rightMargin: Theme.spacingM
        height: 1
        color: Theme.border
    }
    Rectangle {
        anchors.verticalCenter: parent.verticalCenter
        anchors.left: pill.right
        anchors.leftMargin: Theme.spacingM
        anchors.right: parent.right
        height: 1
        color: Theme.border
    }
    Rectangle {
        id: pill
        anchors.centerIn: parent
        width: Math.min(contentRow.implicitWidth + 2 * Theme.spacingM, root.width * 0.8)
        height: Math.round(24 * Theme.fontScale)
        radius: height / 2
        color: Theme.surfaceAlt
        Row {
            id: contentRow
            anchors.centerIn: parent
            spacing: Theme.spacingXS + 2
            Icon {
                anchors.verticalCenter: parent.verticalCenter
                visible: root.iconName.length > 0
                name: root.iconName
                size: 13
                color: root.tint
            }
            Text {
                anchors.verticalCenter: parent.verticalCenter
                width: Math.min(implicitWidth, root.width * 0.8 - 2 * Theme.spacingM - 20)
                text: root.text
                elide: Text.ElideRight
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSizeSmall
                color: root.tint
            }
        }
    }
}
