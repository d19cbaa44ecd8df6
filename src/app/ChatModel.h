#pragma once
// The transcript of the open session as a list model for the QML ListView. Rows come from the
// session controller's in-memory tail; older rows are paged from the database on demand. Streaming
// updates are coalesced: at most one dataChanged per row per frame (~16 ms), for the changed roles only.
//
// One agent turn (the rows between two user messages) is drawn as one assistant block: the model tells each
// row whether it opens the block (avatar, name, time), closes it (Copy of the turn's text) or is not drawn at
// all (an empty model call, an approval answer shown on its tool card). The layout is kept per row and
// recomputed for one turn when its rows come, go or change shape, never per streamed token.
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
    enum Role
    {
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
        ToolStateRole,      // running | waitingApproval | done | failed | denied | cancelled
        ApprovalChoiceRole, // on a tool row: the user's answer to its approval request
                            // (once/session/always/deny)
        TurnStartRole,      // the first drawn row of an agent turn: it carries the header
        TurnEndRole,        // the last drawn row of a finished agent turn: it carries Copy
        HiddenRole,         // drawn elsewhere (an approval answer on its tool card) or empty
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
    // The text of the whole agent turn that `row` belongs to (the answers, not the tools): what Copy copies.
    Q_INVOKABLE QString turnText(int row) const;

    // The frame interval for coalesced updates (tests set 0 to flush synchronously on demand).
    void setCoalesceIntervalMs(int ms) { m_flushTimer.setInterval(ms); }
    void flushPendingUpdates();

Q_SIGNALS:
    void canLoadOlderChanged();
    void countChanged();
    void rowAppended(int row);

private:
    struct RowLayout
    {
        bool hidden = false;
        bool turnStart = false;
        bool turnEnd = false;
        bool waitingApproval = false;
        qint64 approvalNoticeId = 0; // tool row: the notice answering its approval
        qint64 attachedToolId = 0;   // approval notice: the tool row it is shown on
        bool operator==(const RowLayout &o) const
        {
            return hidden == o.hidden && turnStart == o.turnStart && turnEnd == o.turnEnd &&
                   waitingApproval == o.waitingApproval && approvalNoticeId == o.approvalNoticeId &&
                   attachedToolId == o.attachedToolId;
        }
    };

    void reset();
    void onControllerStateChanged();
    // Recomputes the layout of the turn containing `row`; emits dataChanged for rows whose layout changed.
    // Returns the rows whose layout changed.
    QList<int> layoutTurnAt(int row, bool notify);
    static const QList<int> &layoutRoles();
    void layoutAll();
    bool isTurnRow(int row) const;
    bool rowHasContent(const caduceus::store::MessageRecord &m) const;
    QString toolState(int row) const;
    void onMessageAdded(const caduceus::store::MessageRecord &m);
    void onMessageChanged(const caduceus::store::MessageRecord &m);
    void indexToolCalls(const caduceus::store::MessageRecord &m);

    QPointer<caduceus::chat::SessionController> m_controller;
    QList<caduceus::store::MessageRecord> m_rows;
    QList<RowLayout> m_layout; // parallel to m_rows
    QHash<qint64, int> m_rowById;
    QHash<QString, QString> m_toolArgsByCallId;
    QSet<qint64> m_dirty;
    QTimer m_flushTimer;
    bool m_canLoadOlder = false;
};
