import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Controls
import QtQuick.Layouts
import Caduceus

// A small modal question in the app's look: title, content, and two buttons on the right (Cancel and
// `acceptText`, drawn as `acceptVariant`, e.g. "danger" for a deletion). Esc cancels; a text field inside
// accepts with Enter itself (onAccepted), so that a deletion always takes a deliberate click or Space.
// The dialog has a width of its own (`preferredWidth`, less on a narrow window); content fills it with
// `width: parent.width` and wraps, never sticking out past the edge.
Dialog {
    id: root

    property int preferredWidth: 420
    property string acceptText: qsTr("OK")
    property string acceptVariant: "primary"
    property bool acceptEnabled: true

    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(preferredWidth, parent.width - Theme.spacingXL * 2)
    modal: true
    padding: Theme.spacingL
    topPadding: Theme.spacingS
    closePolicy: Popup.CloseOnEscape

    background: Rectangle {
        radius: Theme.radiusL
        color: Theme.surface
        border.color: Theme.border
    }
    header: Label {
        text: root.title
        padding: Theme.spacingL
        bottomPadding: 0
        font.pixelSize: Theme.fontSizeLarge
        font.weight: Font.DemiBold
        color: Theme.text
        // Neither wrapped nor elided: either makes the header's height follow the dialog's width, which Popup
        // turns into a binding loop on implicitHeight. The titles are short questions.
    }
    footer: RowLayout {
        spacing: Theme.spacingS
        Item { Layout.fillWidth: true }
        ThemedButton {
            objectName: "dialogCancel"
            Layout.bottomMargin: Theme.spacingL
            text: qsTr("Cancel")
            onClicked: root.reject()
        }
        ThemedButton {
            objectName: "dialogAccept"
            Layout.bottomMargin: Theme.spacingL
            Layout.rightMargin: Theme.spacingL
            text: root.acceptText
            variant: root.acceptVariant
            enabled: root.acceptEnabled
            onClicked: root.accept()
        }
    }
}
