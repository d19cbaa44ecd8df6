#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace caduceus::ui {

// The top-level pieces a message is rendered from; each is drawn by its own delegate so that a
// streaming message only re-lays out the piece that is still growing.
enum class BlockKind { Paragraph, Heading, List, Quote, Code, Table, Rule };

QString blockKindName(BlockKind kind);

struct MarkdownBlock
{
    BlockKind kind = BlockKind::Paragraph;
    QString text;     // the Markdown source of this block alone (renderable on its own)
    QString code;     // Code blocks: the code without fences or indentation
    QString language; // Code blocks: first word of the fence's info string, may be empty
    int level = 0;    // Headings: 1..6
    QList<QStringList> tableRows;  // Tables: cells' Markdown, header row first
    QStringList tableAlignments;   // Tables: per column "left", "center", "right" or ""
    qsizetype sourceStart = 0; // UTF-8 byte range of the block in the whole message
    qsizetype sourceEnd = 0;

    // Content equality: what a view shows. Byte positions are bookkeeping and do not count.
    bool sameContentAs(const MarkdownBlock &other) const
    {
        return kind == other.kind && text == other.text && code == other.code && language == other.language
               && level == other.level;
    }
};

} // namespace caduceus::ui
