#include "ui/MarkdownBlock.h"

namespace caduceus::ui {

QString blockKindName(BlockKind kind)
{
    switch (kind) {
    case BlockKind::Paragraph:
        return QStringLiteral("paragraph");
    case BlockKind::Heading:
        return QStringLiteral("heading");
    case BlockKind::List:
        return QStringLiteral("list");
    case BlockKind::Quote:
        return QStringLiteral("quote");
    case BlockKind::Code:
        return QStringLiteral("code");
    case BlockKind::Table:
        return QStringLiteral("table");
    case BlockKind::Rule:
        return QStringLiteral("rule");
    }
    return QStringLiteral("paragraph");
}

} // namespace caduceus::ui
