#include "ui/MarkdownBlockParser.h"

#include <md4c.h>

#include <QByteArrayView>

#include <algorithm>
#include <vector>

namespace caduceus::ui {

namespace {

struct RawBlock
{
    BlockKind kind = BlockKind::Paragraph;
    int level = 0;
    char fenceChar = 0;
    QString language;
    QByteArray code;
    qsizetype firstText = -1; // first and last byte carrying text, relative to the parsed range
    qsizetype lastText = -1;
    int firstLine = -1;
    int lastLine = -1;
    bool fenceClosed = false;
    // Tables: each cell as the byte range of its text, widened to its pipes afterwards.
    struct Cell
    {
        qsizetype first = -1;
        qsizetype last = -1;
    };
    std::vector<std::vector<Cell>> rows;
    QStringList alignments;
    bool inCell = false;

    bool hasText() const { return firstText >= 0; }
    bool hasLines() const { return firstLine >= 0; }
    void noteText(qsizetype begin, qsizetype end)
    {
        firstText = firstText < 0 ? begin : std::min(firstText, begin);
        lastText = std::max(lastText, end);
    }
    void noteLine(int line)
    {
        firstLine = firstLine < 0 ? line : std::min(firstLine, line);
        lastLine = std::max(lastLine, line);
    }
};

struct Collector
{
    const char *begin = nullptr;
    qsizetype size = 0;
    int depth = 0;
    std::vector<RawBlock> blocks;

    // md4c hands out pointers into the input for real text and pointers to static strings for
    // synthesized newlines; only the former say where a block lives.
    void noteSpan(const char *text, qsizetype length)
    {
        if (blocks.empty() || text < begin || text > begin + size)
            return;
        const qsizetype start = std::min<qsizetype>(text - begin, std::max<qsizetype>(size - 1, 0));
        const qsizetype last = std::min<qsizetype>(start + std::max<qsizetype>(length, 1) - 1, size - 1);
        RawBlock &block = blocks.back();
        block.noteText(start, std::max(start, last));
        if (block.inCell && length > 0 && !block.rows.empty() && !block.rows.back().empty()) {
            RawBlock::Cell &cell = block.rows.back().back();
            cell.first = cell.first < 0 ? start : std::min(cell.first, start);
            cell.last = std::max(cell.last, last);
        }
    }
};

BlockKind kindOf(MD_BLOCKTYPE type)
{
    switch (type) {
    case MD_BLOCK_QUOTE:
        return BlockKind::Quote;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        return BlockKind::List;
    case MD_BLOCK_HR:
        return BlockKind::Rule;
    case MD_BLOCK_H:
        return BlockKind::Heading;
    case MD_BLOCK_CODE:
        return BlockKind::Code;
    case MD_BLOCK_TABLE:
        return BlockKind::Table;
    default:
        return BlockKind::Paragraph;
    }
}

QString alignmentName(MD_ALIGN align)
{
    switch (align) {
    case MD_ALIGN_LEFT:
        return QStringLiteral("left");
    case MD_ALIGN_CENTER:
        return QStringLiteral("center");
    case MD_ALIGN_RIGHT:
        return QStringLiteral("right");
    default:
        return QString();
    }
}

void enterTablePart(RawBlock &table, MD_BLOCKTYPE type, void *detail)
{
    if (type == MD_BLOCK_TR) {
        table.rows.emplace_back();
    } else if ((type == MD_BLOCK_TH || type == MD_BLOCK_TD) && !table.rows.empty()) {
        table.rows.back().emplace_back();
        table.inCell = true;
        if (table.rows.size() == 1)
            table.alignments.append(alignmentName(static_cast<MD_BLOCK_TD_DETAIL *>(detail)->align));
    }
}

int enterBlock(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    auto *collector = static_cast<Collector *>(userdata);
    if (type == MD_BLOCK_DOC)
        return 0;
    ++collector->depth;
    if (collector->depth != 1) {
        if (!collector->blocks.empty() && collector->blocks.back().kind == BlockKind::Table)
            enterTablePart(collector->blocks.back(), type, detail);
        return 0;
    }
    RawBlock block;
    block.kind = kindOf(type);
    if (type == MD_BLOCK_H)
        block.level = static_cast<int>(static_cast<MD_BLOCK_H_DETAIL *>(detail)->level);
    collector->blocks.push_back(block);
    if (type == MD_BLOCK_CODE) {
        const auto *code = static_cast<MD_BLOCK_CODE_DETAIL *>(detail);
        collector->blocks.back().fenceChar = code->fence_char;
        if (code->lang.size > 0)
            collector->blocks.back().language =
                QString::fromUtf8(code->lang.text, static_cast<qsizetype>(code->lang.size));
        if (code->info.size > 0)
            collector->noteSpan(code->info.text, static_cast<qsizetype>(code->info.size));
    }
    return 0;
}

int leaveBlock(MD_BLOCKTYPE type, void *, void *userdata)
{
    auto *collector = static_cast<Collector *>(userdata);
    if (type == MD_BLOCK_DOC)
        return 0;
    --collector->depth;
    if ((type == MD_BLOCK_TH || type == MD_BLOCK_TD) && !collector->blocks.empty())
        collector->blocks.back().inCell = false;
    return 0;
}

int span(MD_SPANTYPE, void *, void *) { return 0; }

int text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *userdata)
{
    auto *collector = static_cast<Collector *>(userdata);
    if (collector->blocks.empty() || collector->depth < 1)
        return 0;
    collector->noteSpan(text, static_cast<qsizetype>(size));
    RawBlock &block = collector->blocks.back();
    if (block.kind == BlockKind::Code && collector->depth == 1 && type == MD_TEXT_CODE)
        block.code.append(text, static_cast<qsizetype>(size));
    return 0;
}

// ---- the shape of a single source line (without its line break) ----

int indentOf(QByteArrayView line)
{
    int columns = 0;
    for (char c : line) {
        if (c == ' ')
            ++columns;
        else if (c == '\t')
            columns += 4 - columns % 4;
        else
            break;
    }
    return columns;
}

QByteArrayView stripped(QByteArrayView line) { return line.trimmed(); }

bool isBlank(QByteArrayView line) { return stripped(line).isEmpty(); }

bool allOf(QByteArrayView text, char wanted)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), [wanted](char c) { return c == wanted; });
}

bool isClosingFence(QByteArrayView line, char fenceChar)
{
    const QByteArrayView body = stripped(line);
    return indentOf(line) <= 3 && body.size() >= 3 && allOf(body, fenceChar);
}

bool isSetextUnderline(QByteArrayView line)
{
    const QByteArrayView body = stripped(line);
    return indentOf(line) <= 3 && (allOf(body, '=') || allOf(body, '-'));
}

bool startsWithAtxMarker(QByteArrayView line) { return indentOf(line) <= 3 && stripped(line).startsWith('#'); }

bool startsWithQuoteMarker(QByteArrayView line) { return indentOf(line) <= 3 && stripped(line).startsWith('>'); }

bool isBareListMarker(QByteArrayView line)
{
    if (indentOf(line) > 3)
        return false;
    const QByteArrayView body = stripped(line);
    if (body == "-" || body == "+" || body == "*")
        return true;
    if (body.size() < 2 || body.size() > 10)
        return false;
    const char last = body.back();
    const QByteArrayView digits = body.first(body.size() - 1);
    return (last == '.' || last == ')')
           && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Whether a line without text of its own still belongs to `block`, the block just before it.
bool continues(const RawBlock &block, QByteArrayView line, QByteArrayView blockFirstLine, bool adjacent)
{
    switch (block.kind) {
    case BlockKind::Code:
        return block.fenceChar != 0 && block.hasLines() && !block.fenceClosed
               && isClosingFence(line, block.fenceChar);
    case BlockKind::Heading:
        return adjacent && !startsWithAtxMarker(blockFirstLine) && isSetextUnderline(line);
    case BlockKind::Quote:
        return adjacent && startsWithQuoteMarker(line);
    case BlockKind::Table:
        return adjacent && line.contains('|');
    case BlockKind::List:
        return indentOf(line) >= 2 || isBareListMarker(line);
    case BlockKind::Paragraph:
    case BlockKind::Rule:
        return false;
    }
    return false;
}

class SourceLines
{
public:
    explicit SourceLines(QByteArrayView source) : m_source(source)
    {
        m_starts.push_back(0);
        for (qsizetype i = 0; i < source.size(); ++i) {
            if (source[i] == '\n' && i + 1 < source.size())
                m_starts.push_back(i + 1);
        }
    }

    int count() const { return source().isEmpty() ? 0 : static_cast<int>(m_starts.size()); }
    qsizetype start(int line) const { return m_starts[static_cast<size_t>(line)]; }
    // End of the line's content, before "\n" or "\r\n".
    qsizetype contentEnd(int line) const
    {
        qsizetype end = line + 1 < count() ? start(line + 1) : m_source.size();
        while (end > start(line) && (m_source[end - 1] == '\n' || m_source[end - 1] == '\r'))
            --end;
        return end;
    }
    QByteArrayView line(int index) const
    {
        return m_source.sliced(start(index), contentEnd(index) - start(index));
    }
    int lineOf(qsizetype offset) const
    {
        const auto it = std::upper_bound(m_starts.begin(), m_starts.end(), offset);
        return static_cast<int>(it - m_starts.begin()) - 1;
    }
    QByteArrayView source() const { return m_source; }

private:
    QByteArrayView m_source;
    std::vector<qsizetype> m_starts;
};

void attributeLines(std::vector<RawBlock> &blocks, const SourceLines &lines)
{
    std::vector<int> owner(static_cast<size_t>(lines.count()), -1);
    for (size_t b = 0; b < blocks.size(); ++b) {
        RawBlock &block = blocks[b];
        if (!block.hasText())
            continue;
        const int first = lines.lineOf(block.firstText);
        const int last = lines.lineOf(block.lastText);
        for (int line = first; line <= last; ++line) {
            if (owner[static_cast<size_t>(line)] < 0)
                owner[static_cast<size_t>(line)] = static_cast<int>(b);
        }
        block.noteLine(first);
        block.noteLine(last);
    }

    const int blockCount = static_cast<int>(blocks.size());
    int current = -1;
    int lastAssignedLine = -1;
    for (int line = 0; line < lines.count(); ++line) {
        if (owner[static_cast<size_t>(line)] >= 0) {
            current = owner[static_cast<size_t>(line)];
            lastAssignedLine = line;
            continue;
        }
        const QByteArrayView content = lines.line(line);
        if (isBlank(content))
            continue;

        int chosen = -1;
        if (current >= 0) {
            const RawBlock &block = blocks[static_cast<size_t>(current)];
            const QByteArrayView firstLine = lines.line(block.firstLine);
            if (continues(block, content, firstLine, line == lastAssignedLine + 1))
                chosen = current;
        }
        // Otherwise the line opens the next block: it is either a block without any text (a rule,
        // an empty fence or heading) or the opening of one with text (a fence without info string).
        if (chosen < 0 && current + 1 < blockCount)
            chosen = current + 1;
        if (chosen < 0)
            chosen = current; // trailing lines with no block of their own, e.g. link definitions
        if (chosen < 0)
            continue;

        RawBlock &block = blocks[static_cast<size_t>(chosen)];
        if (block.kind == BlockKind::Code && block.fenceChar != 0 && block.hasLines()
            && isClosingFence(content, block.fenceChar) && chosen == current)
            block.fenceClosed = true;
        block.noteLine(line);
        current = chosen;
        lastAssignedLine = line;
    }
}

// A cell's text spans only its inline content ("failed" of "**failed**"): widen it to the pipes
// around it so the cell keeps its own Markdown.
QString cellMarkdown(QByteArrayView source, const RawBlock::Cell &cell)
{
    if (cell.first < 0)
        return QString();
    const auto isPipe = [&source](qsizetype i) {
        return source[i] == '|' && (i == 0 || source[i - 1] != '\\');
    };
    qsizetype begin = cell.first;
    while (begin > 0 && source[begin - 1] != '\n' && !isPipe(begin - 1))
        --begin;
    qsizetype end = cell.last + 1;
    while (end < source.size() && source[end] != '\n' && source[end] != '\r' && !isPipe(end))
        ++end;
    return QString::fromUtf8(source.sliced(begin, end - begin)).trimmed();
}

QString codeContent(const RawBlock &block, bool streamingTail)
{
    QByteArray code = block.code;
    if (code.endsWith('\n'))
        code.chop(1);
    if (streamingTail && block.fenceChar != 0 && !block.fenceClosed) {
        // A closing fence that is still arriving ("``") is not code: hide it rather than flash it.
        const qsizetype lastBreak = code.lastIndexOf('\n');
        const QByteArrayView lastLine = QByteArrayView(code).sliced(lastBreak + 1);
        if (indentOf(lastLine) <= 3 && allOf(stripped(lastLine), block.fenceChar))
            code.truncate(std::max<qsizetype>(lastBreak, 0));
    }
    return QString::fromUtf8(code);
}

} // namespace

QList<MarkdownBlock> MarkdownBlockParser::parse(const QByteArray &utf8, qsizetype from)
{
    from = std::clamp<qsizetype>(from, 0, utf8.size());
    const QByteArrayView source = QByteArrayView(utf8).sliced(from);

    Collector collector;
    collector.begin = source.data();
    collector.size = source.size();

    MD_PARSER parser{};
    parser.abi_version = 0;
    parser.flags = MD_DIALECT_GITHUB;
    parser.enter_block = enterBlock;
    parser.leave_block = leaveBlock;
    parser.enter_span = span;
    parser.leave_span = span;
    parser.text = text;
    if (!source.isEmpty())
        md_parse(source.data(), static_cast<MD_SIZE>(source.size()), &parser, &collector);

    const SourceLines lines(source);
    attributeLines(collector.blocks, lines);

    QList<MarkdownBlock> result;
    result.reserve(static_cast<qsizetype>(collector.blocks.size()));
    qsizetype previousEnd = 0;
    const bool endsMidLine = !source.isEmpty() && source.back() != '\n';
    for (size_t i = 0; i < collector.blocks.size(); ++i) {
        const RawBlock &raw = collector.blocks[i];
        MarkdownBlock block;
        block.kind = raw.kind;
        block.level = raw.level;
        block.language = raw.language;
        qsizetype start = previousEnd;
        qsizetype end = previousEnd;
        if (raw.hasLines()) {
            start = lines.start(raw.firstLine);
            end = lines.contentEnd(raw.lastLine);
        }
        block.text = QString::fromUtf8(source.sliced(start, end - start));
        if (raw.kind == BlockKind::Code)
            block.code = codeContent(raw, endsMidLine && i + 1 == collector.blocks.size());
        if (raw.kind == BlockKind::Table) {
            block.tableAlignments = raw.alignments;
            for (const auto &row : raw.rows) {
                QStringList cells;
                for (const RawBlock::Cell &cell : row)
                    cells.append(cellMarkdown(source, cell));
                block.tableRows.append(cells);
            }
        }
        block.sourceStart = from + start;
        block.sourceEnd = from + end;
        previousEnd = end;
        result.append(block);
    }
    return result;
}

} // namespace caduceus::ui
