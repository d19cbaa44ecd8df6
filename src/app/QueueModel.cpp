#include "QueueModel.h"

#include "chat/ContentBlocks.h"

void QueueModel::setItems(const QList<caduceus::store::QueueItem> &items)
{
    bool same = items.size() == m_items.size();
    for (qsizetype i = 0; same && i < items.size(); ++i)
        same = items[i].queueId == m_items[i].queueId && items[i].input == m_items[i].input;
    if (same)
        return;
    beginResetModel();
    m_items = items;
    endResetModel();
    Q_EMIT countChanged();
}

int QueueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

QVariant QueueModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_items.size())
        return {};
    const auto &item = m_items.at(index.row());
    switch (role) {
    case QueueIdRole:
        return item.queueId;
    case PreviewRole:
        return caduceus::chat::ContentBlocks::previewText(item.input, 200);
    case TextRole:
        return item.input.isString() ? item.input.toString()
                                     : caduceus::chat::ContentBlocks::previewText(item.input, 100000);
    case PositionRole:
        return index.row() + 1;
    }
    return {};
}

QHash<int, QByteArray> QueueModel::roleNames() const
{
    return {{QueueIdRole, "queueId"}, {PreviewRole, "preview"}, {TextRole, "text"}, {PositionRole, "position"}};
}
