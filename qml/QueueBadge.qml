import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// How many inputs wait for the current run; click to show the queue.
AbstractButton {
    id: root

    property int count: 0

    visible: count > 0
    implicitHeight: Math.round(24 * Theme.fontScale)
    implicitWidth: badgeRow.implicitWidth + 2 * Theme.spacingS + 2
    hoverEnabled: true
    focusPolicy: Qt.StrongFocus
    checkable: true
    Keys.onReturnPressed: {
        toggle();
        clicked();
    }
    Accessible.role: Accessible.Button
    Accessible.name: count === 1 ? qsTr("1 queued message") : qsTr("%1 queued messages").arg(count)

    contentItem: Item {
        Row {
            id: badgeRow
            anchors.centerIn: parent
            spacing: Theme.spacingXS + 1
            Icon {
                anchors.verticalCenter: parent.verticalCenter
                name: "queue"
                size: 13
                color: Theme.accent
            }
            Text {
                objectName: "queueCount"
                anchors.verticalCenter: parent.verticalCenter
                text: qsTr("%n queued", "", root.count)
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSizeSmall
                font.weight: Font.DemiBold
                color: Theme.accent
            }
        }
    }

    background: Rectangle {
        radius: height / 2
        color: root.checked || root.hovered ? Theme.accentSoft : Qt.rgba(Theme.accentSoft.r, Theme.accentSoft.g,
                                                                           Theme.accentSoft.b, 0.6)
        border.width: root.visualFocus ? 2 : 1
        border.color: root.visualFocus ? Theme.accent : Theme.accentSoftBorder
    }

    Behavior on implicitWidth {
        NumberAnimation { duration: Theme.durationFast }
    }
}
