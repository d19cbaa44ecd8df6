import QtQuick
import Caduceus

// Three pulsing dots while the agent has not said anything yet.
Row {
    id: root

    property color color: Theme.textMuted

    spacing: 4
    height: 20
    Accessible.role: Accessible.Animation
    Accessible.name: qsTr("Hermes is working")

    Repeater {
        model: 3
        Rectangle {
            required property int index
            anchors.verticalCenter: parent.verticalCenter
            width: 7
            height: 7
            radius: 3.5
            color: root.color
            opacity: 0.3
            SequentialAnimation on opacity {
                running: root.visible
                loops: Animation.Infinite
                PauseAnimation { duration: index * 160 }
                NumberAnimation { to: 1; duration: 320; easing.type: Easing.OutQuad }
                NumberAnimation { to: 0.3; duration: 320; easing.type: Easing.InQuad }
                PauseAnimation { duration: (2 - index) * 160 }
            }
        }
    }
}
