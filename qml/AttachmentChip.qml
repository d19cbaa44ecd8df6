import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// A file attachment as a chip: icon or tiny thumbnail, name, size; optionally removable.
Rectangle {
    id: root

    property string path
    property string name: LocalFiles.fileName(path)
    property bool image: LocalFiles.isImage(path)
    property bool removable: false
    readonly property string sizeText: LocalFiles.sizeText(path)

    signal removeRequested()

    implicitHeight: Math.round(36 * Theme.fontScale)
    implicitWidth: Math.min(260, chipRow.implicitWidth + Theme.spacingS + (removable ? Theme.spacingXS : Theme.spacingM))
    radius: Theme.radiusS + 2
    color: Theme.surface
    border.width: 1
    border.color: Theme.border
    Accessible.role: Accessible.StaticText
    Accessible.name: qsTr("Attachment %1").arg(name)

    Row {
        id: chipRow
        x: Theme.spacingXS + 2
        anchors.verticalCenter: parent.verticalCenter
        spacing: Theme.spacingS

        Rectangle {
            width: 26
            height: 26
            radius: Theme.radiusS - 2
            color: Theme.surfaceAlt
            clip: true
            Icon {
                anchors.centerIn: parent
                visible: !root.image || thumb.status !== Image.Ready
                name: root.image ? "image" : "file"
                size: 14
                color: Theme.textMuted
            }
            Image {
                id: thumb
                anchors.fill: parent
                visible: root.image && status === Image.Ready
                source: root.image && LocalFiles.exists(root.path) ? LocalFiles.toUrl(root.path) : ""
                sourceSize: Qt.size(52, 52)
                fillMode: Image.PreserveAspectCrop
                asynchronous: true
            }
        }
        Column {
            anchors.verticalCenter: parent.verticalCenter
            Text {
                width: Math.min(implicitWidth, 170)
                text: root.name
                elide: Text.ElideMiddle
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSizeSmall
                font.weight: Font.Medium
                color: Theme.text
            }
            Text {
                visible: text.length > 0
                text: root.sizeText
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSizeCaption
                color: Theme.textFaint
            }
        }
        IconButton {
            anchors.verticalCenter: parent.verticalCenter
            visible: root.removable
            objectName: "removeAttachment"
            iconName: "close"
            iconSize: 12
            diameter: 22
            toolTipText: qsTr("Remove %1").arg(root.name)
            onClicked: root.removeRequested()
        }
    }
}
