import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Controls
import QtQuick.Layouts
import Caduceus

// About Caduceus: the app icon, the version (the CMake project version, the same `caduceus --version`
// prints) and what the program is for. Opened from Settings → About.
Dialog {
    id: root

    property string version
    // The app icon as embedded by the caduceus program (resources/icons/caduceus.svg).
    property url iconSource: "qrc:/icons/caduceus.svg"

    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(440, parent.width - Theme.spacingXL * 2)
    modal: true
    title: qsTr("About Caduceus")
    standardButtons: Dialog.Close
    padding: Theme.spacingL

    ColumnLayout {
        width: root.availableWidth
        spacing: Theme.spacingS

        Image {
            Layout.alignment: Qt.AlignHCenter
            Layout.preferredWidth: 96
            Layout.preferredHeight: 96
            source: root.iconSource
            sourceSize: Qt.size(192, 192)
            fillMode: Image.PreserveAspectFit
            smooth: true
            Accessible.ignored: true
        }
        Label {
            Layout.alignment: Qt.AlignHCenter
            text: "Caduceus"
            color: Theme.text
            font.pixelSize: Theme.fontSizeTitle
            font.weight: Font.DemiBold
        }
        RowLayout {
            Layout.alignment: Qt.AlignHCenter
            spacing: Theme.spacingXS
            Label {
                objectName: "aboutVersion"
                text: qsTr("Version %1").arg(root.version)
                color: Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
            }
            CopyButton {
                textToCopy: "Caduceus " + root.version
                toolTipText: qsTr("Copy the version")
            }
        }
        Label {
            Layout.fillWidth: true
            Layout.topMargin: Theme.spacingS
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            color: Theme.text
            font.pixelSize: Theme.fontSizeBody
            text: qsTr("A native desktop chat client for Hermes Agent, and a local relay that lets the "
                       + "hermes-web-ui chat page share the same live sessions.")
        }
        Label {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
            text: qsTr("Keys and tokens are kept in the system keychain. In a terminal, `caduceus --help` lists "
                       + "the chat and relay commands.")
            textFormat: Text.MarkdownText
        }
    }
}
