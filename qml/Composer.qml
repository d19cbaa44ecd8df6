import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// Where the user writes. Enter sends, Shift+Enter starts a new line, nothing is sent while an
// input method is composing. Files come in through the attach button, drag and drop, or paste
// (a pasted image is saved to a file first). While a run is going, sending queues the message,
// or steers the run when the agent supports it and the Steer toggle is on.
FocusScope {
    id: root

    property bool running: false
    property bool steerSupported: false
    property bool steerEnabled: false
    property int queueCount: 0
    property alias text: input.text
    property var attachments: []   // local file paths
    property string placeholderText: qsTr("Message Hermes…")
    property int maxVisibleLines: 10

    readonly property bool hasContent: input.text.trim().length > 0 || attachments.length > 0
    // Steering injects text into the running turn; files cannot travel that way.
    readonly property bool steerActive: running && steerSupported && steerEnabled && attachments.length === 0
    readonly property string sendMode: !running ? "send" : !hasContent ? "stop" : steerActive ? "steer" : "queue"
    readonly property alias inputItem: input
    property string noticeText

    signal sendRequested(string text, var attachments, bool steer)
    signal stopRequested()

    // A notice (e.g. why a send failed) shows in place of the hint for a few seconds.
    onNoticeTextChanged: if (noticeText.length > 0) noticeTimer.restart()

    function send() {
        if (!enabled || !hasContent)
            return false;
        const message = input.text.replace(/^\s+|\s+$/g, "");
        const files = attachments.slice();
        const steer = steerActive;
        input.clear();
        attachments = [];
        sendRequested(message, files, steer);
        return true;
    }

    function addAttachments(paths) {
        const added = [];
        for (let i = 0; i < paths.length; ++i) {
            const path = String(paths[i]);
            if (path.length > 0 && attachments.indexOf(path) < 0 && added.indexOf(path) < 0)
                added.push(path);
        }
        if (added.length > 0)
            attachments = attachments.concat(added);
        return added.length;
    }

    function removeAttachment(index) {
        const copy = attachments.slice();
        copy.splice(index, 1);
        attachments = copy;
        input.forceActiveFocus();
    }

    function focusInput() {
        input.forceActiveFocus();
    }

    function showNotice(message) {
        noticeText = message;
    }

    function localPaths(urls) {
        const paths = [];
        for (let i = 0; i < urls.length; ++i) {
            const path = LocalFiles.toLocalPath(urls[i]);
            if (path.length > 0)
                paths.push(path);
        }
        return paths;
    }

    implicitHeight: frame.implicitHeight
    implicitWidth: 640

    Timer {
        id: noticeTimer
        interval: 5000
        onTriggered: root.noticeText = ""
    }

    Connections {
        target: Clipboard
        function onFailed(message) { root.showNotice(message); }
    }

    // Opens the file picker, created on first use. Qt 6.4 crashes when its own file dialog (used where the
    // desktop has none) cannot load its QML, so RuntimeCheck tries those imports first; what is missing is
    // said in the hint line, and drag and drop still works.
    function openAttachDialog() {
        const problem = RuntimeCheck.fileDialogProblem();
        if (problem.length > 0) {
            showNotice(problem + " " + qsTr("Drop files here instead."));
            return false;
        }
        attachDialogLoader.active = true;
        if (attachDialogLoader.status !== Loader.Ready) {
            showNotice(qsTr("The file dialog cannot open. Drop files here instead."));
            return false;
        }
        attachDialogLoader.item.open();
        return true;
    }

    Loader {
        id: attachDialogLoader
        active: false
        source: "AttachDialog.qml"
    }

    Connections {
        target: attachDialogLoader.item
        ignoreUnknownSignals: true
        function onAccepted() {
            root.addAttachments(root.localPaths(attachDialogLoader.item.selectedFiles));
            root.focusInput();
        }
    }

    Rectangle {
        id: frame
        width: parent.width
        implicitHeight: content.implicitHeight + 2 * Theme.spacingS
        radius: Theme.radiusL
        color: Theme.surface
        border.width: dropArea.containsDrag ? 2 : 1
        border.color: dropArea.containsDrag || input.activeFocus ? Theme.accent : Theme.borderStrong
        Behavior on border.color {
            ColorAnimation { duration: Theme.durationFast }
        }

        Column {
            id: content
            x: Theme.spacingS
            y: Theme.spacingS
            width: parent.width - 2 * Theme.spacingS
            spacing: Theme.spacingXS

            Flow {
                visible: root.attachments.length > 0
                width: parent.width
                spacing: Theme.spacingS
                padding: Theme.spacingXS
                Repeater {
                    model: root.attachments
                    AttachmentChip {
                        required property string modelData
                        required property int index
                        path: modelData
                        removable: true
                        onRemoveRequested: root.removeAttachment(index)
                    }
                }
            }

            ScrollView {
                id: scroll
                width: parent.width
                height: Math.min(input.implicitHeight,
                                 input.topPadding + input.bottomPadding + root.maxVisibleLines * fontMetrics.lineSpacing)
                ScrollBar.horizontal.policy: ScrollBar.AlwaysOff

                TextArea {
                    id: input
                    objectName: "composerInput"
                    focus: true
                    placeholderText: root.placeholderText
                    placeholderTextColor: Theme.textFaint
                    wrapMode: TextEdit.Wrap
                    textFormat: TextEdit.PlainText
                    selectByMouse: true
                    persistentSelection: true
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontSizeBody + 1
                    color: Theme.text
                    selectionColor: Theme.selection
                    selectedTextColor: Theme.text
                    leftPadding: Theme.spacingS
                    rightPadding: Theme.spacingS
                    topPadding: Theme.spacingS
                    bottomPadding: Theme.spacingXS
                    background: null
                    Accessible.name: qsTr("Message")
                    Accessible.description: qsTr("Enter sends, Shift+Enter inserts a new line")

                    Keys.onPressed: (event) => {
                        if (event.key === Qt.Key_Return || event.key === Qt.Key_Enter) {
                            // The input method owns Enter while it is composing (e.g. pinyin).
                            if (input.inputMethodComposing)
                                return;
                            event.accepted = true;
                            if (event.modifiers & Qt.ShiftModifier) {
                                if (input.selectedText.length > 0)
                                    input.remove(input.selectionStart, input.selectionEnd);
                                input.insert(input.cursorPosition, "\n");
                            } else {
                                root.send();
                            }
                        } else if ((event.key === Qt.Key_Tab || event.key === Qt.Key_Backtab)
                                   && !(event.modifiers & Qt.ControlModifier)) {
                            // Tab moves on to the buttons rather than typing a tab character.
                            event.accepted = true;
                            const forward = event.key === Qt.Key_Tab && !(event.modifiers & Qt.ShiftModifier);
                            const next = input.nextItemInFocusChain(forward);
                            if (next)
                                next.forceActiveFocus(forward ? Qt.TabFocusReason : Qt.BacktabFocusReason);
                        } else if (event.key === Qt.Key_Escape && root.running && !input.inputMethodComposing) {
                            // Esc stops the turn (the input method keeps Esc while composing).
                            event.accepted = true;
                            root.stopRequested();
                        } else if (event.matches(StandardKey.Paste) && Clipboard.hasAttachments()) {
                            if (root.addAttachments(Clipboard.attachmentPaths()) > 0)
                                event.accepted = true;
                        }
                    }
                }
            }

            FontMetrics {
                id: fontMetrics
                font: input.font
            }

            Item {
                width: parent.width
                height: Math.round(34 * Theme.fontScale)

                Row {
                    id: leftTools
                    anchors.left: parent.left
                    anchors.verticalCenter: parent.verticalCenter
                    spacing: Theme.spacingXS

                    IconButton {
                        objectName: "attachButton"
                        iconName: "attach"
                        diameter: 32
                        toolTipText: qsTr("Attach files")
                        onClicked: root.openAttachDialog()
                    }

                    AbstractButton {
                        id: steerToggle
                        objectName: "steerToggle"
                        anchors.verticalCenter: parent.verticalCenter
                        visible: root.running && root.steerSupported
                        checkable: true
                        checked: root.steerEnabled
                        onToggled: root.steerEnabled = checked
                        hoverEnabled: true
                        focusPolicy: Qt.StrongFocus
                        implicitHeight: 28
                        leftPadding: Theme.spacingS + 2
                        rightPadding: Theme.spacingS + 2
                        Accessible.role: Accessible.CheckBox
                        Accessible.name: qsTr("Steer the running turn")
                        Accessible.checked: checked
                        ToolTip.visible: hovered
                        ToolTip.delay: 600
                        ToolTip.text: qsTr("When on, Enter sends your message into the running turn instead of queueing it")

                        contentItem: Row {
                            spacing: Theme.spacingXS + 2
                            Icon {
                                anchors.verticalCenter: parent.verticalCenter
                                name: "steer"
                                size: 13
                                color: steerToggle.checked ? Theme.accent : Theme.textMuted
                            }
                            Text {
                                anchors.verticalCenter: parent.verticalCenter
                                text: qsTr("Steer")
                                font.family: Theme.fontFamily
                                font.pixelSize: Theme.fontSizeSmall
                                font.weight: Font.Medium
                                color: steerToggle.checked ? Theme.accent : Theme.textMuted
                            }
                        }
                        background: Rectangle {
                            radius: height / 2
                            color: steerToggle.checked ? Theme.accentSoft
                                                       : (steerToggle.hovered ? Theme.surfaceHover : "transparent")
                            border.width: steerToggle.visualFocus ? 2 : 1
                            border.color: steerToggle.visualFocus || steerToggle.checked ? Theme.accent : Theme.border
                        }
                    }
                }

                Text {
                    id: hint
                    anchors.left: leftTools.right
                    anchors.leftMargin: Theme.spacingS
                    anchors.right: rightTools.left
                    anchors.rightMargin: Theme.spacingS
                    anchors.verticalCenter: parent.verticalCenter
                    elide: Text.ElideRight
                    horizontalAlignment: Text.AlignRight
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontSizeCaption
                    color: root.noticeText.length > 0 ? Theme.danger : Theme.textFaint
                    text: {
                        if (root.noticeText.length > 0)
                            return root.noticeText;
                        if (dropArea.containsDrag)
                            return qsTr("Drop to attach");
                        switch (root.sendMode) {
                        case "stop":
                            return qsTr("Working… messages you send now are queued");
                        case "steer":
                            return qsTr("Enter steers the running turn");
                        case "queue":
                            return root.steerEnabled && root.steerSupported
                                    ? qsTr("Files cannot steer: Enter queues this message")
                                    : qsTr("Enter queues this message");
                        default:
                            return qsTr("Enter to send · Shift+Enter for a new line");
                        }
                    }
                }

                Row {
                    id: rightTools
                    anchors.right: parent.right
                    anchors.verticalCenter: parent.verticalCenter
                    spacing: Theme.spacingXS + 2

                    IconButton {
                        objectName: "stopButton"
                        anchors.verticalCenter: parent.verticalCenter
                        visible: root.running && root.hasContent
                        iconName: "stop"
                        diameter: 32
                        iconSize: 14
                        iconColor: Theme.text
                        restColor: Theme.surfaceAlt
                        toolTipText: qsTr("Stop the running turn (Esc)")
                        onClicked: root.stopRequested()
                    }

                    Button {
                        id: sendButton
                        objectName: "sendButton"
                        anchors.verticalCenter: parent.verticalCenter
                        readonly property bool stopping: root.sendMode === "stop"
                        enabled: root.enabled && (stopping || root.hasContent)
                        implicitWidth: 32
                        implicitHeight: 32
                        padding: 0
                        hoverEnabled: true
                        focusPolicy: Qt.StrongFocus
                        Accessible.name: {
                            switch (root.sendMode) {
                            case "stop":
                                return qsTr("Stop");
                            case "steer":
                                return qsTr("Steer");
                            case "queue":
                                return qsTr("Queue message");
                            default:
                                return qsTr("Send");
                            }
                        }
                        ToolTip.visible: hovered
                        ToolTip.delay: 600
                        ToolTip.text: Accessible.name
                        onClicked: {
                            if (stopping)
                                root.stopRequested();
                            else
                                root.send();
                        }

                        contentItem: Item {
                            Icon {
                                anchors.centerIn: parent
                                name: root.sendMode === "stop" ? "stop" : root.sendMode === "steer" ? "steer" : "send"
                                size: root.sendMode === "stop" ? 14 : 16
                                color: sendButton.enabled ? (sendButton.stopping ? Theme.surface : Theme.accentText)
                                                          : Theme.textFaint
                            }
                        }
                        background: Rectangle {
                            radius: width / 2
                            color: !sendButton.enabled ? Theme.surfaceAlt
                                   : sendButton.stopping ? (sendButton.hovered ? Theme.textMuted : Theme.text)
                                   : (sendButton.down ? Theme.accentPressed : sendButton.hovered ? Theme.accentHover
                                                                                                : Theme.accent)
                            border.width: sendButton.visualFocus ? 2 : 0
                            border.color: Theme.accentSoftBorder
                            Behavior on color {
                                ColorAnimation { duration: Theme.durationFast }
                            }
                        }
                    }
                }
            }
        }
    }

    DropArea {
        id: dropArea
        anchors.fill: parent
        onEntered: (drag) => {
            drag.accepted = drag.hasUrls;
        }
        onDropped: (drop) => {
            if (root.addAttachments(root.localPaths(drop.urls)) > 0)
                drop.acceptProposedAction();
            root.focusInput();
        }
    }
}
