import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Qt.labs.settings
import Caduceus
import Caduceus.App

// The Caduceus window: sessions on the left, the open conversation on the right.
ApplicationWindow {
    id: window

    width: 1180
    height: 780
    minimumWidth: 640
    minimumHeight: 420
    visible: true
    title: Backend.currentTitle.length > 0 ? Backend.currentTitle + " — Caduceus" : "Caduceus"
    color: Theme.window

    // Controls drawn by the Basic style (text fields, dialogs, spin boxes, switches, sliders, tooltips) take
    // their colours from the palette: give it the theme's, or they stay light-grey blocks in the dark theme.
    palette.window: Theme.surface
    palette.windowText: Theme.text
    palette.base: Theme.surface
    palette.alternateBase: Theme.surfaceAlt
    palette.text: Theme.text
    palette.placeholderText: Theme.textFaint
    palette.button: Theme.surfaceAlt
    palette.buttonText: Theme.text
    palette.brightText: Theme.accentText
    palette.highlight: Theme.accent
    palette.highlightedText: Theme.accentText
    palette.light: Theme.surfaceHover
    palette.midlight: Theme.border
    palette.mid: Theme.borderStrong
    palette.dark: Theme.accent
    palette.shadow: Theme.shadow
    palette.toolTipBase: Theme.surfaceAlt
    palette.toolTipText: Theme.text

    Settings {
        category: "window"
        property alias x: window.x
        property alias y: window.y
        property alias width: window.width
        property alias height: window.height
        property alias sidebarWidth: sidebar.preferredWidth
        property alias sidebarCollapsed: sidebar.collapsed
    }

    // Times, dates and numbers in the interface language's format, switching with it.
    Binding {
        target: Theme
        property: "locale"
        value: Qt.locale(Translations.localeName)
    }

    Component.onCompleted: {
        Theme.mode = Backend.setting("ui/theme", "system");
        Theme.fontScale = Number(Backend.setting("ui/fontScale", 1.0));
        chatPane.focusComposer();
    }

    // One sequence per Shortcut: listing a key twice (StandardKey.New is Ctrl+N) makes Qt call it ambiguous
    // and run neither. "Ctrl" is Cmd on macOS, so the plain sequences are the platform's own there too.
    Shortcut {
        objectName: "newChatShortcut"
        sequence: "Ctrl+N"
        onActivated: {
            Backend.newSession();
            chatPane.focusComposer();
        }
    }
    Shortcut {
        objectName: "searchShortcut"
        sequence: "Ctrl+K"
        onActivated: searchPopup.open()
    }
    Shortcut {
        objectName: "settingsShortcut"
        sequence: "Ctrl+,"
        onActivated: settingsDialog.open()
    }
    Shortcut {
        objectName: "focusComposerShortcut"
        sequence: "Ctrl+L"
        onActivated: chatPane.focusComposer()
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        SessionSidebar {
            id: sidebar
            objectName: "sidebar"
            // What the user dragged it to; on a small window it takes at most about a quarter of the width
            // (280 px of an 800 px window was 35 %), never less than 200 px.
            property int preferredWidth: 280
            readonly property int expandedWidth: Math.max(200, Math.min(preferredWidth, Math.round(window.width * 0.26)))
            Layout.fillHeight: true
            Layout.preferredWidth: collapsed ? railWidth : expandedWidth
            onSearchRequested: searchPopup.open()
            onSettingsRequested: settingsDialog.open()
            onSessionChosen: chatPane.focusComposer()
            onCollapseToggled: collapsed = !collapsed
        }

        Rectangle {
            Layout.fillHeight: true
            Layout.preferredWidth: 1
            color: Theme.border

            MouseArea {
                enabled: !sidebar.collapsed
                anchors.fill: parent
                anchors.margins: -3
                cursorShape: Qt.SplitHCursor
                property real startX: 0
                onPressed: mouse => startX = mouse.x
                onPositionChanged: mouse => {
                    if (pressed)
                        sidebar.preferredWidth = Math.max(200, Math.min(480, sidebar.preferredWidth + mouse.x - startX));
                }
            }
        }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            Banner {
                Layout.fillWidth: true
                visible: Backend.demoAgent
                tone: "info"
                objectName: "demoBanner"
                text: qsTr("You are chatting with the Demo agent: a simulated Hermes that gives sample answers. "
                           + "Connect a real Hermes Agent in Settings.")
                actionText: qsTr("Settings")
                onActionTriggered: settingsDialog.open()
            }

            Banner {
                // The agent's https certificate was refused: its fingerprint, and trusting it from here.
                objectName: "untrustedCertificateBanner"
                Layout.fillWidth: true
                visible: Backend.untrustedCertificate.fingerprint !== undefined
                tone: "danger"
                text: visible ? Backend.untrustedCertificate.message : ""
                actionText: qsTr("Trust this certificate")
                onActionTriggered: Backend.trustCertificate(Backend.untrustedCertificate.url,
                                                            Backend.untrustedCertificate.fingerprint)
            }

            Banner {
                Layout.fillWidth: true
                visible: Backend.notice.length > 0
                tone: "warning"
                text: Backend.notice
                actionText: qsTr("Dismiss")
                onActionTriggered: Backend.dismissNotice()
            }

            // What the window needs and cannot find (QML modules, image plugins, fonts), with the package to install.
            Banner {
                Layout.fillWidth: true
                objectName: "runtimeCheckBanner"
                visible: RuntimeCheck.summary.length > 0
                tone: "warning"
                text: RuntimeCheck.summary
            }

            ChatPane {
                id: chatPane
                objectName: "chatPane"
                Layout.fillWidth: true
                Layout.fillHeight: true
                onRenameRequested: sidebar.renameSession(Backend.currentSessionId, Backend.currentTitle)
            }
        }
    }

    SearchPopup {
        id: searchPopup
        onHitChosen: (sessionId, messageId) => {
            Backend.openSession(sessionId);
            chatPane.scrollToMessage(messageId);
        }
    }

    SettingsDialog {
        id: settingsDialog
        objectName: "settingsDialog"
    }

    // Window-wide, wherever the keyboard is (a click on a chat puts it in the composer): F2 renames the chat
    // (the list's row while the list has the keyboard), Ctrl+B shows or hides the chat list.
    Shortcut {
        sequence: "F2"
        onActivated: sidebar.renameFocusedOrOpen()
    }
    Shortcut {
        sequence: "Ctrl+B"
        onActivated: sidebar.collapsed = !sidebar.collapsed
    }
}
