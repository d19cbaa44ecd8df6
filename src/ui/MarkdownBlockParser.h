#pragma once

#include "ui/MarkdownBlock.h"

#include <QByteArray>
#include <QList>

namespace caduceus::ui {

// Splits Markdown (GitHub dialect) into its top-level blocks with md4c. md4c reports block
// structure and where each piece of text sits, but not where a block begins or ends in the
// source: lines that carry no text (fences, thematic breaks, setext underlines, empty list items)
// are attributed here from their shape and the neighbouring blocks, so that every non-blank line
// of the input belongs to exactly one block and each block's text renders on its own.
class MarkdownBlockParser
{
public:
    // Parses utf8[from, end). `from` must be the start of a line; positions in the result are
    // absolute offsets into `utf8`.
    static QList<MarkdownBlock> parse(const QByteArray &utf8, qsizetype from = 0);
};

} // namespace caduceus::ui
