#pragma once
// The transcript of the open session as a list model for the QML ListView. Rows come from the
// session controller's in-memory tail; older rows are paged from the database on demand. Streaming
// updates are coalesced: at most one dataChanged per row per frame (~16 ms), for the changed roles only.
#include "chat/SessionController.h"
#include "store/StoreTypes.h"

#include <QAbstractListModel>
#include <QHash>
#include <QPointer>
#include <QSet>
#include <QTimer>

class ChatModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(bool canLoadOlder READ canLoadOlder NOTIFY canLoadOlderChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        RoleRole,
        ContentRole,
        ReasoningRole,
        ReasoningSecondsRole,
        ToolNameRole,
        ToolPreviewRole,
        ToolStatusRole,
        ToolDurationRole,
        ToolArgsRole,
        ToolResultRole,
        StatusRole,
        TimestampRole,
        AttachmentsRole,
        SteerRole,
        RunIdRole,
    };
    Q_ENUM(Role)

    explicit ChatModel(QObject *parent = nullptr);

    void setController(caduceus::chat::SessionController *controller);
    caduceus::chat::SessionController *controller() const { return m_controller; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    bool canLoadOlder() const { return m_canLoadOlder; }
    // Prepends up to `count` older rows from the database; returns how many came.
    Q_INVOKABLE int loadOlder(int count = 100);
    Q_INVOKABLE int rowOfMessage(qint64 messageId) const;
    // Loads older rows until the message is in the model (search hits); -1 when it does not exist.
    Q_INVOKABLE int ensureMessageLoaded(qint64 messageId);
    Q_INVOKABLE QString plainText(int row) const;

    // The frame interval for coalesced updates (tests set 0 to flush synchronously on demand).
    void setCoalesceIntervalMs(int ms) { m_flushTimer.setInterval(ms); }
    void flushPendingUpdates();

Q_SIGNALS:
    void canLoadOlderChanged();
    void countChanged();
    void rowAppended(int row);

private:
    void reset();
    void onMessageAdded(const caduceus::store::MessageRecord &m);
    void onMessageChanged(const caduceus::store::MessageRecord &m);
    void indexToolCalls(const caduceus::store::MessageRecord &m);

    QPointer<caduceus::chat::SessionController> m_controller;
    QList<caduceus::store::MessageRecord> m_rows;
    QHash<qint64, int> m_rowById;
    QHash<QString, QString> m_toolArgsByCallId;
    QSet<qint64> m_dirty;
    QTimer m_flushTimer;
    bool m_canLoadOlder = false;
};
