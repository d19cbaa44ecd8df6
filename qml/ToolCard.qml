import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// One tool call: what ran, its progress, and (expanded) its arguments and result.
Rectangle {
    id: root

    property string toolName
    property string preview
    property string status: "running"   // running | done | error (shorthand for toolState)
    // running | waitingApproval | done | failed | denied | cancelled (the chat model's toolState role)
    property string toolState: status === "error" ? "failed" : status
    property string approvalChoice      // the answer to this tool's approval: once | session | always | deny | timeout
    property real duration: -1          // seconds; negative when unknown
    property string args
    property string result
    property bool expanded: false

    readonly property bool running: toolState === "running"
    readonly property bool waiting: toolState === "waitingApproval"
    readonly property bool denied: toolState === "denied"
    readonly property bool failed: toolState === "failed" || denied
    readonly property bool cancelled: toolState === "cancelled"
    readonly property bool hasDetails: args.length > 0 || result.length > 0
    readonly property string durationText: duration < 0 ? "" : duration < 10 ? qsTr("%1 s").arg(duration.toFixed(1))
                                                                             : qsTr("%1 s").arg(Math.round(duration))
    readonly property string statusText: {
        switch (toolState) {
        case "running":
            return qsTr("Running");
        case "waitingApproval":
            return qsTr("Waiting for approval");
        case "failed":
            return qsTr("Failed");
        case "denied":
            // Nobody answered the approval request: the agent denies it after its timeout.
            return approvalChoice === "timeout" ? qsTr("Denied: no answer") : qsTr("Denied");
        case "cancelled":
            return qsTr("Stopped");
        default:
            return qsTr("Done");
        }
    }
    // What the user answered, shown on the card of the command it answered.
    readonly property string approvalText: {
        switch (approvalChoice) {
        case "once":
            return qsTr("Allowed once");
        case "session":
            return qsTr("Allowed for this run");
        case "always":
            return qsTr("Always allowed");
        case "deny":
            return qsTr("Denied by you");
        default:
            return "";
        }
    }
    readonly property color stateColor: failed ? Theme.danger : waiting ? Theme.warning : Theme.textMuted
    readonly property int resultLimit: 4000
    property bool showFullResult: false

    function prettyJson(text) {
        try {
            return JSON.stringify(JSON.parse(text), null, 2);
        } catch (e) {
            return text;
        }
    }

    implicitHeight: column.implicitHeight
    radius: Theme.radiusM
    color: Theme.surface
    border.width: 1
    border.color: failed ? Theme.dangerBorder : waiting ? Theme.warningBorder : Theme.border

    Column {
        id: column
        width: parent.width

        AbstractButton {
            id: header
            objectName: "toolCardHeader"
            width: parent.width
            implicitHeight: Math.round(40 * Theme.fontScale)
            hoverEnabled: true
            focusPolicy: root.hasDetails ? Qt.StrongFocus : Qt.NoFocus
            enabled: root.hasDetails
            Accessible.role: Accessible.Button
            Accessible.name: root.approvalText.length > 0 && !root.denied
                             ? qsTr("Tool %1, %2, %3").arg(root.toolName).arg(root.statusText).arg(root.approvalText)
                             : qsTr("Tool %1, %2").arg(root.toolName).arg(root.statusText)
            Accessible.description: root.preview
            onClicked: root.expanded = !root.expanded
            Keys.onReturnPressed: clicked()
            Keys.onEnterPressed: clicked()

            background: Rectangle {
                radius: root.radius
                color: header.hovered ? Theme.surfaceHover : "transparent"
                border.width: header.visualFocus ? 2 : 0
                border.color: Theme.accent
            }

            contentItem: Item {
                Rectangle {
                    id: badge
                    x: Theme.spacingS + 2
                    anchors.verticalCenter: parent.verticalCenter
                    width: 24
                    height: 24
                    radius: Theme.radiusS
                    color: root.failed ? Theme.dangerSoft : root.waiting ? Theme.warningSoft : Theme.surfaceAlt
                    Icon {
                        anchors.centerIn: parent
                        name: root.toolName === "terminal" || root.toolName === "shell" ? "terminal" : "tool"
                        size: 14
                        color: root.stateColor
                    }
                }
                Text {
                    id: nameLabel
                    anchors.left: badge.right
                    anchors.leftMargin: Theme.spacingS + 2
                    anchors.verticalCenter: parent.verticalCenter
                    text: root.toolName
                    font.family: Theme.monoFamily
                    font.pixelSize: Theme.fontSizeSmall + 1
                    font.weight: Font.DemiBold
                    color: Theme.text
                }
                Text {
                    anchors.left: nameLabel.right
                    anchors.leftMargin: Theme.spacingS + 2
                    anchors.right: statusRow.left
                    anchors.rightMargin: Theme.spacingM
                    anchors.verticalCenter: parent.verticalCenter
                    text: root.preview.replace(/\s+/g, " ")
                    elide: Text.ElideRight
                    maximumLineCount: 1
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontSizeSmall + 1
                    color: Theme.textMuted
                }
                Row {
                    id: statusRow
                    anchors.right: parent.right
                    anchors.rightMargin: Theme.spacingM
                    anchors.verticalCenter: parent.verticalCenter
                    spacing: Theme.spacingS

                    Rectangle {
                        // The approval answer, at the tool it allowed (a denial shows as the tool's state).
                        objectName: "toolApproval"
                        anchors.verticalCenter: parent.verticalCenter
                        visible: root.approvalText.length > 0 && !root.denied
                        width: approvalLabel.implicitWidth + 2 * Theme.spacingS
                        height: approvalLabel.implicitHeight + 4
                        radius: height / 2
                        color: Theme.surfaceAlt
                        Text {
                            id: approvalLabel
                            anchors.centerIn: parent
                            text: root.approvalText
                            font.family: Theme.fontFamily
                            font.pixelSize: Theme.fontSizeCaption
                            color: Theme.textMuted
                        }
                    }
                    Spinner {
                        objectName: "toolSpinner"
                        anchors.verticalCenter: parent.verticalCenter
                        visible: root.running
                        size: 14
                    }
                    Icon {
                        objectName: "toolStatusIcon"
                        anchors.verticalCenter: parent.verticalCenter
                        visible: !root.running
                        name: root.failed || root.cancelled ? "x-circle" : root.waiting ? "shield" : "check-circle"
                        size: 15
                        color: root.failed ? Theme.danger : root.waiting ? Theme.warning
                                                                         : root.cancelled ? Theme.textMuted : Theme.success
                    }
                    Text {
                        objectName: "toolStatusText"
                        anchors.verticalCenter: parent.verticalCenter
                        visible: text.length > 0
                        // Words for every state but a plain success, whose tick and duration say enough.
                        text: root.running ? qsTr("Running…")
                                           : root.toolState === "done" ? root.durationText
                                                                       : root.durationText.length > 0 && root.failed
                                                                         ? root.statusText + " · " + root.durationText
                                                                         : root.statusText
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontSizeSmall
                        font.weight: root.failed || root.waiting ? Font.DemiBold : Font.Normal
                        color: root.stateColor
                    }
                    Icon {
                        anchors.verticalCenter: parent.verticalCenter
                        visible: root.hasDetails
                        name: "chevron-right"
                        size: 14
                        color: Theme.textMuted
                        rotation: root.expanded ? 90 : 0
                        Behavior on rotation {
                            NumberAnimation { duration: Theme.durationFast }
                        }
                    }
                }
            }
        }

        Column {
            visible: root.expanded
            width: parent.width - 2 * Theme.spacingM
            x: Theme.spacingM
            spacing: Theme.spacingS
            bottomPadding: Theme.spacingM

            CodeBlock {
                visible: root.args.length > 0
                width: parent.width
                code: root.expanded ? root.prettyJson(root.args) : ""
                language: "json"
                title: qsTr("arguments")
            }
            CodeBlock {
                visible: root.result.length > 0
                width: parent.width
                code: !root.expanded ? "" : (root.showFullResult || root.result.length <= root.resultLimit)
                                             ? root.result : root.result.slice(0, root.resultLimit) + "\n…"
                language: ""
                title: root.denied ? qsTr("denied") : root.failed ? qsTr("error") : qsTr("output")
            }
            ThemedButton {
                visible: root.result.length > root.resultLimit && !root.showFullResult
                variant: "ghost"
                text: qsTr("Show all %Ln characters", "", root.result.length)
                onClicked: root.showFullResult = true
            }
        }
    }
}
