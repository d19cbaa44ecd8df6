import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// One Markdown block (paragraph, heading, list, quote, table) as selectable rich text.
TextArea {
    id: block

    property string markdown
    property color textColor: Theme.text

    text: markdown
    textFormat: TextEdit.MarkdownText
    readOnly: true
    selectByMouse: true
    selectByKeyboard: true
    persistentSelection: false
    wrapMode: TextEdit.Wrap
    padding: 0
    leftPadding: 0
    rightPadding: 0
    topPadding: 0
    bottomPadding: 0
    background: null
    color: textColor
    selectionColor: Theme.selection
    selectedTextColor: Theme.text
    palette.link: Theme.link
    font.family: Theme.fontFamily
    font.pixelSize: Theme.fontSizeBody
    activeFocusOnTab: false
    Accessible.role: Accessible.StaticText
    Accessible.name: getText(0, length)

    onLinkActivated: (link) => Qt.openUrlExternally(link)

    RichTextStyler {
        document: block.textDocument
        linkColor: Theme.link
        codeBackground: Theme.inlineCodeBackground
    }

    HoverHandler {
        cursorShape: block.hoveredLink.length > 0 ? Qt.PointingHandCursor : Qt.IBeamCursor
    }
}
