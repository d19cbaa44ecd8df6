#include "ui/MessageBlockModel.h"

namespace caduceus::ui {

MessageBlockModel::MessageBlockModel(QObject *parent) : QAbstractListModel(parent) {}

int MessageBlockModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QVariant MessageBlockModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const MarkdownBlock &block = m_rows.at(index.row());
    switch (role) {
    case KindRole:
        return blockKindName(block.kind);
    case TextRole:
    case Qt::DisplayRole:
        return block.text;
    case CodeRole:
        return block.code;
    case LanguageRole:
        return block.language;
    case LevelRole:
        return block.level;
    case CellsRole: {
        QVariantList rows;
        rows.reserve(block.tableRows.size());
        for (const QStringList &row : block.tableRows)
            rows.append(row);
        return rows;
    }
    case AlignmentsRole:
        return block.tableAlignments;
    default:
        return {};
    }
}

QHash<int, QByteArray> MessageBlockModel::roleNames() const
{
    return {
        {KindRole, "kind"},   {TextRole, "text"},   {CodeRole, "code"},
        {LanguageRole, "language"}, {LevelRole, "level"}, {CellsRole, "cells"},
        {AlignmentsRole, "alignments"},
    };
}

void MessageBlockModel::setMarkdown(const QString &markdown)
{
    if (markdown == m_document.markdown())
        return;
    apply(m_document.setMarkdown(markdown));
    emit markdownChanged();
}

void MessageBlockModel::appendText(const QString &delta)
{
    if (delta.isEmpty())
        return;
    apply(m_document.appendText(delta));
    emit markdownChanged();
}

void MessageBlockModel::clear() { setMarkdown(QString()); }

void MessageBlockModel::apply(const BlockUpdate &update)
{
    const QList<MarkdownBlock> &blocks = m_document.blocks();
    // Rows kept in place: positions may have moved even when the content (and so the view) did not.
    const qsizetype kept = std::min(m_rows.size(), blocks.size());
    for (qsizetype row = 0; row < kept; ++row)
        m_rows[row] = blocks.at(row);
    if (update.hasChanges())
        emit dataChanged(index(update.firstChanged), index(update.lastChanged),
                         {KindRole, TextRole, CodeRole, LanguageRole, LevelRole, CellsRole, AlignmentsRole,
                          Qt::DisplayRole});
    if (update.hasRemovals()) {
        beginRemoveRows({}, update.firstRemoved, update.lastRemoved);
        m_rows.resize(update.firstRemoved);
        endRemoveRows();
    }
    if (update.hasInsertions()) {
        beginInsertRows({}, update.firstInserted, update.lastInserted);
        m_rows.append(blocks.sliced(update.firstInserted));
        endInsertRows();
    }
    if (update.hasRemovals() || update.hasInsertions())
        emit countChanged();
}

} // namespace caduceus::ui
