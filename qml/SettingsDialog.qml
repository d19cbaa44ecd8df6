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
        urlField.forceActiveFocus(); // the keyboard starts in the first field, not on the close button
    }

    component SectionTitle: Label {
        Layout.topMargin: Theme.spacingM
        font.pixelSize: Theme.fontSizeBody
        font.weight: Font.DemiBold
        color: Theme.text
    }
    component Hint: Label {
        Layout.fillWidth: true
        wrapMode: Text.WordWrap
        font.pixelSize: Theme.fontSizeSmall
        color: Theme.textMuted
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true

        ColumnLayout {
            width: parent.width
            spacing: Theme.spacingS

            SectionTitle { text: qsTr("Agent") }
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
            Hint {
                visible: Backend.agentStatusReason.length > 0
                text: Backend.agentStatusReason
                color: Theme.danger
            }
            TextField {
                id: urlField
                objectName: "agentUrl"
                Layout.fillWidth: true
                placeholderText: qsTr("Agent URL, e.g. http://127.0.0.1:8642 (empty: find local Hermes)")
                Accessible.name: qsTr("Agent URL")
                onAccepted: Backend.connectAgent(urlField.text, keyField.text)
            }
            Hint {
                objectName: "agentUrlError"
                visible: Backend.agentUrlError.length > 0
                text: Backend.agentUrlError
                color: Theme.danger
            }
            TextField {
                id: keyField
                objectName: "agentKey"
                Layout.fillWidth: true
                echoMode: TextInput.Password
                placeholderText: qsTr("API key (API_SERVER_KEY); kept in the system keychain")
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

            SectionTitle { text: qsTr("Chat") }
            TextField {
                id: modelField
                Layout.fillWidth: true
                placeholderText: qsTr("Default model (empty: the profile's default)")
                Accessible.name: qsTr("Default model")
                onEditingFinished: Backend.setSetting("chat/defaultModel", text.trim())
            }
            Label {
                text: qsTr("System prompt")
                color: Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
            }
            TextArea {
                id: promptArea
                Layout.fillWidth: true
                Layout.preferredHeight: 90
                wrapMode: TextEdit.Wrap
                placeholderText: qsTr("Instructions added to every run")
                // Basic's TextArea has no frame: draw the one its TextFields have, or the field is invisible.
                background: Rectangle {
                    color: promptArea.palette.base
                    border.width: promptArea.activeFocus ? 2 : 1
                    border.color: promptArea.activeFocus ? promptArea.palette.highlight : promptArea.palette.mid
                }
                Accessible.name: qsTr("System prompt")
                onEditingFinished: Backend.setSetting("chat/systemPrompt", text)
            }

            SectionTitle { text: qsTr("Appearance") }
            GridLayout {
                columns: 2
                columnSpacing: Theme.spacingM
                rowSpacing: Theme.spacingS
                Label { text: qsTr("Theme"); color: Theme.textMuted }
                ThemedComboBox {
                    id: themeBox
                    Layout.preferredWidth: 220
                    model: [qsTr("System"), qsTr("Light"), qsTr("Dark")]
                    readonly property var modes: ["system", "light", "dark"]
                    currentIndex: Math.max(0, modes.indexOf(Theme.mode))
                    onActivated: index => {
                        Theme.mode = modes[index];
                        Backend.setSetting("ui/theme", modes[index]);
                    }
                    Accessible.name: qsTr("Theme")
                }
                Label { text: qsTr("Text size"); color: Theme.textMuted }
                Slider {
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
                    Layout.preferredWidth: 220
                    model: [{ code: "", name: qsTr("System") }].concat(Translations.languages)
                    textRole: "name"
                    currentIndex: Math.max(0, model.findIndex(entry => entry.code === Translations.choice))
                    onActivated: index => Translations.setChoice(model[index].code)
                    Accessible.name: qsTr("Language")
                }
                Label { text: qsTr("Rendering"); color: Theme.textMuted }
                ThemedComboBox {
                    objectName: "rendererBox"
                    Layout.preferredWidth: 220
                    model: [qsTr("Automatic"), qsTr("Graphics card (OpenGL)"), qsTr("Software")]
                    readonly property var modes: ["auto", "gpu", "software"]
                    currentIndex: Math.max(0, modes.indexOf(Backend.setting("ui/renderer", "auto")))
                    onActivated: index => Backend.setSetting("ui/renderer", modes[index])
                    Accessible.name: qsTr("Rendering")
                }
            }
            Hint {
                text: qsTr("Automatic draws in software when the computer has no graphics card, which is faster "
                           + "and uses less memory there. Takes effect at the next start.")
            }

            SectionTitle { text: qsTr("Notifications") }
            Switch {
                objectName: "notificationsSwitch"
                text: qsTr("Desktop notifications")
                checked: String(Backend.setting("ui/notifications", true)) !== "false"
                onToggled: Backend.setSetting("ui/notifications", checked)
                Accessible.name: qsTr("Desktop notifications")
            }
            Hint {
                text: qsTr("While the window is in the background, an approval request or a finished or failed run "
                           + "shows a notification; clicking it opens that chat.")
            }

            SectionTitle { text: qsTr("Web UI relay") }
            Hint {
                text: qsTr("Lets the hermes-web-ui chat page in a browser use Caduceus instead of its Node server; "
                           + "the browser and this window then share the same sessions. It listens on this computer only.")
            }
            RowLayout {
                spacing: Theme.spacingS
                Switch {
                    id: relaySwitch
                    objectName: "relaySwitch"
                    text: qsTr("Relay on")
                    checked: Backend.relayRunning
                    onToggled: Backend.setRelayEnabled(checked, relayPort.value)
                }
                Label { text: qsTr("Port"); color: Theme.textMuted }
                SpinBox {
                    id: relayPort
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
            Hint {
                visible: Backend.relayError.length > 0
                text: Backend.relayError
                color: Theme.danger
            }
            GridLayout {
                visible: Backend.relayRunning
                columns: 3
                columnSpacing: Theme.spacingS
                Label { text: qsTr("Server URL"); color: Theme.textMuted }
                TextField {
                    Layout.fillWidth: true
                    readOnly: true
                    text: Backend.relayUrl
                    Accessible.name: qsTr("Relay URL")
                }
                CopyButton { textToCopy: Backend.relayUrl; toolTipText: qsTr("Copy the URL") }
                Label { text: qsTr("Token"); color: Theme.textMuted }
                TextField {
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

            SectionTitle { text: qsTr("About") }
            Hint { text: qsTr("Caduceus %1 — a native client and relay for Hermes Agent.").arg(Backend.version) }
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
