import QtQuick
import Caduceus

// The head of one agent turn: avatar, name and time. The turn's rows below it are indented by `indent`.
Row {
    id: root

    property string name: qsTr("Hermes")
    property string timeText
    readonly property int avatarSize: 28
    readonly property int indent: avatarSize + Theme.spacingM

    objectName: "assistantHeader"
    height: avatarSize
    spacing: Theme.spacingM

    Rectangle {
        width: root.avatarSize
        height: root.avatarSize
        radius: root.avatarSize / 2
        gradient: Gradient {
            GradientStop { position: 0; color: Theme.dark ? "#8aa6ff" : "#4f7cff" }
            GradientStop { position: 1; color: Theme.dark ? "#a98bff" : "#7b5cff" }
        }
        Icon {
            anchors.centerIn: parent
            name: "thought"
            size: 16
            color: "#ffffff"
        }
    }
    Text {
        anchors.verticalCenter: parent.verticalCenter
        text: root.name
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontSizeBody
        font.weight: Font.DemiBold
        color: Theme.text
    }
    Text {
        anchors.verticalCenter: parent.verticalCenter
        visible: root.timeText.length > 0
        text: root.timeText
        font.family: Theme.fontFamily
        font.pixelSize: Theme.fontSizeCaption
        color: Theme.textFaint
    }
}
