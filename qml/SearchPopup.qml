import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Controls
import QtQuick.Layouts
import Caduceus
import Caduceus.App

// Ctrl+K: full-text search across every conversation; Enter or a click opens the hit.
Popup {
    id: root

    signal hitChosen(string sessionId, string messageId)

    parent: Overlay.overlay
    x: Math.round((parent.width - width) / 2)
    y: Math.round(parent.height * 0.12)
    width: Math.min(640, parent.width - Theme.spacingXL * 2)
    height: Math.min(480, parent.height * 0.7)
    modal: true
    focus: true
    padding: 0
    onOpened: {
        field.text = "";
        results.model = [];
        field.forceActiveFocus();
    }

    background: Rectangle {
        radius: Theme.radiusL
        color: Theme.surface
        border.color: Theme.border
    }

    function choose(index) {
        const hit = results.model[index];
        if (!hit)
            return;
        root.close();
        root.hitChosen(hit.sessionId, hit.messageId);
    }

    function highlighted(snippet) {
        const escaped = snippet.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
        return escaped.replace(/\[\[/g, "<b>").replace(/\]\]/g, "</b>");
    }

    Timer {
        id: debounce
        interval: 120
        onTriggered: {
            results.model = Backend.search(field.text, 40);
            results.currentIndex = results.count > 0 ? 0 : -1;
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        TextField {
            id: field
            objectName: "searchField"
            Layout.fillWidth: true
            Layout.margins: Theme.spacingM
            placeholderText: qsTr("Search all conversations")
            font.pixelSize: Theme.fontSizeLarge
            Accessible.name: qsTr("Search all conversations")
            onTextChanged: debounce.restart()
            Keys.onDownPressed: results.incrementCurrentIndex()
            Keys.onUpPressed: results.decrementCurrentIndex()
            onAccepted: root.choose(results.currentIndex)
        }

        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: 1
            color: Theme.border
        }

        ListView {
            id: results
            objectName: "searchResults"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: []
            highlightMoveDuration: 0
            ScrollBar.vertical: ScrollBar {}

            delegate: ItemDelegate {
                id: hitRow
                required property int index
                required property var modelData
                width: ListView.view.width
                highlighted: ListView.isCurrentItem
                onClicked: root.choose(index)
                Accessible.name: modelData.title + ": " + modelData.snippet
                background: Rectangle {
                    color: hitRow.highlighted ? Theme.accentSoft : (hitRow.hovered ? Theme.surfaceHover : "transparent")
                }
                contentItem: ColumnLayout {
                    spacing: 2
                    Label {
                        Layout.fillWidth: true
                        text: hitRow.modelData.title
                        elide: Text.ElideRight
                        font.pixelSize: Theme.fontSizeSmall
                        font.weight: Font.DemiBold
                        color: Theme.textMuted
                    }
                    Label {
                        Layout.fillWidth: true
                        text: root.highlighted(hitRow.modelData.snippet)
                        textFormat: Text.StyledText
                        wrapMode: Text.WordWrap
                        maximumLineCount: 2
                        elide: Text.ElideRight
                        font.pixelSize: Theme.fontSizeBody
                        color: Theme.text
                    }
                }
            }

            Label {
                anchors.centerIn: parent
                visible: results.count === 0
                text: field.text.trim().length === 0 ? qsTr("Type to search every message")
                                                     : qsTr("No message matches “%1”").arg(field.text)
                color: Theme.textFaint
            }
        }
    }
}
