import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// A fenced code block: language label, copy button, highlighted monospace text that scrolls
// sideways instead of wrapping. While an answer streams, new code is appended to the text so
// that only the last lines are re-highlighted.
Rectangle {
    id: root

    property string code
    property string language
    property string title   // header label; defaults to the language

    readonly property string languageLabel: title.length > 0 ? title : language.length > 0 ? language : qsTr("text")
    property string _shownCode

    implicitHeight: header.height + scroller.height
    radius: Theme.radiusM
    color: Theme.codeBackground
    border.width: 1
    border.color: Theme.codeBorder
    clip: true

    function showCode() {
        if (code.length > _shownCode.length && code.startsWith(_shownCode)) {
            edit.insert(edit.length, code.slice(_shownCode.length));
        } else if (code !== _shownCode) {
            edit.text = code;
        }
        _shownCode = code;
    }

    onCodeChanged: showCode()
    Component.onCompleted: showCode()

    Rectangle {
        id: header
        width: parent.width
        height: Math.round(32 * Theme.fontScale)
        radius: root.radius
        color: Theme.codeHeader

        // Square off the header's lower corners.
        Rectangle {
            anchors.bottom: parent.bottom
            width: parent.width
            height: parent.radius
            color: parent.color
        }
        Rectangle {
            anchors.bottom: parent.bottom
            width: parent.width
            height: 1
            color: Theme.codeBorder
        }

        Text {
            anchors.left: parent.left
            anchors.leftMargin: Theme.spacingM
            anchors.verticalCenter: parent.verticalCenter
            text: root.languageLabel
            font.family: Theme.monoFamily
            font.pixelSize: Theme.fontSizeSmall
            color: Theme.textMuted
        }

        CopyButton {
            anchors.right: parent.right
            anchors.rightMargin: Theme.spacingXS
            anchors.verticalCenter: parent.verticalCenter
            textToCopy: root.code
            label: qsTr("Copy")
            toolTipText: qsTr("Copy code")
        }
    }

    Flickable {
        id: scroller
        anchors.top: header.bottom
        width: parent.width
        height: edit.implicitHeight + (hbar.visible ? hbar.height : 0)
        contentWidth: Math.max(width, edit.implicitWidth)
        contentHeight: edit.implicitHeight
        flickableDirection: Flickable.HorizontalFlick
        boundsBehavior: Flickable.StopAtBounds
        interactive: contentWidth > width
        clip: true

        TextEdit {
            id: edit
            width: Math.max(scroller.width, implicitWidth)
            readOnly: true
            selectByMouse: true
            selectByKeyboard: true
            textFormat: TextEdit.PlainText
            wrapMode: TextEdit.NoWrap
            leftPadding: Theme.spacingM
            rightPadding: Theme.spacingM
            topPadding: Theme.spacingS + 2
            bottomPadding: Theme.spacingS + 2
            font.family: Theme.monoFamily
            font.pixelSize: Theme.fontSizeMono
            color: Theme.codeText
            selectionColor: Theme.selection
            selectedTextColor: Theme.codeText
            Accessible.role: Accessible.EditableText
            Accessible.name: qsTr("Code, %1").arg(root.languageLabel)
            Accessible.readOnly: true
        }

        CodeHighlighter {
            document: edit.textDocument
            language: root.language
            dark: Theme.dark
        }

        ScrollBar.horizontal: ScrollBar {
            id: hbar
            policy: scroller.contentWidth > scroller.width ? ScrollBar.AsNeeded : ScrollBar.AlwaysOff
        }
    }
}
