#include "ui/HighlightPalette.h"

namespace caduceus::ui {

HighlightPalette HighlightPalette::light()
{
    HighlightPalette palette;
    palette.keyword = QColor(0xcf, 0x22, 0x2e);
    palette.type = QColor(0x95, 0x38, 0x00);
    palette.literal = QColor(0x05, 0x50, 0xae);
    palette.string = QColor(0x0a, 0x30, 0x69);
    palette.comment = QColor(0x6e, 0x77, 0x81);
    palette.number = QColor(0x05, 0x50, 0xae);
    palette.function = QColor(0x82, 0x50, 0xdf);
    palette.directive = QColor(0x82, 0x50, 0xdf);
    palette.key = QColor(0x11, 0x63, 0x29);
    palette.variable = QColor(0x95, 0x38, 0x00);
    return palette;
}

HighlightPalette HighlightPalette::dark()
{
    HighlightPalette palette;
    palette.keyword = QColor(0xff, 0x7b, 0x72);
    palette.type = QColor(0xff, 0xa6, 0x57);
    palette.literal = QColor(0x79, 0xc0, 0xff);
    palette.string = QColor(0xa5, 0xd6, 0xff);
    palette.comment = QColor(0x8b, 0x94, 0x9e);
    palette.number = QColor(0x79, 0xc0, 0xff);
    palette.function = QColor(0xd2, 0xa8, 0xff);
    palette.directive = QColor(0xd2, 0xa8, 0xff);
    palette.key = QColor(0x7e, 0xe7, 0x87);
    palette.variable = QColor(0xff, 0xa6, 0x57);
    return palette;
}

} // namespace caduceus::ui
