import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// Connection state to the agent: green connected, pulsing amber connecting, red unreachable.
// `reason` (e.g. "connection refused on 127.0.0.1:8642") is shown in the tooltip.
Control {
    id: root

    property string status: "connecting"   // connected | connecting | unreachable
    property string reason
    property bool showLabel: false

    readonly property color dotColor: status === "connected" ? Theme.success
                                    : status === "unreachable" ? Theme.danger : Theme.warning
    readonly property string statusText: status === "connected" ? qsTr("Connected")
                                       : status === "unreachable" ? qsTr("Unreachable") : qsTr("Connecting…")

    hoverEnabled: true
    padding: Theme.spacingXS
    focusPolicy: Qt.TabFocus
    Accessible.role: Accessible.Indicator
    Accessible.name: reason.length > 0 ? statusText + ": " + reason : statusText

    contentItem: Row {
        spacing: Theme.spacingXS + 2
        Item {
            width: 10
            height: 10
            anchors.verticalCenter: parent.verticalCenter
            Rectangle {
                id: halo
                anchors.centerIn: parent
                width: 10
                height: 10
                radius: 5
                color: root.dotColor
                opacity: 0
                SequentialAnimation {
                    running: root.status === "connecting"
                    loops: Animation.Infinite
                    ParallelAnimation {
                        NumberAnimation { target: halo; property: "scale"; from: 1; to: 2.2; duration: 1100 }
                        NumberAnimation { target: halo; property: "opacity"; from: 0.45; to: 0; duration: 1100 }
                    }
                }
            }
            Rectangle {
                objectName: "statusDot"
                anchors.centerIn: parent
                width: 8
                height: 8
                radius: 4
                color: root.dotColor
            }
        }
        Text {
            visible: root.showLabel
            anchors.verticalCenter: parent.verticalCenter
            text: root.statusText
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontSizeSmall
            color: Theme.textMuted
        }
    }

    background: Rectangle {
        radius: Theme.radiusS
        color: root.hovered && root.showLabel ? Theme.surfaceHover : "transparent"
        border.width: root.visualFocus ? 2 : 0
        border.color: Theme.accent
    }

    ToolTip.visible: hovered || visualFocus
    ToolTip.delay: 300
    ToolTip.text: reason.length > 0 ? statusText + " — " + reason : statusText
}
