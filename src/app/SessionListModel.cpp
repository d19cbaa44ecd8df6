#include "SessionListModel.h"

#include "chat/SessionController.h"
#include "chat/SessionManager.h"

using caduceus::store::SessionRecord;

SessionListModel::SessionListModel(caduceus::chat::SessionManager *manager, QObject *parent)
    : QAbstractListModel(parent), m_manager(manager)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(50);
    connect(&m_debounce, &QTimer::timeout, this, &SessionListModel::refresh);
    connect(manager, &caduceus::chat::SessionManager::sessionsChanged, &m_debounce, qOverload<>(&QTimer::start));
    connect(manager, &caduceus::chat::SessionManager::sessionStateChanged, this, &SessionListModel::updateState);
    refresh();
}

void SessionListModel::refresh()
{
    QList<SessionRecord> rows = m_manager->listSessions(1000);
    std::stable_sort(rows.begin(), rows.end(), [](const SessionRecord &a, const SessionRecord &b) {
        return a.pinned && !b.pinned;
    });
    // Same ids in the same order: only the contents changed.
    bool sameIds = rows.size() == m_rows.size();
    for (qsizetype i = 0; sameIds && i < rows.size(); ++i)
        sameIds = rows[i].id == m_rows[i].id;
    if (sameIds) {
        m_rows = rows;
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1));
        return;
    }
    beginResetModel();
    m_rows = rows;
    endResetModel();
    Q_EMIT countChanged();
}

void SessionListModel::updateState(const QString &sessionId)
{
    const int row = rowOf(sessionId);
    if (row < 0) {
        m_debounce.start();
        return;
    }
    Q_EMIT dataChanged(index(row), index(row), {WorkingRole, QueueLengthRole});
}

int SessionListModel::rowOf(const QString &sessionId) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].id == sessionId)
            return i;
    }
    return -1;
}

QString SessionListModel::sessionIdAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows[row].id : QString();
}

int SessionListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant SessionListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const SessionRecord &s = m_rows.at(index.row());
    const auto *controller = m_manager->existingController(s.id);
    switch (role) {
    case SessionIdRole:
        return s.id;
    case TitleRole:
        return s.title.isEmpty() ? (s.preview.isEmpty() ? tr("New chat") : s.preview) : s.title;
    case PreviewRole:
        return s.preview;
    case LastActiveRole:
        return s.lastActive;
    case PinnedRole:
        return s.pinned;
    case WorkingRole:
        return controller && controller->isWorking();
    case QueueLengthRole:
        return controller ? controller->queueLength() : 0;
    case MessageCountRole:
        return s.messageCount;
    case SectionRole:
        // A key, not words: the list translates it, so a language switch renames the sections at once.
        return s.pinned ? QStringLiteral("pinned") : QStringLiteral("recent");
    case ProfileRole:
        return s.profile;
    }
    return {};
}

QHash<int, QByteArray> SessionListModel::roleNames() const
{
    return {{SessionIdRole, "sessionId"},   {TitleRole, "title"},       {PreviewRole, "preview"},
            {LastActiveRole, "lastActive"}, {PinnedRole, "pinned"},     {WorkingRole, "working"},
            {QueueLengthRole, "queueLength"}, {MessageCountRole, "messageCount"}, {SectionRole, "section"},
            {ProfileRole, "profile"}};
}
