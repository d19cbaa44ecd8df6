#include "ui/MarkdownBlocks.h"

#include "ui/MarkdownBlockParser.h"

#include <algorithm>

namespace caduceus::ui {

BlockUpdate MarkdownBlocks::appendText(const QString &delta)
{
    if (delta.isEmpty())
        return {};
    m_text += delta;
    const qsizetype previousBytes = m_utf8.size();
    convertPendingText();
    if (m_utf8.size() == previousBytes)
        return {};
    const int openRow = firstOpenRow();
    const qsizetype openStart = openRow < m_blocks.size() ? m_blocks.at(openRow).sourceStart : 0;
    return replaceFrom(openRow, MarkdownBlockParser::parse(m_utf8, openStart));
}

int MarkdownBlocks::firstOpenRow() const
{
    const int last = static_cast<int>(m_blocks.size()) - 1;
    if (last < 0)
        return 0;
    if (last > 0 && m_blocks.at(last - 1).kind == BlockKind::List)
        return last - 1;
    return last;
}

BlockUpdate MarkdownBlocks::setMarkdown(const QString &text)
{
    if (text.size() >= m_text.size() && text.startsWith(m_text))
        return appendText(text.sliced(m_text.size()));
    m_text = text;
    m_utf8.clear();
    m_convertedLength = 0;
    convertPendingText();
    return replaceFrom(0, MarkdownBlockParser::parse(m_utf8, 0));
}

BlockUpdate MarkdownBlocks::clear() { return setMarkdown(QString()); }

void MarkdownBlocks::convertPendingText()
{
    qsizetype end = m_text.size();
    // A streamed chunk may end between the two halves of a surrogate pair: wait for the second.
    if (end > m_convertedLength && m_text.at(end - 1).isHighSurrogate())
        --end;
    if (end > m_convertedLength) {
        m_utf8 += QStringView(m_text).sliced(m_convertedLength, end - m_convertedLength).toUtf8();
        m_convertedLength = end;
    }
}

BlockUpdate MarkdownBlocks::replaceFrom(int firstRow, QList<MarkdownBlock> fresh)
{
    const int oldCount = static_cast<int>(m_blocks.size());
    const int newCount = firstRow + static_cast<int>(fresh.size());
    BlockUpdate update;
    for (int row = firstRow; row < std::min(oldCount, newCount); ++row) {
        if (!m_blocks.at(row).sameContentAs(fresh.at(row - firstRow))) {
            if (update.firstChanged < 0)
                update.firstChanged = row;
            update.lastChanged = row;
        }
    }
    if (newCount < oldCount) {
        update.firstRemoved = newCount;
        update.lastRemoved = oldCount - 1;
    } else if (newCount > oldCount) {
        update.firstInserted = oldCount;
        update.lastInserted = newCount - 1;
    }
    m_blocks.resize(firstRow);
    m_blocks.append(std::move(fresh));
    return update;
}

} // namespace caduceus::ui
