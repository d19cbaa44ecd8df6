import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Caduceus
import Caduceus.App

// Settings › TLS certificates: the certificate the agent's https address presented when it was refused
// (with "Trust this certificate"), and the certificates trusted explicitly, per agent URL, by SHA-256
// fingerprint, each removable. Certificates from the system's CAs need nothing here.
ColumnLayout {
    id: root
    spacing: Theme.spacingS

    readonly property var refused: Backend.untrustedCertificate
    readonly property bool hasRefused: refused && refused.fingerprint !== undefined && refused.fingerprint.length > 0

    CheckBox {
        objectName: "inlineAttachments"
        Layout.fillWidth: true
        text: qsTr("Send attachments' contents, not paths (the agent is on another computer)")
        checked: Backend.setting("agent/inlineAttachments", false) === true
                 || Backend.setting("agent/inlineAttachments", false) === "true"
        onToggled: Backend.setSetting("agent/inlineAttachments", checked)
    }

    Label {
        Layout.topMargin: Theme.spacingM
        text: qsTr("TLS certificates")
        font.pixelSize: Theme.fontSizeBody
        font.weight: Font.DemiBold
        color: Theme.text
    }

    Rectangle {
        objectName: "refusedCertificate"
        visible: root.hasRefused
        Layout.fillWidth: true
        implicitHeight: refusedColumn.implicitHeight + Theme.spacingS * 2
        radius: Theme.radiusM
        color: Theme.dangerSoft
        border.color: Theme.dangerBorder

        ColumnLayout {
            id: refusedColumn
            anchors.fill: parent
            anchors.margins: Theme.spacingS
            spacing: Theme.spacingXS
            Label {
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                font.pixelSize: Theme.fontSizeSmall
                color: Theme.text
                text: root.hasRefused ? root.refused.message : ""
            }
            Label {
                Layout.fillWidth: true
                wrapMode: Text.WrapAnywhere
                font.pixelSize: Theme.fontSizeSmall
                font.family: Theme.monoFamily
                color: Theme.textMuted
                text: root.hasRefused ? qsTr("SHA-256 %1").arg(root.refused.fingerprint) : ""
            }
            ThemedButton {
                objectName: "trustCertificateButton"
                text: qsTr("Trust this certificate")
                onClicked: Backend.trustCertificate(root.refused.url, root.refused.fingerprint)
            }
        }
    }

    Label {
        Layout.fillWidth: true
        visible: Backend.trustedCertificates.length === 0
        wrapMode: Text.WordWrap
        font.pixelSize: Theme.fontSizeSmall
        color: Theme.textMuted
        text: qsTr("No certificate is trusted explicitly: https agents need a certificate from a CA this system trusts.")
    }

    Repeater {
        model: Backend.trustedCertificates
        delegate: RowLayout {
            required property var modelData
            Layout.fillWidth: true
            spacing: Theme.spacingS
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 0
                Label {
                    Layout.fillWidth: true
                    text: modelData.origin
                    elide: Text.ElideRight
                    color: Theme.text
                    font.pixelSize: Theme.fontSizeSmall
                }
                Label {
                    Layout.fillWidth: true
                    text: modelData.fingerprint
                    wrapMode: Text.WrapAnywhere
                    font.family: Theme.monoFamily
                    font.pixelSize: Theme.fontSizeSmall
                    color: Theme.textMuted
                }
            }
            ThemedButton {
                text: qsTr("Remove")
                variant: "ghost"
                Accessible.name: qsTr("Stop trusting the certificate of %1").arg(modelData.origin)
                onClicked: Backend.removeTrustedCertificate(modelData.origin, modelData.fingerprint)
            }
        }
    }
}
