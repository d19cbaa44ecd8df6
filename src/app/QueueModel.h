#pragma once
// The open session's queued inputs for the queue panel: position, preview, full text, id.
#include "store/StoreTypes.h"

#include <QAbstractListModel>

class QueueModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role { QueueIdRole = Qt::UserRole + 1, PreviewRole, TextRole, PositionRole };
    using QAbstractListModel::QAbstractListModel;

    void setItems(const QList<caduceus::store::QueueItem> &items);
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void countChanged();

private:
    QList<caduceus::store::QueueItem> m_items;
};
