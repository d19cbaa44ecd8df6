#pragma once

#include "ui/BlockUpdate.h"
#include "ui/MarkdownBlock.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace caduceus::ui {

// A message's Markdown as a list of top-level blocks that can grow while the answer streams.
// Appended text can only change the last block, with one exception: a list directly before it,
// because a later line that becomes an item of the same list ("3." after "3") joins that list.
// So an append re-parses only from firstOpenRow() and reports exactly which rows changed.
class MarkdownBlocks
{
public:
    const QList<MarkdownBlock> &blocks() const { return m_blocks; }
    const QString &markdown() const { return m_text; }
    // The first row the next append may change; rows before it are final.
    int firstOpenRow() const;

    BlockUpdate appendText(const QString &delta);
    // Replaces the whole text. When the new text extends the current one this is an append;
    // otherwise only rows whose content differs are reported as changed.
    BlockUpdate setMarkdown(const QString &text);
    BlockUpdate clear();

private:
    void convertPendingText();
    BlockUpdate replaceFrom(int firstRow, QList<MarkdownBlock> fresh);

    QString m_text;
    QByteArray m_utf8;
    qsizetype m_convertedLength = 0; // UTF-16 units of m_text already in m_utf8
    QList<MarkdownBlock> m_blocks;
};

} // namespace caduceus::ui
