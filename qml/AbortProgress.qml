import QtQuick
import Caduceus

// Feedback for a stop request: "Stopping…" with a bar that fills over the grace period the
// agent is given to unwind. It completes at once when the stop is `confirmed` (or `active`
// drops), shows "Stopped", then fades away.
Item {
    id: root

    property bool active: false
    property int graceMs: 5000
    property bool confirmed: false
    property int lingerMs: 1600

    readonly property string phase: _phase   // idle | stopping | stopped
    readonly property alias progress: bar.progress
    property string _phase: "idle"

    function begin() {
        settleAnimation.stop();
        lingerTimer.stop();
        bar.progress = 0;
        _phase = "stopping";
        graceAnimation.duration = Math.max(1, graceMs);
        graceAnimation.restart();
        if (confirmed)
            complete();
    }

    function complete() {
        if (_phase !== "stopping")
            return;
        graceAnimation.stop();
        settleAnimation.restart();
    }

    function settle() {
        if (_phase !== "stopping")
            return;
        bar.progress = 1;
        _phase = "stopped";
        lingerTimer.restart();
    }

    onActiveChanged: {
        if (active)
            begin();
        else
            complete();
    }
    onConfirmedChanged: if (confirmed) complete()
    Component.onCompleted: if (active) begin()

    implicitWidth: Math.max(240, labelRow.implicitWidth + 2 * Theme.spacingM)
    implicitHeight: Math.round(46 * Theme.fontScale)
    opacity: _phase === "idle" ? 0 : 1
    visible: _phase !== "idle" || opacity > 0
    Behavior on opacity {
        NumberAnimation { duration: Theme.durationSlow; easing.type: Easing.OutCubic }
    }
    Accessible.role: Accessible.ProgressBar
    Accessible.name: label.text

    NumberAnimation {
        id: graceAnimation
        target: bar
        property: "progress"
        from: 0
        to: 1
        onFinished: root.settle()
    }
    NumberAnimation {
        id: settleAnimation
        target: bar
        property: "progress"
        to: 1
        duration: 180
        easing.type: Easing.OutCubic
        onFinished: root.settle()
    }
    Timer {
        id: lingerTimer
        interval: root.lingerMs
        onTriggered: if (root._phase === "stopped") root._phase = "idle"
    }

    Rectangle {
        anchors.fill: parent
        radius: Theme.radiusM
        color: Theme.surface
        border.width: 1
        border.color: root._phase === "stopped" ? Theme.border : Theme.warningBorder

        Row {
            id: labelRow
            x: Theme.spacingM
            y: Theme.spacingS + 1
            spacing: Theme.spacingS
            Item {
                width: 16
                height: 16
                anchors.verticalCenter: parent.verticalCenter
                Spinner {
                    anchors.centerIn: parent
                    visible: root._phase === "stopping"
                    color: Theme.warning
                    size: 14
                }
                Icon {
                    anchors.centerIn: parent
                    visible: root._phase === "stopped"
                    name: "check"
                    size: 15
                    color: Theme.success
                }
            }
            Text {
                id: label
                objectName: "abortLabel"
                anchors.verticalCenter: parent.verticalCenter
                text: root._phase === "stopped" ? qsTr("Stopped") : qsTr("Stopping…")
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSizeBody
                font.weight: Font.Medium
                color: Theme.text
            }
            Text {
                anchors.verticalCenter: parent.verticalCenter
                visible: root._phase === "stopping"
                text: qsTr("waiting for the agent to unwind")
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSizeSmall
                color: Theme.textMuted
            }
        }

        Item {
            id: bar
            property real progress: 0
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.bottom: parent.bottom
            anchors.margins: Theme.spacingM
            anchors.bottomMargin: Theme.spacingS + 1
            height: 3
            Rectangle {
                anchors.fill: parent
                radius: 1.5
                color: Theme.surfaceAlt
            }
            Rectangle {
                width: parent.width * bar.progress
                height: parent.height
                radius: 1.5
                color: root._phase === "stopped" ? Theme.success : Theme.warning
            }
        }
    }
}
