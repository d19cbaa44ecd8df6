import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Caduceus

// A full-width strip above the conversation for something the user should know (Demo agent,
// keychain missing, database recovered), with one optional action.
Rectangle {
    id: root

    property string text
    property string tone: "info"     // info | warning | danger
    property string actionText
    signal actionTriggered()

    implicitHeight: visible ? row.implicitHeight + Theme.spacingS * 2 : 0
    color: tone === "danger" ? Theme.dangerSoft : tone === "warning" ? Theme.warningSoft : Theme.accentSoft
    Accessible.role: Accessible.AlertMessage
    Accessible.name: text

    Rectangle {
        anchors.bottom: parent.bottom
        width: parent.width
        height: 1
        color: root.tone === "danger" ? Theme.dangerBorder : root.tone === "warning" ? Theme.warningBorder
                                                                                   : Theme.accentSoftBorder
    }

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: Theme.spacingL
        anchors.rightMargin: Theme.spacingM
        spacing: Theme.spacingM

        Icon {
            name: root.tone === "info" ? "info" : "alert"
            size: Theme.iconSize
            color: root.tone === "danger" ? Theme.danger : root.tone === "warning" ? Theme.warning : Theme.accent
        }
        Label {
            Layout.fillWidth: true
            text: root.text
            wrapMode: Text.WordWrap
            color: Theme.text
            font.pixelSize: Theme.fontSizeSmall
            font.family: Theme.fontFamily
        }
        ThemedButton {
            visible: root.actionText.length > 0
            text: root.actionText
            variant: "ghost"
            onClicked: root.actionTriggered()
        }
    }
}
