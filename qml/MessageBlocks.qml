import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// A message's Markdown rendered block by block. Bind `markdown` to the (growing) message text:
// MessageBlockModel re-parses only the open block, so earlier blocks keep their items.
Column {
    id: root
    objectName: "messageBlocks"

    property alias markdown: blockModel.markdown
    property color textColor: Theme.text
    readonly property alias blockCount: blockModel.count

    spacing: Theme.spacingM

    MessageBlockModel {
        id: blockModel
    }

    Repeater {
        model: blockModel

        delegate: Loader {
            id: blockLoader

            required property int index
            required property string kind
            required property string text
            required property string code
            required property string language
            required property int level
            required property var cells
            required property var alignments

            objectName: "block_" + index
            width: root.width
            sourceComponent: {
                switch (kind) {
                case "code":
                    return codeComponent;
                case "rule":
                    return ruleComponent;
                case "quote":
                    return quoteComponent;
                case "table":
                    return tableComponent;
                default:
                    return textComponent;
                }
            }
        }
    }

    Component {
        id: textComponent
        MarkdownTextBlock {
            markdown: parent ? parent.text : ""
            textColor: root.textColor
            topPadding: parent && parent.kind === "heading" && parent.index > 0 ? Theme.spacingS : 0
        }
    }

    Component {
        id: codeComponent
        CodeBlock {
            code: parent ? parent.code : ""
            language: parent ? parent.language : ""
        }
    }

    Component {
        id: ruleComponent
        Item {
            implicitHeight: Theme.spacingM
            Rectangle {
                anchors.verticalCenter: parent.verticalCenter
                width: parent.width
                height: 1
                color: Theme.border
            }
        }
    }

    Component {
        id: quoteComponent
        Item {
            id: quoteView
            readonly property string quoted: (parent ? parent.text : "").split("\n").map(
                line => line.replace(/^ {0,3}> ?/, "")).join("\n")
            implicitHeight: quoteText.implicitHeight
            Rectangle {
                width: 3
                height: parent.height
                radius: 1.5
                color: Theme.borderStrong
            }
            MarkdownTextBlock {
                id: quoteText
                x: Theme.spacingM
                width: parent.width - x
                markdown: quoteView.quoted
                textColor: Theme.textMuted
            }
        }
    }

    Component {
        id: tableComponent
        TableBlock {
            cells: parent ? parent.cells : []
            alignments: parent ? parent.alignments : []
        }
    }
}
