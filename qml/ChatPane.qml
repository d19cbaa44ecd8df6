import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Caduceus
import Caduceus.App

// The open conversation: header with the context meter, the transcript, the queue, the stop
// progress, the composer, and the approval prompt over this pane only.
Item {
    id: root

    // The title was double-clicked, or its rename button pressed.
    signal renameRequested()
    // The open chat is in the list (a new chat is not, until its first message): it can be renamed.
    readonly property bool renamable: Backend.sessions.count > 0 && Backend.sessions.rowOf(Backend.currentSessionId) >= 0

    function focusComposer() {
        composer.inputItem.forceActiveFocus();
    }

    function scrollToMessage(messageId) {
        const row = Backend.chat.ensureMessageLoaded(Number(messageId));
        if (row < 0)
            return;
        transcript.followTail = false;
        transcript.positionViewAtIndex(row, ListView.Center);
        transcript.highlightRow = row;
        highlightTimer.restart();
    }

    Timer {
        id: highlightTimer
        interval: 2200
        onTriggered: transcript.highlightRow = -1
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // Header
        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: Math.round(48 * Theme.fontScale)
            color: Theme.window

            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: Theme.spacingL
                anchors.rightMargin: Theme.spacingL
                spacing: Theme.spacingM

                Label {
                    objectName: "chatTitle"
                    Layout.fillWidth: !root.renamable
                    Layout.minimumWidth: 0
                    text: Backend.currentTitle
                    elide: Text.ElideRight
                    font.pixelSize: Theme.fontSizeLarge
                    font.weight: Font.DemiBold
                    font.family: Theme.fontFamily
                    color: Theme.text
                    Accessible.role: Accessible.Heading
                    MouseArea {
                        anchors.fill: parent
                        onDoubleClicked: if (root.renamable) root.renameRequested()
                    }
                }
                IconButton {
                    objectName: "renameChatButton"
                    visible: root.renamable
                    iconName: "edit"
                    diameter: Math.round(24 * Theme.fontScale)
                    iconSize: 14
                    toolTipText: qsTr("Rename this chat (F2)")
                    onClicked: root.renameRequested()
                }
                Item {
                    visible: root.renamable
                    Layout.fillWidth: true
                }
                ContextMeter {
                    objectName: "contextMeter"
                    used: Backend.usedTokens
                    limit: Backend.contextLength
                }
            }
            Rectangle {
                anchors.bottom: parent.bottom
                width: parent.width
                height: 1
                color: Theme.border
            }
        }

        CompressionBanner {
            Layout.fillWidth: true
            Layout.maximumWidth: Theme.contentMaxWidth
            Layout.alignment: Qt.AlignHCenter
            visible: Backend.compression.event !== undefined
            running: Backend.compression.running === true
            messageCount: Backend.compression.message_count || 0
            tokenCount: Backend.compression.token_count || 0
            compressed: Backend.compression.compressed === true
            beforeTokens: Backend.compression.beforeTokens || 0
            afterTokens: Backend.compression.afterTokens || 0
            totalMessages: Backend.compression.totalMessages || 0
            resultMessages: Backend.compression.resultMessages || 0
            errorText: Backend.compression.error || ""
            noticeText: Backend.compression.notice || ""
            onDismissRequested: Backend.dismissCompression()
        }

        Item {
            Layout.fillWidth: true
            Layout.fillHeight: true

            ListView {
                id: transcript
                objectName: "transcript"

                property bool followTail: true
                property int highlightRow: -1

                anchors.fill: parent
                clip: true
                model: Backend.chat
                spacing: 0
                reuseItems: true
                cacheBuffer: 800
                boundsBehavior: Flickable.StopAtBounds
                topMargin: Theme.spacingL
                bottomMargin: Theme.spacingL
                activeFocusOnTab: true
                Accessible.role: Accessible.List
                Accessible.name: qsTr("Conversation")
                ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }

                // Follow the stream only while the user is at the bottom.
                onMovementStarted: followTail = false
                onMovementEnded: followTail = atYEnd
                onContentHeightChanged: if (followTail) Qt.callLater(positionViewAtEnd)
                onCountChanged: if (followTail) Qt.callLater(positionViewAtEnd)
                onContentYChanged: {
                    if (contentY - originY < 200 && Backend.chat.canLoadOlder && !loadingOlder.running)
                        loadingOlder.start();
                }

                Connections {
                    target: Backend
                    function onCurrentSessionChanged() {
                        transcript.followTail = true;
                        Qt.callLater(transcript.positionViewAtEnd);
                    }
                }

                Timer {
                    id: loadingOlder
                    interval: 0
                    onTriggered: {
                        const firstVisible = transcript.indexAt(10, transcript.contentY + 10);
                        const added = Backend.chat.loadOlder(100);
                        if (added > 0)
                            transcript.positionViewAtIndex(Math.max(0, firstVisible) + added, ListView.Beginning);
                    }
                }

                delegate: Item {
                    id: rowItem
                    required property int index
                    required property string messageId
                    required property string role
                    required property string content
                    required property string reasoning
                    required property real reasoningSeconds
                    required property string toolName
                    required property string toolPreview
                    required property string toolStatus
                    required property string toolState
                    required property string approvalChoice
                    required property bool turnStart
                    required property bool turnEnd
                    required property bool hidden
                    required property real toolDuration
                    required property string toolArgs
                    required property string toolResult
                    required property string status
                    required property real timestamp
                    required property var attachments

                    width: ListView.view.width
                    height: delegate.height

                    Rectangle {
                        anchors.fill: parent
                        color: Theme.accentSoft
                        opacity: transcript.highlightRow === rowItem.index ? 0.8 : 0
                        Behavior on opacity { NumberAnimation { duration: Theme.durationSlow } }
                    }

                    MessageDelegate {
                        id: delegate
                        width: Math.min(parent.width - Theme.spacingXL * 2, Theme.contentMaxWidth)
                        anchors.horizontalCenter: parent.horizontalCenter
                        messageId: rowItem.messageId
                        role: rowItem.role
                        content: rowItem.content
                        reasoning: rowItem.reasoning
                        reasoningSeconds: rowItem.reasoningSeconds
                        toolName: rowItem.toolName
                        toolPreview: rowItem.toolPreview
                        toolStatus: rowItem.toolStatus
                        toolState: rowItem.toolState
                        approvalChoice: rowItem.approvalChoice
                        turnStart: rowItem.turnStart
                        turnEnd: rowItem.turnEnd
                        hidden: rowItem.hidden
                        // Read when the turn ends (and again if its text changes after): not per streamed token.
                        turnCopyText: rowItem.turnEnd ? (rowItem.content, Backend.chat.turnText(rowItem.index)) : ""
                        toolDuration: rowItem.toolDuration
                        toolArgs: rowItem.toolArgs
                        toolResult: rowItem.toolResult
                        status: rowItem.status
                        timestamp: rowItem.timestamp
                        attachments: rowItem.attachments
                    }
                }

                footer: Item {
                    width: transcript.width
                    height: Backend.working && transcript.count > 0 ? Math.round(28 * Theme.fontScale) : 0
                    TypingIndicator {
                        visible: Backend.working && !Backend.aborting
                        anchors.centerIn: parent
                    }
                }
            }

            // Welcome, for a new conversation.
            ColumnLayout {
                anchors.centerIn: parent
                width: Math.min(parent.width - Theme.spacingXL * 2, 520)
                visible: transcript.count === 0
                spacing: Theme.spacingM

                Label {
                    Layout.fillWidth: true
                    horizontalAlignment: Text.AlignHCenter
                    text: qsTr("What can Hermes do for you?")
                    font.pixelSize: Theme.fontSizeTitle + 4
                    font.weight: Font.DemiBold
                    font.family: Theme.fontFamily
                    color: Theme.text
                }
                Label {
                    Layout.fillWidth: true
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.WordWrap
                    text: qsTr("Ask a question, paste code or drop a file. Press Enter to send, Shift+Enter for a new line.")
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSizeBody
                    font.family: Theme.fontFamily
                }
                Flow {
                    Layout.fillWidth: true
                    Layout.topMargin: Theme.spacingS
                    spacing: Theme.spacingS
                    Repeater {
                        model: [qsTr("Explain this repository's structure"), qsTr("Write a shell script that backs up ~/notes"),
                                qsTr("Review my last commit for bugs")]
                        delegate: ThemedButton {
                            required property string modelData
                            text: modelData
                            variant: "secondary"
                            onClicked: {
                                composer.text = modelData;
                                root.focusComposer();
                            }
                        }
                    }
                }
            }

            IconButton {
                id: jumpButton
                objectName: "jumpToLatest"
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                anchors.margins: Theme.spacingL
                visible: !transcript.followTail && transcript.count > 0 && !transcript.atYEnd
                iconName: "chevron-down"
                toolTipText: qsTr("Jump to latest")
                diameter: Math.round(36 * Theme.fontScale)
                onClicked: {
                    transcript.followTail = true;
                    transcript.positionViewAtEnd();
                }
            }
        }

        // Queue, stop progress and composer share the conversation's column width.
        ColumnLayout {
            Layout.fillWidth: true
            Layout.maximumWidth: Theme.contentMaxWidth + Theme.spacingXL * 2
            Layout.alignment: Qt.AlignHCenter
            Layout.leftMargin: Theme.spacingXL
            Layout.rightMargin: Theme.spacingXL
            Layout.bottomMargin: Theme.spacingL
            spacing: Theme.spacingS

            QueuePanel {
                id: queuePanel
                objectName: "queuePanel"
                Layout.fillWidth: true
                visible: Backend.queueLength > 0
                model: Backend.queue
                onCancelRequested: queueId => Backend.cancelQueued(queueId)
                onEditRequested: (queueId, newText) => Backend.editQueued(queueId, newText)
            }

            AbortProgress {
                objectName: "abortProgress"
                Layout.fillWidth: true
                active: Backend.aborting
                graceMs: Backend.graceMs
                confirmed: Backend.abortConfirmed
            }

            Composer {
                id: composer
                objectName: "composer"
                Layout.fillWidth: true
                running: Backend.working
                steerSupported: Backend.steerSupported
                queueCount: Backend.queueLength
                focus: true
                onSendRequested: (text, attachments, steer) => {
                    const error = Backend.send(text, attachments, steer);
                    composer.noticeText = error;
                    if (error.length === 0) {
                        transcript.followTail = true;
                        Qt.callLater(transcript.positionViewAtEnd);
                    }
                }
                onStopRequested: Backend.stop()
            }
        }
    }

    ApprovalDialog {
        id: approval
        objectName: "approvalDialog"
        anchors.fill: parent
        readonly property var request: Backend.pendingApprovals.length > 0 ? Backend.pendingApprovals[0] : null
        active: request !== null
        command: request ? (request.command || "") : ""
        description: request ? (request.description || "") : ""
        patternKey: request ? (request.pattern_key || "") : ""
        patternKeys: request ? (request.pattern_keys || []) : []
        choices: request ? (request.choices || ["once", "session", "always", "deny"]) : []
        allowPermanent: request ? request.allow_permanent !== false : true
        requestTimestamp: request ? (request.timestamp || 0) : 0
        pendingCount: Backend.pendingApprovals.length
        onResponded: (choice, all) => {
            Backend.respondApproval(choice, all);
            // The clicked button would keep the keyboard and vanish with the card: typing goes back to the composer
            // (a further request takes it again when it shows).
            root.focusComposer();
        }
        onActiveChanged: {
            if (active)
                return;
            // Answered elsewhere or timed out: the keyboard was on the card (or fell to nothing when it hid).
            const focused = Window.activeFocusItem;
            let onCard = !focused || focused === Window.contentItem;
            for (let item = focused; item && !onCard; item = item.parent)
                onCard = item === approval;
            if (onCard)
                root.focusComposer();
        }
    }
}
