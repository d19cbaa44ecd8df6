#pragma once
// Sessions for the sidebar: pinned first, then newest activity, with live working/queue state.
// Refreshes are debounced so a burst of activity costs one re-read.
#include "store/StoreTypes.h"

#include <QAbstractListModel>
#include <QTimer>

namespace caduceus::chat {
class SessionManager;
}

class SessionListModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role { SessionIdRole = Qt::UserRole + 1, TitleRole, PreviewRole, LastActiveRole, PinnedRole, WorkingRole,
                QueueLengthRole, MessageCountRole, SectionRole, ProfileRole };

    explicit SessionListModel(caduceus::chat::SessionManager *manager, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE void refresh();
    Q_INVOKABLE int rowOf(const QString &sessionId) const;
    Q_INVOKABLE QString sessionIdAt(int row) const;

Q_SIGNALS:
    void countChanged();

private:
    void updateState(const QString &sessionId);

    caduceus::chat::SessionManager *m_manager;
    QList<caduceus::store::SessionRecord> m_rows;
    QTimer m_debounce;
};
