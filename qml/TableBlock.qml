import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// A Markdown table drawn as a grid: header row, column alignment from the delimiter row, columns
// as wide as their content up to `maxColumnWidth` (then wrapping), sideways scrolling when the
// table is wider than the message.
Item {
    id: table

    property var cells: []        // rows of cell Markdown, header first
    property var alignments: []   // per column: "left" | "center" | "right" | ""
    property real maxColumnWidth: 340
    property var columnWidths: []
    readonly property int cellPadding: Theme.spacingS + 2

    function measure() {
        const widths = [];
        for (let r = 0; r < rows.count; ++r) {
            const row = rows.itemAt(r);
            if (!row)
                continue;
            for (let c = 0; c < row.cellCount; ++c) {
                const cell = row.cellAt(c);
                if (cell)
                    widths[c] = Math.max(widths[c] || 0, Math.min(maxColumnWidth, cell.naturalWidth));
            }
        }
        columnWidths = widths;
    }

    function alignmentOf(column) {
        switch (alignments && alignments[column]) {
        case "center":
            return Text.AlignHCenter;
        case "right":
            return Text.AlignRight;
        default:
            return Text.AlignLeft;
        }
    }

    onCellsChanged: Qt.callLater(measure)
    onMaxColumnWidthChanged: Qt.callLater(measure)
    implicitHeight: frame.height + (hbar.visible ? hbar.height + 2 : 0)
    Accessible.role: Accessible.Table

    Flickable {
        id: scroller
        width: parent.width
        height: frame.height + (hbar.visible ? hbar.height + 2 : 0)
        contentWidth: frame.width
        contentHeight: height
        flickableDirection: Flickable.HorizontalFlick
        boundsBehavior: Flickable.StopAtBounds
        interactive: contentWidth > width
        clip: true
        ScrollBar.horizontal: ScrollBar {
            id: hbar
            policy: scroller.contentWidth > scroller.width ? ScrollBar.AsNeeded : ScrollBar.AlwaysOff
        }

        Rectangle {
            id: frame
            width: grid.width + 2
            height: grid.height + 2
            radius: Theme.radiusS
            color: Theme.surface
            border.width: 1
            border.color: Theme.border
            clip: true

            Column {
                id: grid
                x: 1
                y: 1

                Repeater {
                    id: rows
                    model: table.cells

                    delegate: Row {
                        id: tableRow

                        required property var modelData
                        required property int index
                        readonly property bool header: index === 0
                        readonly property int cellCount: rowCells.count

                        function cellAt(column) {
                            return rowCells.itemAt(column);
                        }

                        Repeater {
                            id: rowCells
                            model: tableRow.modelData

                            delegate: Item {
                                id: cell

                                required property string modelData
                                required property int index
                                readonly property real naturalWidth: measurer.implicitWidth + 2 * table.cellPadding

                                onNaturalWidthChanged: Qt.callLater(table.measure)
                                width: table.columnWidths[index] !== undefined ? table.columnWidths[index]
                                                                               : Math.min(table.maxColumnWidth, naturalWidth)
                                implicitHeight: label.implicitHeight + 2 * (table.cellPadding - 3)

                                Rectangle {
                                    width: parent.width
                                    height: tableRow.height
                                    color: tableRow.header ? Theme.surfaceAlt
                                         : tableRow.index % 2 === 0 ? Qt.rgba(Theme.surfaceAlt.r, Theme.surfaceAlt.g,
                                                                              Theme.surfaceAlt.b, 0.45)
                                                                    : "transparent"
                                }
                                Rectangle {
                                    visible: tableRow.index < rows.count - 1
                                    y: tableRow.height - 1
                                    width: parent.width
                                    height: 1
                                    color: Theme.border
                                }
                                Rectangle {
                                    visible: cell.index < tableRow.cellCount - 1
                                    x: parent.width - 1
                                    width: 1
                                    height: tableRow.height
                                    color: Theme.border
                                }
                                Text {
                                    id: measurer
                                    visible: false
                                    text: cell.modelData
                                    textFormat: Text.MarkdownText
                                    font: label.font
                                }
                                MarkdownTextBlock {
                                    id: label
                                    x: table.cellPadding
                                    y: table.cellPadding - 3
                                    width: parent.width - 2 * table.cellPadding
                                    markdown: cell.modelData
                                    horizontalAlignment: table.alignmentOf(cell.index)
                                    font.weight: tableRow.header ? Font.DemiBold : Font.Normal
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
