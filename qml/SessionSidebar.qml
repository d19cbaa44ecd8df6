import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Controls
import QtQuick.Layouts
import Caduceus
import Caduceus.App

// The list of sessions: pinned first, then newest activity, each with a live spinner while it runs
// and a badge with its queue. Right click (or the menu key) renames, pins or deletes; a double click or F2
// renames. Collapsed, it is a narrow rail of buttons (expand, new chat, search, settings).
Rectangle {
    id: root

    // Collapsed to the rail; the window toggles it (Ctrl+B) and remembers it.
    property bool collapsed: false
    readonly property int railWidth: Math.round(48 * Math.max(1, Theme.fontScale))

    signal searchRequested()
    signal settingsRequested()
    signal sessionChosen()
    signal collapseToggled()

    color: Theme.surfaceAlt

    // Asks for a new title for a session (the chat header, F2 and double click come here).
    function renameSession(sessionId, title) {
        // A new chat has no title to change until its first message makes it.
        if (Backend.sessions.rowOf(sessionId) >= 0)
            renameDialog.openFor(sessionId, title);
    }
    // F2: the row the keyboard is on while the list has it, otherwise the open chat.
    function renameFocusedOrOpen() {
        if (list.activeFocus && list.currentItem)
            renameSession(list.currentItem.sessionId, list.currentItem.title);
        else
            renameSession(Backend.currentSessionId, Backend.currentTitle);
    }

    function relativeTime(seconds) {
        if (!seconds)
            return "";
        const diff = Date.now() / 1000 - seconds;
        if (diff < 60)
            return qsTr("now");
        if (diff < 3600)
            return qsTr("%1 min").arg(Math.floor(diff / 60));
        if (diff < 86400)
            return qsTr("%1 h").arg(Math.floor(diff / 3600));
        if (diff < 7 * 86400)
            return qsTr("%1 d").arg(Math.floor(diff / 86400));
        return new Date(seconds * 1000).toLocaleDateString(Theme.locale, Locale.ShortFormat);
    }

    // Collapsed: the rail.
    ColumnLayout {
        objectName: "sidebarRail"
        anchors.fill: parent
        anchors.topMargin: Theme.spacingM
        anchors.bottomMargin: Theme.spacingS
        visible: root.collapsed
        spacing: Theme.spacingS

        IconButton {
            objectName: "expandSidebarButton"
            Layout.alignment: Qt.AlignHCenter
            iconName: "sidebar"
            toolTipText: qsTr("Show the chat list (Ctrl+B)")
            onClicked: root.collapseToggled()
        }
        IconButton {
            Layout.alignment: Qt.AlignHCenter
            iconName: "edit"
            toolTipText: qsTr("New chat (Ctrl+N)")
            onClicked: {
                Backend.newSession();
                root.sessionChosen();
            }
        }
        IconButton {
            Layout.alignment: Qt.AlignHCenter
            iconName: "search"
            toolTipText: qsTr("Search all messages (Ctrl+K)")
            onClicked: root.searchRequested()
        }
        Item { Layout.fillHeight: true }
        StatusDot {
            Layout.alignment: Qt.AlignHCenter
            status: Backend.agentStatus
            reason: Backend.agentStatusReason.length > 0 ? Backend.agentStatusReason : Backend.agentLabel
        }
        IconButton {
            objectName: "railSettingsButton"
            Layout.alignment: Qt.AlignHCenter
            iconName: "settings"
            toolTipText: qsTr("Settings (Ctrl+,)")
            onClicked: root.settingsRequested()
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        visible: !root.collapsed

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: Theme.spacingM
            spacing: Theme.spacingS

            // Fills (and elides) so that the row fits a narrow list: an item that does not fill keeps its
            // whole preferred width, and the row grew past the list's edge. The agent's status is in the footer.
            Label {
                Layout.fillWidth: true
                Layout.minimumWidth: 0
                elide: Text.ElideRight
                text: "Caduceus"
                font.pixelSize: Theme.fontSizeLarge
                font.weight: Font.DemiBold
                font.family: Theme.fontFamily
                color: Theme.text
            }
            IconButton {
                objectName: "collapseSidebarButton"
                iconName: "sidebar"
                toolTipText: qsTr("Hide the chat list (Ctrl+B)")
                onClicked: root.collapseToggled()
            }
            IconButton {
                objectName: "newChatButton"
                iconName: "edit"
                toolTipText: qsTr("New chat (Ctrl+N)")
                onClicked: {
                    Backend.newSession();
                    root.sessionChosen();
                }
            }
        }

        Button {
            id: searchButton
            Layout.fillWidth: true
            Layout.leftMargin: Theme.spacingM
            Layout.rightMargin: Theme.spacingM
            Layout.bottomMargin: Theme.spacingS
            implicitHeight: Theme.controlHeight
            hoverEnabled: true
            Accessible.name: qsTr("Search all messages")
            onClicked: root.searchRequested()
            contentItem: RowLayout {
                spacing: Theme.spacingS
                Label {
                    Layout.fillWidth: true
                    text: qsTr("Search messages…")
                    color: Theme.textFaint
                    font.pixelSize: Theme.fontSizeSmall
                    font.family: Theme.fontFamily
                    leftPadding: Theme.spacingXS
                }
                Label {
                    text: "Ctrl K"
                    color: Theme.textFaint
                    font.pixelSize: Theme.fontSizeCaption
                    font.family: Theme.monoFamily
                }
            }
            background: Rectangle {
                radius: Theme.radiusS
                color: searchButton.hovered ? Theme.surfaceHover : Theme.surface
                border.color: searchButton.visualFocus ? Theme.accent : Theme.border
                border.width: searchButton.visualFocus ? 2 : 1
            }
        }

        ListView {
            id: list
            objectName: "sessionList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: Backend.sessions
            // `count` keeps this fresh when the open chat's row appears after the index was first computed.
            currentIndex: count >= 0 ? Backend.sessions.rowOf(Backend.currentSessionId) : -1
            // Arriving with Tab: the keyboard starts on the open chat (rows move as chats get new messages).
            onActiveFocusChanged: {
                if (!activeFocus)
                    return;
                const open = Backend.sessions.rowOf(Backend.currentSessionId);
                currentIndex = open >= 0 ? open : (count > 0 ? 0 : -1);
            }
            keyNavigationEnabled: true
            activeFocusOnTab: true
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Sessions")

            section.property: "section"
            section.delegate: Label {
                objectName: "sectionHeader"
                required property string section
                width: ListView.view.width
                // The model gives a key; the words are translated here, so a language switch renames them.
                text: section === "pinned" ? qsTr("Pinned") : qsTr("Recent")
                leftPadding: Theme.spacingL
                topPadding: Theme.spacingS
                bottomPadding: Theme.spacingXS
                font.pixelSize: Theme.fontSizeCaption
                font.weight: Font.DemiBold
                font.capitalization: Font.AllUppercase
                color: Theme.textFaint
            }

            Keys.onReturnPressed: {
                Backend.openSession(Backend.sessions.sessionIdAt(currentIndex));
                root.sessionChosen();
            }
            // The list has the keyboard (its rows do not): Menu or Shift+F10 opens the current row's menu under
            // it, Delete asks to delete. (F2 is the window's shortcut: renameFocusedOrOpen.)
            Keys.onPressed: (event) => {
                const current = list.currentItem;
                if (!current)
                    return;
                if (event.key === Qt.Key_Menu || (event.key === Qt.Key_F10 && (event.modifiers & Qt.ShiftModifier)))
                    current.openMenu();
                else if (event.key === Qt.Key_Delete)
                    deleteDialog.openFor(current.sessionId, current.title);
                else
                    return;
                event.accepted = true;
            }

            delegate: ItemDelegate {
                id: row
                required property int index
                required property string sessionId
                required property string title
                required property real lastActive
                required property bool pinned
                required property bool working
                required property int queueLength

                readonly property bool isCurrent: sessionId === Backend.currentSessionId
                width: ListView.view.width
                height: Math.round(40 * Theme.fontScale)
                hoverEnabled: true
                Accessible.name: title + (working ? qsTr(", running") : "") + (queueLength > 0 ? qsTr(", %n queued", "", queueLength) : "")

                onClicked: {
                    Backend.openSession(sessionId);
                    root.sessionChosen();
                }
                onDoubleClicked: root.renameSession(sessionId, title)
                TapHandler {
                    acceptedButtons: Qt.RightButton
                    onTapped: sessionMenu.popup()
                }
                function openMenu() {
                    sessionMenu.popup(row, Theme.spacingL, row.height);
                }
                background: Rectangle {
                    anchors.fill: parent
                    anchors.leftMargin: Theme.spacingS
                    anchors.rightMargin: Theme.spacingS
                    radius: Theme.radiusS
                    color: row.isCurrent ? Theme.accentSoft : (row.hovered ? Theme.surfaceHover : "transparent")
                    border.width: row.visualFocus || (row.ListView.isCurrentItem && list.activeFocus) ? 2 : 0
                    border.color: Theme.accent
                }

                contentItem: RowLayout {
                    spacing: Theme.spacingS
                    anchors.leftMargin: Theme.spacingL
                    anchors.rightMargin: Theme.spacingL

                    Item { Layout.preferredWidth: Theme.spacingXS }
                    Label {
                        Layout.fillWidth: true
                        text: row.title
                        elide: Text.ElideRight
                        color: Theme.text
                        font.pixelSize: Theme.fontSizeBody
                        font.family: Theme.fontFamily
                        font.weight: row.isCurrent ? Font.Medium : Font.Normal
                    }
                    Spinner {
                        visible: row.working
                        size: 12
                    }
                    QueueBadge {
                        visible: row.queueLength > 0
                        count: row.queueLength
                    }
                    Label {
                        visible: !row.working
                        text: root.relativeTime(row.lastActive)
                        color: Theme.textFaint
                        font.pixelSize: Theme.fontSizeCaption
                        font.family: Theme.fontFamily
                    }
                    Item { Layout.preferredWidth: Theme.spacingXS }
                }

                Menu {
                    id: sessionMenu
                    background: Rectangle {
                        implicitWidth: 190
                        radius: Theme.radiusM
                        color: Theme.surface
                        border.color: Theme.border
                    }
                    ThemedMenuItem {
                        text: qsTr("Rename…")
                        onTriggered: renameDialog.openFor(row.sessionId, row.title)
                    }
                    ThemedMenuItem {
                        text: row.pinned ? qsTr("Unpin") : qsTr("Pin")
                        onTriggered: Backend.setPinned(row.sessionId, !row.pinned)
                    }
                    MenuSeparator {
                        contentItem: Rectangle {
                            implicitHeight: 1
                            color: Theme.border
                        }
                    }
                    ThemedMenuItem {
                        text: qsTr("Delete…")
                        destructive: true
                        onTriggered: deleteDialog.openFor(row.sessionId, row.title)
                    }
                }
            }

            Label {
                anchors.centerIn: parent
                visible: list.count === 0
                width: parent.width - Theme.spacingXL * 2
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                text: qsTr("No conversations yet.\nYour chats appear here.")
                color: Theme.textFaint
                font.pixelSize: Theme.fontSizeSmall
            }
        }

        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: 1
            color: Theme.border
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: Theme.spacingS
            spacing: Theme.spacingS

            ComboBox {
                id: profileBox
                objectName: "profileSwitcher"
                Layout.fillWidth: true
                visible: Backend.profiles.length > 1
                model: Backend.profiles
                currentIndex: Backend.profiles.indexOf(Backend.currentProfile)
                onActivated: index => Backend.currentProfile = Backend.profiles[index]
                Accessible.name: qsTr("Agent profile")
            }
            // The agent in use; it looks like a button because it is one: it opens the agent's settings.
            Button {
                id: agentButton
                objectName: "agentButton"
                Layout.fillWidth: true
                Layout.minimumWidth: 0
                visible: !profileBox.visible
                implicitHeight: Theme.controlHeight
                hoverEnabled: true
                leftPadding: Theme.spacingS
                rightPadding: Theme.spacingS
                Accessible.name: qsTr("Agent: %1. Open the agent settings").arg(Backend.agentLabel)
                onClicked: root.settingsRequested()
                ToolTip.visible: hovered
                ToolTip.delay: 600
                ToolTip.text: qsTr("Agent settings")
                contentItem: RowLayout {
                    spacing: Theme.spacingS
                    StatusDot {
                        status: Backend.agentStatus
                        reason: Backend.agentStatusReason
                    }
                    Label {
                        objectName: "agentLabel"
                        Layout.fillWidth: true
                        text: Backend.agentLabel
                        elide: Text.ElideRight
                        color: Theme.textMuted
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontSizeSmall
                    }
                }
                background: Rectangle {
                    radius: Theme.radiusS
                    color: agentButton.down ? Theme.surfacePressed : (agentButton.hovered ? Theme.surfaceHover : "transparent")
                    border.width: agentButton.visualFocus ? 2 : 0
                    border.color: Theme.accent
                }
            }
            ThemedButton {
                objectName: "settingsButton"
                variant: "ghost"
                iconName: "settings"
                // Gear and word; on a narrow list the gear alone (with its tooltip), so the agent's name stays readable.
                text: root.width >= 250 ? qsTr("Settings") : ""
                Accessible.name: qsTr("Settings")
                leftPadding: Theme.spacingS
                rightPadding: Theme.spacingS
                ToolTip.visible: hovered
                ToolTip.delay: 600
                ToolTip.text: qsTr("Settings (Ctrl+,)")
                onClicked: root.settingsRequested()
            }
        }
    }

    ThemedDialog {
        id: renameDialog
        objectName: "renameDialog"
        property string sessionId
        function openFor(id, title) {
            sessionId = id;
            renameField.text = title;
            open();
            renameField.selectAll();
            renameField.forceActiveFocus();
        }
        title: qsTr("Rename conversation")
        acceptText: qsTr("Rename")
        acceptEnabled: renameField.text.trim().length > 0
        ThemedTextField {
            id: renameField
            objectName: "renameField"
            width: parent.width
            Accessible.name: qsTr("New title")
            onAccepted: if (renameDialog.acceptEnabled) renameDialog.accept()
        }
        onAccepted: Backend.renameSession(sessionId, renameField.text)
    }

    ThemedDialog {
        id: deleteDialog
        objectName: "deleteDialog"
        property string sessionId
        property string sessionTitle
        function openFor(id, title) {
            sessionId = id;
            sessionTitle = title;
            open();
        }
        title: qsTr("Delete conversation?")
        acceptText: qsTr("Delete")
        acceptVariant: "danger"
        Label {
            objectName: "deleteQuestion"
            width: parent.width
            wrapMode: Text.Wrap
            color: Theme.text
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontSizeBody
            text: qsTr("“%1” and all its messages will be deleted from this computer. This cannot be undone.")
                    .arg(deleteDialog.sessionTitle)
        }
        onAccepted: Backend.deleteSession(sessionId)
    }
}
