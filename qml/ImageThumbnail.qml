import QtQuick
import Caduceus

// A sent image, cropped to a rounded tile. Rounding is painted with a ring in the colour of
// what lies behind (Qt 6.4 has no clip-to-shape without extra shader tooling).
Item {
    id: root

    property string path
    property color backdrop: Theme.window
    property int tileWidth: 160
    property int tileHeight: 120
    property int cornerRadius: Theme.radiusM

    implicitWidth: tileWidth
    implicitHeight: tileHeight
    clip: true
    Accessible.role: Accessible.Graphic
    Accessible.name: qsTr("Image %1").arg(LocalFiles.fileName(path))

    Rectangle {
        anchors.fill: parent
        color: Theme.surfaceAlt
        radius: root.cornerRadius
        Icon {
            anchors.centerIn: parent
            visible: picture.status !== Image.Ready
            name: "image"
            size: 22
            color: Theme.textFaint
        }
    }
    Image {
        id: picture
        anchors.fill: parent
        source: LocalFiles.exists(root.path) ? LocalFiles.toUrl(root.path) : ""
        sourceSize: Qt.size(root.tileWidth * 2, root.tileHeight * 2)
        fillMode: Image.PreserveAspectCrop
        asynchronous: true
        visible: status === Image.Ready
    }
    Rectangle {
        anchors.fill: parent
        anchors.margins: -root.cornerRadius
        radius: root.cornerRadius * 2
        color: "transparent"
        border.width: root.cornerRadius
        border.color: root.backdrop
    }
    Rectangle {
        anchors.fill: parent
        radius: root.cornerRadius
        color: "transparent"
        border.width: 1
        border.color: Theme.border
    }
    HoverHandler {
        cursorShape: Qt.PointingHandCursor
    }
    TapHandler {
        onTapped: Qt.openUrlExternally(LocalFiles.toUrl(root.path))
    }
}
