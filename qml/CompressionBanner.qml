import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// Tells the user the conversation's older part is being (or was) summarised to fit the context.
// Feed it from compression.started / compression.completed: set `running` with messageCount and
// tokenCount, then `running: false` with the result figures or `errorText`.
Rectangle {
    id: root

    property bool running: false
    property int messageCount: 0
    property int tokenCount: 0
    property bool compressed: false
    property int beforeTokens: 0
    property int afterTokens: 0
    property int totalMessages: 0
    property int resultMessages: 0
    property string errorText
    // What was cut or left out to fit the window (compression.completed `notice`): when it is there, it
    // says what happened instead of the generic "the previous summary is used".
    property string noticeText
    property bool dismissed: false
    property int autoHideMs: 10000

    readonly property string phase: running ? "running" : errorText.length > 0 ? "failed" : compressed ? "done" : "idle"

    signal dismissRequested()

    function compact(value) {
        return value >= 1000 ? (value / 1000).toFixed(value >= 10000 ? 0 : 1) + "k" : String(value);
    }

    onRunningChanged: if (running) dismissed = false
    onPhaseChanged: {
        if (phase === "done")
            hideTimer.restart();
        else
            hideTimer.stop();
    }

    visible: phase !== "idle" && !dismissed
    implicitHeight: Math.max(bannerRow.implicitHeight, 20) + 2 * Theme.spacingS + 2
    implicitWidth: 560
    radius: Theme.radiusM
    color: phase === "failed" ? Theme.warningSoft : Theme.accentSoft
    border.width: 1
    border.color: phase === "failed" ? Theme.warningBorder : Theme.accentSoftBorder
    Accessible.role: Accessible.AlertMessage
    Accessible.name: message.text

    Timer {
        id: hideTimer
        interval: root.autoHideMs
        onTriggered: root.dismissed = true
    }

    Row {
        id: bannerRow
        x: Theme.spacingM
        anchors.verticalCenter: parent.verticalCenter
        width: parent.width - x - Theme.spacingS
        spacing: Theme.spacingS + 2

        Item {
            width: 16
            height: 16
            anchors.verticalCenter: parent.verticalCenter
            Spinner {
                anchors.centerIn: parent
                visible: root.running
                size: 14
            }
            Icon {
                anchors.centerIn: parent
                visible: !root.running
                name: root.phase === "failed" ? "alert" : "compress"
                size: 15
                color: root.phase === "failed" ? Theme.warning : Theme.accent
            }
        }
        Text {
            id: message
            objectName: "compressionMessage"
            anchors.verticalCenter: parent.verticalCenter
            width: parent.width - 16 - close.width - 2 * parent.spacing
            wrapMode: Text.Wrap
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontSizeSmall + 1
            color: Theme.text
            text: {
                switch (root.phase) {
                case "running":
                    return (root.messageCount === 1 ? qsTr("Compressing context: summarising 1 earlier message")
                                                    : qsTr("Compressing context: summarising %1 earlier messages")
                                                      .arg(root.messageCount))
                           + (root.tokenCount > 0 ? qsTr(" (~%1 tokens)…").arg(root.compact(root.tokenCount)) : "…");
                case "failed":
                    return root.noticeText.length > 0
                           ? qsTr("Context compression failed: %1. %2.").arg(root.errorText).arg(root.noticeText)
                           : qsTr("Context compression failed: %1. The previous summary is used.").arg(root.errorText);
                case "done":
                    return (root.beforeTokens > 0
                            ? qsTr("Context compressed: %1 → %2 tokens").arg(root.compact(root.beforeTokens))
                              .arg(root.compact(root.afterTokens))
                              + (root.totalMessages > 0 ? qsTr(", %1 of %2 messages kept verbatim")
                                                          .arg(root.resultMessages).arg(root.totalMessages) : "")
                            : qsTr("Context compressed"))
                           + (root.noticeText.length > 0 ? ". " + root.noticeText + "." : "");
                default:
                    return "";
                }
            }
        }
        IconButton {
            id: close
            anchors.verticalCenter: parent.verticalCenter
            visible: !root.running
            iconName: "close"
            iconSize: 13
            diameter: 24
            toolTipText: qsTr("Dismiss")
            onClicked: {
                root.dismissed = true;
                root.dismissRequested();
            }
        }
    }
}
