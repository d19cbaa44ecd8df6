import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// One tool call: what ran, its progress, and (expanded) its arguments and result.
Rectangle {
    id: root

    property string toolName
    property string preview
    property string status: "running"   // running | done | error
    property real duration: -1          // seconds; negative when unknown
    property string args
    property string result
    property bool expanded: false

    readonly property bool running: status === "running"
    readonly property bool failed: status === "error"
    readonly property bool hasDetails: args.length > 0 || result.length > 0
    readonly property string durationText: duration < 0 ? "" : duration < 10 ? qsTr("%1 s").arg(duration.toFixed(1))
                                                                             : qsTr("%1 s").arg(Math.round(duration))
    readonly property string statusText: running ? qsTr("Running") : failed ? qsTr("Failed") : qsTr("Done")
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
    border.color: failed ? Theme.dangerBorder : Theme.border

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
            Accessible.name: qsTr("Tool %1, %2").arg(root.toolName).arg(root.statusText)
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
                    color: root.failed ? Theme.dangerSoft : Theme.surfaceAlt
                    Icon {
                        anchors.centerIn: parent
                        name: root.toolName === "terminal" || root.toolName === "shell" ? "terminal" : "tool"
                        size: 14
                        color: root.failed ? Theme.danger : Theme.textMuted
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
                        name: root.failed ? "x-circle" : "check-circle"
                        size: 15
                        color: root.failed ? Theme.danger : Theme.success
                    }
                    Text {
                        anchors.verticalCenter: parent.verticalCenter
                        visible: text.length > 0
                        text: root.running ? qsTr("Running…") : root.durationText
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontSizeSmall
                        color: root.failed ? Theme.danger : Theme.textMuted
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
                title: root.failed ? qsTr("error") : qsTr("output")
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
