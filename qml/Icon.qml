import QtQuick
import QtQuick.Controls.impl
import Caduceus

// A single-colour icon from icons/, tinted to `color`.
Item {
    id: icon

    property string name
    property int size: Theme.iconSize
    property color color: Theme.text

    implicitWidth: size
    implicitHeight: size
    width: size
    height: size
    Accessible.ignored: true

    IconImage {
        anchors.fill: parent
        source: icon.name.length > 0 ? Qt.resolvedUrl("icons/" + icon.name + ".svg") : ""
        sourceSize: Qt.size(icon.size, icon.size)
        color: icon.color
    }
}
