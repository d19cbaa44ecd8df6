import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// The inputs waiting for the current run, in order. Each can be cancelled, or edited in place
// before it starts. `model` needs the roles queueId, preview and position (1-based); an
// optional `text` role gives the full text to edit (else the preview is edited).
Rectangle {
    id: root

    property alias model: list.model
    property int maxVisibleRows: 5
    readonly property alias count: list.count
    property string editingId

    signal cancelRequested(string queueId)
    signal editRequested(string queueId, string newText)

    implicitHeight: header.height + list.height + Theme.spacingXS
    implicitWidth: 420
    radius: Theme.radiusM
    color: Theme.surface
    border.width: 1
    border.color: Theme.border
    Accessible.role: Accessible.List
    Accessible.name: qsTr("Queued messages")

    Item {
        id: header
        width: parent.width
        height: Math.round(34 * Theme.fontScale)
        Icon {
            id: headerIcon
            x: Theme.spacingM
            anchors.verticalCenter: parent.verticalCenter
            name: "queue"
            size: 14
            color: Theme.textMuted
        }
        Text {
            anchors.left: headerIcon.right
            anchors.leftMargin: Theme.spacingS
            anchors.verticalCenter: parent.verticalCenter
            text: qsTr("Up next")
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontSizeSmall
            font.weight: Font.DemiBold
            color: Theme.textMuted
        }
        Text {
            anchors.right: parent.right
            anchors.rightMargin: Theme.spacingM
            anchors.verticalCenter: parent.verticalCenter
            text: qsTr("Runs after the current turn")
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontSizeCaption
            color: Theme.textFaint
        }
        Rectangle {
            anchors.bottom: parent.bottom
            width: parent.width
            height: 1
            color: Theme.border
        }
    }

    ListView {
        id: list
        anchors.top: header.bottom
        width: parent.width
        height: Math.min(contentHeight, root.maxVisibleRows * Math.round(44 * Theme.fontScale))
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        keyNavigationEnabled: true
        ScrollBar.vertical: ScrollBar {}

        delegate: Item {
            id: row

            readonly property string itemId: String(model.queueId)
            readonly property string fullText: model.text !== undefined && model.text !== null ? String(model.text)
                                                                                                : String(model.preview)
            readonly property bool editing: root.editingId === itemId

            function startEditing() {
                root.editingId = itemId;
                editor.text = fullText;
                editor.forceActiveFocus();
                editor.selectAll();
            }
            function commit() {
                const changed = editor.text.trim();
                root.editingId = "";
                if (changed.length > 0 && changed !== fullText)
                    root.editRequested(itemId, changed);
            }
            function abandon() {
                root.editingId = "";
            }

            objectName: "queueRow_" + itemId
            width: list.width
            height: editing ? editorFrame.height + 2 * Theme.spacingS : Math.round(44 * Theme.fontScale)

            Rectangle {
                anchors.fill: parent
                anchors.margins: 2
                radius: Theme.radiusS
                color: rowHover.hovered && !row.editing ? Theme.surfaceHover : "transparent"
            }
            HoverHandler {
                id: rowHover
            }

            Rectangle {
                id: positionBadge
                x: Theme.spacingM
                y: row.editing ? Theme.spacingS + 4 : (row.height - height) / 2
                width: 22
                height: 22
                radius: 11
                color: Theme.surfaceAlt
                Text {
                    anchors.centerIn: parent
                    text: model.position
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontSizeCaption
                    font.weight: Font.DemiBold
                    color: Theme.textMuted
                }
            }

            Text {
                visible: !row.editing
                anchors.left: positionBadge.right
                anchors.leftMargin: Theme.spacingS + 2
                anchors.right: actions.left
                anchors.rightMargin: Theme.spacingS
                anchors.verticalCenter: parent.verticalCenter
                text: String(model.preview).replace(/\s+/g, " ")
                elide: Text.ElideRight
                maximumLineCount: 1
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSizeBody
                color: Theme.text
            }

            Row {
                id: actions
                visible: !row.editing
                anchors.right: parent.right
                anchors.rightMargin: Theme.spacingS
                anchors.verticalCenter: parent.verticalCenter
                spacing: Theme.spacingXXS
                IconButton {
                    objectName: "editQueued"
                    iconName: "edit"
                    iconSize: 14
                    toolTipText: qsTr("Edit queued message %1").arg(model.position)
                    onClicked: row.startEditing()
                }
                IconButton {
                    objectName: "cancelQueued"
                    iconName: "close"
                    iconSize: 14
                    hoverColor: Theme.dangerSoft
                    toolTipText: qsTr("Remove queued message %1").arg(model.position)
                    onClicked: root.cancelRequested(row.itemId)
                }
            }

            Rectangle {
                id: editorFrame
                visible: row.editing
                anchors.left: positionBadge.right
                anchors.leftMargin: Theme.spacingS + 2
                anchors.right: parent.right
                anchors.rightMargin: Theme.spacingM
                y: Theme.spacingS
                height: editor.implicitHeight + editButtons.height + Theme.spacingS
                radius: Theme.radiusS
                color: Theme.surface
                border.width: 1
                border.color: editor.activeFocus ? Theme.accent : Theme.borderStrong

                TextArea {
                    id: editor
                    objectName: "queueEditor"
                    width: parent.width
                    wrapMode: TextEdit.Wrap
                    textFormat: TextEdit.PlainText
                    selectByMouse: true
                    background: null
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontSizeBody
                    color: Theme.text
                    selectionColor: Theme.selection
                    Accessible.name: qsTr("Edit queued message")
                    Keys.onPressed: (event) => {
                        if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter) && !editor.inputMethodComposing
                                && !(event.modifiers & Qt.ShiftModifier)) {
                            event.accepted = true;
                            row.commit();
                        } else if (event.key === Qt.Key_Escape) {
                            event.accepted = true;
                            row.abandon();
                        }
                    }
                }
                Row {
                    id: editButtons
                    anchors.right: parent.right
                    anchors.rightMargin: Theme.spacingXS
                    anchors.bottom: parent.bottom
                    anchors.bottomMargin: Theme.spacingXS
                    spacing: Theme.spacingXS
                    ThemedButton {
                        variant: "ghost"
                        implicitHeight: 26
                        text: qsTr("Cancel")
                        onClicked: row.abandon()
                    }
                    ThemedButton {
                        objectName: "saveQueued"
                        variant: "primary"
                        implicitHeight: 26
                        text: qsTr("Save")
                        onClicked: row.commit()
                    }
                }
            }
        }
    }
}
