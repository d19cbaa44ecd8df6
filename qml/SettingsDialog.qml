import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Controls
import QtQuick.Layouts
import Caduceus
import Caduceus.App

// Settings: the agent (URL and key; the key goes to the system keychain), chat defaults,
// appearance, and the relay that lets hermes-web-ui in a browser share these sessions.
Dialog {
    id: root

    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(620, parent.width - Theme.spacingXL * 2)
    height: Math.min(720, parent.height - Theme.spacingXL * 2)
    modal: true
    title: qsTr("Settings")
    padding: Theme.spacingL
    topPadding: 0
    // Popups do not re-read the window's palette when the theme changes while they are open: the fields
    // here are Themed* controls bound to Theme, and what is left of Basic (scroll bar, tooltips) reads this.
    palette.window: Theme.surface
    palette.windowText: Theme.text
    palette.base: Theme.surface
    palette.text: Theme.text
    palette.button: Theme.surfaceAlt
    palette.buttonText: Theme.text
    palette.mid: Theme.borderStrong
    palette.dark: Theme.textFaint
    palette.toolTipBase: Theme.surfaceAlt
    palette.toolTipText: Theme.text

    background: Rectangle {
        radius: Theme.radiusL
        color: Theme.surface
        border.color: Theme.border
    }
    header: Item {
        implicitHeight: titleLabel.implicitHeight + Theme.spacingL * 2
        Label {
            id: titleLabel
            anchors.left: parent.left
            anchors.leftMargin: Theme.spacingL
            anchors.verticalCenter: parent.verticalCenter
            text: root.title
            font.pixelSize: Theme.fontSizeTitle
            font.weight: Font.DemiBold
            color: Theme.text
        }
        IconButton {
            anchors.right: parent.right
            anchors.rightMargin: Theme.spacingM
            anchors.verticalCenter: parent.verticalCenter
            iconName: "close"
            toolTipText: qsTr("Close settings")
            onClicked: root.close()
        }
        Rectangle {
            anchors.bottom: parent.bottom
            width: parent.width
            height: 1
            color: Theme.border
        }
    }
    footer: Item {
        implicitHeight: closeButton.implicitHeight + Theme.spacingM * 2
        Rectangle {
            width: parent.width
            height: 1
            color: Theme.border
        }
        ThemedButton {
            id: closeButton
            objectName: "settingsClose"
            anchors.right: parent.right
            anchors.rightMargin: Theme.spacingL
            anchors.verticalCenter: parent.verticalCenter
            text: qsTr("Done")
            variant: "primary"
            onClicked: root.close()
        }
    }

    onOpened: {
        urlField.text = Backend.setting("agent/url", "");
        keyField.text = "";
        modelField.text = Backend.setting("chat/defaultModel", "");
        promptArea.text = Backend.setting("chat/systemPrompt", "");
        relayPort.value = Number(Backend.setting("relay/port", 8648));
        rendererBox.chosen = Backend.setting("ui/renderer", "auto");
        scroller.ScrollBar.vertical.position = 0;
        urlField.forceActiveFocus(); // the keyboard starts in the first field, not on the close button
    }

    ScrollView {
        id: scroller
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true

        // One section after the other: a SettingsSectionTitle and its rows. A section kept in a file of its
        // own goes in as one item with Layout.fillWidth: true.
        ColumnLayout {
            id: sections
            width: parent.width
            spacing: Theme.spacingS

            SettingsSectionTitle { text: qsTr("Agent") }
            RowLayout {
                spacing: Theme.spacingS
                StatusDot {
                    status: Backend.agentStatus
                    reason: Backend.agentStatusReason
                    showLabel: true
                }
                Label {
                    Layout.fillWidth: true
                    text: Backend.agentLabel
                    elide: Text.ElideRight
                    color: Theme.textMuted
                }
            }
            SettingsHint {
                visible: Backend.agentStatusReason.length > 0
                text: Backend.agentStatusReason
                color: Theme.danger
            }
            SettingsFieldLabel {
                objectName: "agentUrlLabel"
                text: qsTr("Agent URL")
                buddy: urlField
            }
            ThemedTextField {
                id: urlField
                objectName: "agentUrl"
                Layout.fillWidth: true
                placeholderText: qsTr("e.g. http://127.0.0.1:8642 (empty: find local Hermes)")
                Accessible.name: qsTr("Agent URL")
                onAccepted: Backend.connectAgent(urlField.text, keyField.text)
            }
            SettingsHint {
                objectName: "agentUrlError"
                visible: Backend.agentUrlError.length > 0
                text: Backend.agentUrlError
                color: Theme.danger
            }
            SettingsFieldLabel {
                objectName: "agentKeyLabel"
                text: qsTr("API key")
                buddy: keyField
            }
            ThemedTextField {
                id: keyField
                objectName: "agentKey"
                Layout.fillWidth: true
                echoMode: TextInput.Password
                placeholderText: qsTr("API_SERVER_KEY; kept in the system keychain")
                Accessible.name: qsTr("Agent API key")
                onAccepted: Backend.connectAgent(urlField.text, keyField.text)
            }
            RowLayout {
                ThemedButton {
                    text: qsTr("Connect")
                    variant: "primary"
                    onClicked: Backend.connectAgent(urlField.text, keyField.text)
                }
                ThemedButton {
                    text: qsTr("Find local Hermes")
                    onClicked: {
                        urlField.text = "";
                        Backend.connectAgent("", "");
                    }
                }
            }

            AgentTrustSection { Layout.fillWidth: true }

            SettingsSectionTitle { text: qsTr("Chat") }
            SettingsFieldLabel {
                objectName: "defaultModelLabel"
                text: qsTr("Default model")
                buddy: modelField
            }
            ThemedTextField {
                id: modelField
                objectName: "defaultModel"
                Layout.fillWidth: true
                placeholderText: qsTr("Empty: the profile's default")
                Accessible.name: qsTr("Default model")
                onEditingFinished: Backend.setSetting("chat/defaultModel", text.trim())
            }
            SettingsFieldLabel {
                text: qsTr("System prompt")
                buddy: promptArea
            }
            ThemedTextArea {
                id: promptArea
                objectName: "systemPrompt"
                Layout.fillWidth: true
                Layout.preferredHeight: 90
                wrapMode: TextEdit.Wrap
                placeholderText: qsTr("Instructions added to every run")
                Accessible.name: qsTr("System prompt")
                onEditingFinished: Backend.setSetting("chat/systemPrompt", text)
            }

            SettingsSectionTitle { text: qsTr("Appearance") }
            GridLayout {
                columns: 2
                columnSpacing: Theme.spacingM
                rowSpacing: Theme.spacingS
                Label { text: qsTr("Theme"); color: Theme.textMuted }
                ThemedComboBox {
                    id: themeBox
                    objectName: "themeBox"
                    Layout.preferredWidth: 220
                    model: [qsTr("System"), qsTr("Light"), qsTr("Dark")]
                    readonly property var modes: ["system", "light", "dark"]
                    selectedIndex: Math.max(0, modes.indexOf(Theme.mode))
                    onActivated: index => {
                        Theme.mode = modes[index];
                        Backend.setSetting("ui/theme", modes[index]);
                    }
                    Accessible.name: qsTr("Theme")
                }
                Label { text: qsTr("Text size"); color: Theme.textMuted }
                ThemedSlider {
                    objectName: "textSizeSlider"
                    Layout.preferredWidth: 220
                    from: 0.85
                    to: 1.5
                    stepSize: 0.05
                    value: Theme.fontScale
                    onMoved: {
                        Theme.fontScale = value;
                        Backend.setSetting("ui/fontScale", value);
                    }
                    Accessible.name: qsTr("Text size")
                }
                Label { text: qsTr("Language"); color: Theme.textMuted }
                ThemedComboBox {
                    // Empty code: follow the system. Switching retranslates the window at once.
                    objectName: "languageBox"
                    Layout.preferredWidth: 220
                    model: [{ code: "", name: qsTr("System") }].concat(Translations.languages)
                    textRole: "name"
                    selectedIndex: Math.max(0, model.findIndex(entry => entry.code === Translations.choice))
                    onActivated: index => Translations.setChoice(model[index].code)
                    Accessible.name: qsTr("Language")
                }
                Label { text: qsTr("Rendering"); color: Theme.textMuted }
                ThemedComboBox {
                    id: rendererBox
                    objectName: "rendererBox"
                    property string chosen: Backend.setting("ui/renderer", "auto")
                    Layout.preferredWidth: 220
                    model: [qsTr("Automatic"), qsTr("Graphics card (OpenGL)"), qsTr("Software")]
                    readonly property var modes: ["auto", "gpu", "software"]
                    selectedIndex: Math.max(0, modes.indexOf(chosen))
                    onActivated: index => {
                        chosen = modes[index];
                        Backend.setSetting("ui/renderer", modes[index]);
                    }
                    Accessible.name: qsTr("Rendering")
                }
            }
            SettingsHint {
                text: qsTr("Automatic draws in software when the computer has no graphics card, which is faster "
                           + "and uses less memory there. Takes effect at the next start.")
            }

            SettingsSectionTitle { text: qsTr("Notifications") }
            ThemedSwitch {
                objectName: "notificationsSwitch"
                Layout.fillWidth: true
                text: qsTr("Desktop notifications")
                checked: String(Backend.setting("ui/notifications", true)) !== "false"
                onToggled: Backend.setSetting("ui/notifications", checked)
            }
            SettingsHint {
                text: qsTr("While the window is in the background, an approval request or a finished or failed run "
                           + "shows a notification; clicking it opens that chat.")
            }

            SettingsSectionTitle { text: qsTr("Web UI relay") }
            SettingsHint {
                text: qsTr("Lets the hermes-web-ui chat page in a browser use Caduceus instead of its Node server; "
                           + "the browser and this window then share the same sessions. It listens on this computer only.")
            }
            RowLayout {
                spacing: Theme.spacingS
                ThemedSwitch {
                    id: relaySwitch
                    objectName: "relaySwitch"
                    text: qsTr("Relay on")
                    checked: Backend.relayRunning
                    onToggled: Backend.setRelayEnabled(checked, relayPort.value)
                }
                Item { Layout.preferredWidth: Theme.spacingS }
                Label { text: qsTr("Port"); color: Theme.textMuted }
                ThemedSpinBox {
                    id: relayPort
                    objectName: "relayPort"
                    from: 1024
                    to: 65535
                    editable: true
                    value: 8648
                    // A port is a number, not a quantity: "8648", never "8,648".
                    textFromValue: (number) => String(number)
                    valueFromText: (text) => parseInt(text, 10) || 0
                    validator: IntValidator { bottom: relayPort.from; top: relayPort.to }
                    Accessible.name: qsTr("Relay port")
                }
            }
            SettingsHint {
                visible: Backend.relayError.length > 0
                text: Backend.relayError
                color: Theme.danger
            }
            GridLayout {
                visible: Backend.relayRunning
                columns: 3
                columnSpacing: Theme.spacingS
                Label { text: qsTr("Server URL"); color: Theme.textMuted }
                ThemedTextField {
                    Layout.fillWidth: true
                    readOnly: true
                    text: Backend.relayUrl
                    Accessible.name: qsTr("Relay URL")
                }
                CopyButton { textToCopy: Backend.relayUrl; toolTipText: qsTr("Copy the URL") }
                Label { text: qsTr("Token"); color: Theme.textMuted }
                ThemedTextField {
                    Layout.fillWidth: true
                    readOnly: true
                    echoMode: TextInput.PasswordEchoOnEdit
                    text: Backend.relayToken
                    font.family: Theme.monoFamily
                    Accessible.name: qsTr("Relay token")
                }
                CopyButton { textToCopy: Backend.relayToken; toolTipText: qsTr("Copy the token") }
            }
            ThemedButton {
                visible: Backend.relayRunning
                text: qsTr("New token")
                onClicked: Backend.regenerateRelayToken()
            }

            SettingsSectionTitle { text: qsTr("About") }
            SettingsHint { text: qsTr("Caduceus %1 — a native client and relay for Hermes Agent.").arg(Backend.version) }
            ThemedButton {
                text: qsTr("About Caduceus…")
                onClicked: aboutDialog.open()
            }
        }
    }

    AboutDialog {
        id: aboutDialog
        version: Backend.version
    }
}
