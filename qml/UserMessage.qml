import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// The user's turn: a bubble on the right, with image thumbnails and file chips above it.
Item {
    id: root

    property string content
    property var attachments: []     // [{type: "image"|"file", name, path, delivery: "path"|"image"|"text"|""}]
    property string timeText
    property string status
    property color backdrop: Theme.window

    readonly property var imageAttachments: (attachments || []).filter(a => a && a.type === "image")
    readonly property var fileAttachments: (attachments || []).filter(a => a && a.type !== "image")
    // How the attachments reached the agent (chat::AgentInput): their paths for an agent on this computer,
    // their contents (images as pictures, text files inline) for one elsewhere.
    readonly property string deliveryNote: {
        const list = attachments || [];
        const count = kind => list.filter(a => a && a.delivery === kind).length;
        const parts = [];
        const images = count("image"), texts = count("text"), paths = count("path");
        if (images > 0)
            parts.push(images === 1 ? qsTr("1 image sent as a picture") : qsTr("%1 images sent as pictures").arg(images));
        if (texts > 0)
            parts.push(texts === 1 ? qsTr("1 file sent inline as text") : qsTr("%1 files sent inline as text").arg(texts));
        if (paths > 0)
            parts.push(paths === 1 ? qsTr("1 attachment sent as its path (the agent runs on this computer)")
                                   : qsTr("%1 attachments sent as paths (the agent runs on this computer)").arg(paths));
        return parts.join(" · ");
    }
    readonly property real maxBubbleWidth: Math.max(120, width * 0.78)
    readonly property bool showActions: hover.hovered || copyButton.activeFocus

    implicitHeight: column.implicitHeight

    HoverHandler {
        id: hover
    }

    Column {
        id: column
        anchors.right: parent.right
        width: root.maxBubbleWidth
        spacing: Theme.spacingXS + 2

        Flow {
            visible: root.imageAttachments.length > 0
            anchors.right: parent.right
            width: Math.min(parent.width, childrenRect.width)
            layoutDirection: Qt.RightToLeft
            spacing: Theme.spacingS
            Repeater {
                model: root.imageAttachments
                ImageThumbnail {
                    required property var modelData
                    path: modelData.path || ""
                    backdrop: root.backdrop
                }
            }
        }

        Flow {
            visible: root.fileAttachments.length > 0
            anchors.right: parent.right
            width: parent.width
            layoutDirection: Qt.RightToLeft
            spacing: Theme.spacingS
            Repeater {
                model: root.fileAttachments
                AttachmentChip {
                    required property var modelData
                    path: modelData.path || ""
                    name: modelData.name || LocalFiles.fileName(modelData.path || "")
                }
            }
        }

        Text {
            objectName: "attachmentDelivery"
            visible: root.deliveryNote.length > 0
            width: parent.width
            horizontalAlignment: Text.AlignRight
            wrapMode: Text.WordWrap
            text: root.deliveryNote
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontSizeCaption
            color: Theme.textFaint
        }

        Item {
            width: parent.width
            height: bubble.height
            visible: root.content.length > 0

            Rectangle {
                id: bubble
                anchors.right: parent.right
                width: Math.min(root.maxBubbleWidth, bubbleText.implicitWidth + 2 * Theme.spacingM + 2)
                height: bubbleText.implicitHeight + 2 * Theme.spacingS + 4
                radius: Theme.radiusL
                color: Theme.userBubble
                border.width: 1
                border.color: Theme.userBubbleBorder

                TextEdit {
                    id: bubbleText
                    x: Theme.spacingM
                    y: Theme.spacingS + 2
                    width: parent.width - 2 * Theme.spacingM
                    text: root.content
                    textFormat: TextEdit.PlainText
                    wrapMode: TextEdit.Wrap
                    readOnly: true
                    selectByMouse: true
                    selectByKeyboard: true
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontSizeBody
                    color: Theme.userBubbleText
                    selectionColor: Theme.selection
                    activeFocusOnTab: false
                    Accessible.role: Accessible.StaticText
                    Accessible.name: qsTr("You said: %1").arg(root.content)
                }
            }

            Row {
                // Time and copy sit beside the bubble, shown on hover, so they take no space of their own.
                anchors.right: bubble.left
                anchors.rightMargin: Theme.spacingXS
                anchors.bottom: bubble.bottom
                spacing: Theme.spacingXS
                height: copyButton.height
                opacity: root.showActions ? 1 : 0
                Behavior on opacity {
                    NumberAnimation { duration: Theme.durationFast }
                }
                Text {
                    anchors.verticalCenter: parent.verticalCenter
                    visible: root.timeText.length > 0
                    text: root.timeText
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontSizeCaption
                    color: Theme.textFaint
                }
                CopyButton {
                    id: copyButton
                    objectName: "copyMessage"
                    textToCopy: root.content
                    toolTipText: qsTr("Copy message")
                }
            }
        }
    }
}
