#include "ChatModel.h"

#include "chat/ContentBlocks.h"
#include "chat/SessionController.h"
#include "chat/SessionManager.h"
#include "protocol/EventNames.h"
#include "store/SessionStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using caduceus::store::MessageRecord;
using caduceus::chat::ContentBlocks;
namespace MessageField = caduceus::MessageField;

namespace {

bool isApprovalNotice(const MessageRecord &m)
{
    return m.role == QLatin1String("notice") && m.extra.contains(MessageField::ApprovalChoice);
}

QString simplified(const QString &text)
{
    QString out = text.simplified();
    // The agent may shorten a long command in the tool's preview.
    if (out.endsWith(QStringLiteral("...")))
        out.chop(3);
    else if (out.endsWith(QChar(0x2026)))
        out.chop(1);
    return out;
}

// Whether a tool row is the one that ran (or asked to run) `command`: by its preview (the agent's
// tool.started), else by the "command" of its call's arguments (rows from the agent's transcript carry no
// preview).
bool toolRunsCommand(const MessageRecord &tool, const QString &command, const QString &callArguments)
{
    const QString wanted = command.simplified();
    if (wanted.isEmpty())
        return false;
    const QString preview = simplified(tool.extra.value(MessageField::ToolPreview).toString());
    if (!preview.isEmpty())
        return wanted == preview || wanted.startsWith(preview);
    QJsonValue arguments = tool.extra.value(MessageField::ToolArguments);
    if (arguments.isUndefined() || arguments.isNull())
        arguments = callArguments;
    const QJsonObject parsed = arguments.isObject()
                                   ? arguments.toObject()
                                   : QJsonDocument::fromJson(arguments.toString().toUtf8()).object();
    return parsed.value(QLatin1String("command")).toString().simplified() == wanted;
}

// What a tool's result says about how it ended, for rows that carry no status of their own (imported from the
// agent) or whose status only says "error": the agent reports a denied command as a failed tool whose result
// starts with BLOCKED (as plain text or in the JSON result's "error", with "status": "blocked").
enum class ResultVerdict
{
    Unknown,
    Denied,
    Failed
};

ResultVerdict resultVerdict(const QString &result)
{
    const QString trimmed = result.trimmed();
    if (trimmed.startsWith(QLatin1String("BLOCKED")))
        return ResultVerdict::Denied;
    if (!trimmed.startsWith(QLatin1Char('{')) || !trimmed.contains(QLatin1String("error")))
        return ResultVerdict::Unknown;
    const QJsonObject o = QJsonDocument::fromJson(trimmed.toUtf8()).object();
    const QString error = o.value(QLatin1String("error")).toString();
    const QString status = o.value(QLatin1String("status")).toString();
    if (status == QLatin1String("blocked") || error.trimmed().startsWith(QLatin1String("BLOCKED")))
        return ResultVerdict::Denied;
    if (!error.trimmed().isEmpty() || status == QLatin1String("error") || status == QLatin1String("failed"))
        return ResultVerdict::Failed;
    return ResultVerdict::Unknown;
}

} // namespace

ChatModel::ChatModel(QObject *parent) : QAbstractListModel(parent)
{
    m_flushTimer.setInterval(16);
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &ChatModel::flushPendingUpdates);
}

void ChatModel::setController(caduceus::chat::SessionController *controller)
{
    if (m_controller == controller)
        return;
    if (m_controller)
        m_controller->disconnect(this);
    m_controller = controller;
    if (m_controller) {
        connect(m_controller, &caduceus::chat::SessionController::messageAdded, this, &ChatModel::onMessageAdded);
        connect(m_controller, &caduceus::chat::SessionController::messageChanged, this, &ChatModel::onMessageChanged);
        connect(m_controller, &caduceus::chat::SessionController::transcriptReset, this, &ChatModel::reset);
        connect(m_controller, &caduceus::chat::SessionController::stateChanged, this,
                &ChatModel::onControllerStateChanged);
    }
    reset();
}

void ChatModel::reset()
{
    beginResetModel();
    m_rows = m_controller ? m_controller->messages() : QList<MessageRecord>{};
    m_rowById.clear();
    m_toolArgsByCallId.clear();
    m_dirty.clear();
    for (int i = 0; i < m_rows.size(); ++i) {
        m_rowById.insert(m_rows[i].id, i);
        indexToolCalls(m_rows[i]);
    }
    layoutAll();
    endResetModel();
    const bool older = m_controller && m_controller->hasOlderMessages();
    if (older != m_canLoadOlder) {
        m_canLoadOlder = older;
        Q_EMIT canLoadOlderChanged();
    }
    Q_EMIT countChanged();
}

void ChatModel::indexToolCalls(const MessageRecord &m)
{
    for (const QJsonValue &call : m.toolCalls) {
        const QJsonObject c = call.toObject();
        const QString id = c.value(QLatin1String("id")).toString();
        if (!id.isEmpty())
            m_toolArgsByCallId.insert(id, c.value(QLatin1String("function")).toObject().value(QLatin1String("arguments")).toString());
    }
}

void ChatModel::onMessageAdded(const MessageRecord &m)
{
    if (m_rowById.contains(m.id))
        return;
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(m);
    m_layout.append(RowLayout{});
    m_rowById.insert(m.id, row);
    indexToolCalls(m);
    // Laid out before the view sees the row, so its delegate is built once, in its final shape.
    const QList<int> reshaped = layoutTurnAt(row, false);
    endInsertRows();
    for (int changed : reshaped) {
        if (changed != row)
            Q_EMIT dataChanged(index(changed), index(changed), layoutRoles());
    }
    // A new question closes the turn before it.
    if (!isTurnRow(row))
        layoutTurnAt(row - 1, true);
    Q_EMIT countChanged();
    Q_EMIT rowAppended(row);
}

void ChatModel::onMessageChanged(const MessageRecord &m)
{
    const auto it = m_rowById.constFind(m.id);
    if (it == m_rowById.constEnd())
        return;
    const int row = *it;
    const bool wasHidden = m_layout[row].hidden;
    const QString oldStatus = m_rows[row].status;
    m_rows[row] = m;
    indexToolCalls(m);
    // Streamed text only grows a row: its turn is laid out again only when the row's shape changes.
    if (m.role != QLatin1String("assistant") || oldStatus != m.status || wasHidden == rowHasContent(m))
        layoutTurnAt(row, true);
    m_dirty.insert(m.id);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void ChatModel::flushPendingUpdates()
{
    m_flushTimer.stop();
    const QSet<qint64> dirty = std::exchange(m_dirty, {});
    static const QList<int> roles{ContentRole,  ReasoningRole,  ReasoningSecondsRole,
                                  StatusRole,   ToolStatusRole, ToolDurationRole,
                                  ToolArgsRole, ToolResultRole, ToolStateRole};
    for (qint64 id : dirty) {
        const auto it = m_rowById.constFind(id);
        if (it == m_rowById.constEnd())
            continue;
        const QModelIndex idx = index(*it);
        Q_EMIT dataChanged(idx, idx, roles);
    }
}

bool ChatModel::isTurnRow(int row) const
{
    return row >= 0 && row < m_rows.size() && m_rows.at(row).role != QLatin1String("user");
}

bool ChatModel::rowHasContent(const MessageRecord &m) const
{
    if (m.role != QLatin1String("assistant"))
        return true;
    // An empty model call (it only asked for tools) has nothing to draw once it is complete; a stopped or
    // failed one still says so.
    return !m.content.trimmed().isEmpty() || !m.reasoning.trimmed().isEmpty() ||
           m.status != QLatin1String(caduceus::store::MessageStatus::Complete);
}

void ChatModel::layoutAll()
{
    m_layout = QList<RowLayout>(m_rows.size());
    for (int row = 0; row < m_rows.size(); ++row) {
        if (isTurnRow(row)) {
            layoutTurnAt(row, false);
            while (isTurnRow(row + 1))
                ++row;
        }
    }
}

const QList<int> &ChatModel::layoutRoles()
{
    static const QList<int> roles{HiddenRole, TurnStartRole, TurnEndRole, ToolStateRole, ApprovalChoiceRole};
    return roles;
}

QList<int> ChatModel::layoutTurnAt(int row, bool notify)
{
    QList<int> changed;
    if (row < 0 || row >= m_rows.size())
        return changed;
    int first = row;
    int last = row;
    QList<RowLayout> next;
    if (isTurnRow(row)) {
        while (isTurnRow(first - 1))
            --first;
        while (isTurnRow(last + 1))
            ++last;
        next = QList<RowLayout>(last - first + 1);
        QList<int> tools;
        QList<int> notices;
        for (int i = first; i <= last; ++i) {
            if (m_rows.at(i).role == QLatin1String("tool"))
                tools.append(i);
            else if (isApprovalNotice(m_rows.at(i)))
                notices.append(i);
        }
        // An answer the core kept as a notice row (no tool was waiting when it came: the Demo agent asks
        // before it starts the tool, and older sessions) goes to the tool card of the command it answered
        // when it names one, else to the nearest tool before it (the agent starts the tool, then asks), else
        // after it. Tools that carry their own answer (approval_choice) take no other.
        QSet<int> taken;
        for (int n : std::as_const(notices)) {
            const QString command = m_rows.at(n).extra.value(MessageField::ApprovalCommand).toString();
            const auto fits = [&](int t) {
                return !taken.contains(t) && !m_rows.at(t).extra.contains(MessageField::ApprovalChoice) &&
                       (command.isEmpty() ||
                        toolRunsCommand(m_rows.at(t), command,
                                        m_toolArgsByCallId.value(m_rows.at(t).toolCallId)));
            };
            int pick = -1;
            for (qsizetype k = tools.size() - 1; k >= 0 && pick < 0; --k) {
                if (tools.at(k) < n && fits(tools.at(k)))
                    pick = tools.at(k);
            }
            for (qsizetype k = 0; k < tools.size() && pick < 0; ++k) {
                if (tools.at(k) > n && fits(tools.at(k)))
                    pick = tools.at(k);
            }
            if (pick < 0)
                continue;
            taken.insert(pick);
            next[pick - first].approvalNoticeId = m_rows.at(n).id;
            next[n - first].attachedToolId = m_rows.at(pick).id;
            next[n - first].hidden = true;
        }
        const bool busy =
            m_controller && m_controller->state() != caduceus::chat::SessionController::State::Idle;
        const bool lastTurn = last == m_rows.size() - 1;
        // The tool the agent is holding for the user's answer: the running tool of the asked command, or
        // the latest running tool when the request names none that is shown.
        if (busy && lastTurn && m_controller) {
            for (const QJsonValue &request : m_controller->pendingApprovals()) {
                const QString command = request.toObject().value(QLatin1String("command")).toString();
                int pick = -1;
                int latestRunning = -1;
                for (int t : std::as_const(tools)) {
                    if (m_rows.at(t).extra.value(MessageField::ToolStatus).toString() !=
                            QLatin1String("running") ||
                        next[t - first].approvalNoticeId != 0)
                        continue;
                    latestRunning = t;
                    if (toolRunsCommand(m_rows.at(t), command,
                                        m_toolArgsByCallId.value(m_rows.at(t).toolCallId)))
                        pick = t;
                }
                if (pick < 0)
                    pick = latestRunning;
                if (pick >= 0)
                    next[pick - first].waitingApproval = true;
            }
        }
        int start = -1;
        int end = -1;
        for (int i = first; i <= last; ++i) {
            if (m_rows.at(i).role == QLatin1String("assistant") && !rowHasContent(m_rows.at(i)))
                next[i - first].hidden = true;
            if (next[i - first].hidden)
                continue;
            if (start < 0)
                start = i;
            end = i;
        }
        if (start >= 0)
            next[start - first].turnStart = true;
        // Copy belongs to a finished turn: a question follows it, or the session is idle.
        if (end >= 0 && (!lastTurn || !busy))
            next[end - first].turnEnd = true;
    } else {
        next = QList<RowLayout>(1);
    }
    for (int i = first; i <= last; ++i) {
        if (m_layout[i] == next[i - first])
            continue;
        m_layout[i] = next[i - first];
        changed.append(i);
        if (notify)
            Q_EMIT dataChanged(index(i), index(i), layoutRoles());
    }
    return changed;
}

void ChatModel::onControllerStateChanged()
{
    // Approvals asked or answered and the run's end change the last turn's tool states and its Copy.
    if (!m_rows.isEmpty())
        layoutTurnAt(int(m_rows.size()) - 1, true);
}

QString ChatModel::toolState(int row) const
{
    const MessageRecord &m = m_rows.at(row);
    const RowLayout &layout = m_layout.at(row);
    const QString status = m.extra.value(MessageField::ToolStatus).toString();
    if (status == QLatin1String("running"))
        return layout.waitingApproval ? QStringLiteral("waitingApproval") : QStringLiteral("running");
    if (status == QLatin1String("waiting_for_approval") || status == QLatin1String("waiting_approval") ||
        status == QLatin1String("waitingApproval") || status == QLatin1String("awaiting_approval"))
        return QStringLiteral("waitingApproval");
    if (status == QLatin1String("denied") || status == QLatin1String("blocked"))
        return QStringLiteral("denied");
    if (status == QLatin1String("cancelled"))
        return QStringLiteral("cancelled");
    if (m.extra.value(MessageField::ApprovalChoice).toString() == QLatin1String("deny"))
        return QStringLiteral("denied");
    if (layout.approvalNoticeId) {
        const int notice = m_rowById.value(layout.approvalNoticeId, -1);
        if (notice >= 0 &&
            m_rows.at(notice).extra.value(MessageField::ApprovalChoice).toString() == QLatin1String("deny"))
            return QStringLiteral("denied");
    }
    const ResultVerdict verdict = resultVerdict(m.content);
    if (verdict == ResultVerdict::Denied)
        return QStringLiteral("denied");
    if (status == QLatin1String("error") || status == QLatin1String("failed"))
        return QStringLiteral("failed");
    if (status.isEmpty() && verdict == ResultVerdict::Failed)
        return QStringLiteral("failed");
    return QStringLiteral("done");
}

int ChatModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ChatModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const MessageRecord &m = m_rows.at(index.row());
    switch (role) {
    case IdRole:
        return QString::number(m.id);
    case RoleRole:
        return m.role;
    case ContentRole:
        if (m.role == QLatin1String("user")) {
            const QJsonValue input = ContentBlocks::fromStoredText(m.content);
            if (input.isArray()) {
                QStringList texts;
                for (const QJsonValue &b : input.toArray()) {
                    if (b.toObject().value(QLatin1String("type")).toString() == QLatin1String("text"))
                        texts << b.toObject().value(QLatin1String("text")).toString();
                }
                return texts.join(QLatin1Char('\n'));
            }
        }
        return m.content;
    case ReasoningRole:
        return m.reasoning;
    case ReasoningSecondsRole:
        return m.extra.value(MessageField::ReasoningDuration).toDouble(-1);
    case ToolNameRole:
        return m.toolName;
    case ToolPreviewRole:
        return m.extra.value(MessageField::ToolPreview).toString();
    case ToolStatusRole:
        return m.extra.value(MessageField::ToolStatus).toString(QStringLiteral("done"));
    case ToolDurationRole:
        return m.extra.value(MessageField::ToolDuration).toDouble(-1);
    case ToolArgsRole:
        return m_toolArgsByCallId.value(m.toolCallId);
    case ToolResultRole:
        return m.role == QLatin1String("tool") ? m.content : QString();
    case StatusRole:
        return m.status;
    case TimestampRole:
        return m.timestamp;
    case AttachmentsRole: {
        QVariantList out;
        if (m.role != QLatin1String("user"))
            return out;
        const QJsonValue input = ContentBlocks::fromStoredText(m.content);
        for (const QJsonValue &b : input.toArray()) {
            const QJsonObject o = b.toObject();
            const QString type = o.value(QLatin1String("type")).toString();
            if (type == QLatin1String("image") || type == QLatin1String("file"))
                out << QVariantMap{{QStringLiteral("type"), type},
                                   {QStringLiteral("name"), o.value(QLatin1String("name")).toString()},
                                   {QStringLiteral("path"), o.value(QLatin1String("path")).toString()},
                                   // how it reached the agent: path | image | text (chat::AgentInput)
                                   {QStringLiteral("delivery"), o.value(QLatin1String("delivery")).toString()}};
        }
        return out;
    }
    case SteerRole:
        return m.extra.value(MessageField::Steer).toBool();
    case RunIdRole:
        return m.runId;
    case ToolStateRole:
        return m.role == QLatin1String("tool") ? toolState(index.row()) : QString();
    case ApprovalChoiceRole: {
        if (m.extra.contains(MessageField::ApprovalChoice))
            return m.extra.value(MessageField::ApprovalChoice).toString();
        const int notice = m_rowById.value(m_layout.at(index.row()).approvalNoticeId, -1);
        return notice >= 0 ? m_rows.at(notice).extra.value(MessageField::ApprovalChoice).toString()
                           : QString();
    }
    case TurnStartRole:
        return m_layout.at(index.row()).turnStart;
    case TurnEndRole:
        return m_layout.at(index.row()).turnEnd;
    case HiddenRole:
        return m_layout.at(index.row()).hidden;
    }
    return {};
}

QHash<int, QByteArray> ChatModel::roleNames() const
{
    return {{IdRole, "messageId"},
            {RoleRole, "role"},
            {ContentRole, "content"},
            {ReasoningRole, "reasoning"},
            {ReasoningSecondsRole, "reasoningSeconds"},
            {ToolNameRole, "toolName"},
            {ToolPreviewRole, "toolPreview"},
            {ToolStatusRole, "toolStatus"},
            {ToolDurationRole, "toolDuration"},
            {ToolArgsRole, "toolArgs"},
            {ToolResultRole, "toolResult"},
            {StatusRole, "status"},
            {TimestampRole, "timestamp"},
            {AttachmentsRole, "attachments"},
            {SteerRole, "steer"},
            {RunIdRole, "runId"},
            {ToolStateRole, "toolState"},
            {ApprovalChoiceRole, "approvalChoice"},
            {TurnStartRole, "turnStart"},
            {TurnEndRole, "turnEnd"},
            {HiddenRole, "hidden"}};
}

int ChatModel::loadOlder(int count)
{
    if (!m_controller || !m_canLoadOlder || count <= 0)
        return 0;
    auto *manager = qobject_cast<caduceus::chat::SessionManager *>(m_controller->parent());
    if (!manager)
        return 0;
    const qint64 firstId = m_rows.isEmpty() ? 0 : m_rows.first().id;
    QList<MessageRecord> older = manager->store()->messages(m_controller->sessionId(), firstId, count + 1);
    const bool more = older.size() > count;
    if (more)
        older.removeFirst();
    if (!older.isEmpty()) {
        const int added = int(older.size());
        beginInsertRows({}, 0, added - 1);
        m_rows = older + m_rows;
        m_layout = QList<RowLayout>(added) + m_layout;
        m_rowById.clear();
        for (int i = 0; i < m_rows.size(); ++i)
            m_rowById.insert(m_rows[i].id, i);
        for (const MessageRecord &m : std::as_const(older))
            indexToolCalls(m);
        for (int row = 0; row < added; ++row) {
            if (isTurnRow(row)) {
                layoutTurnAt(row, false);
                while (row + 1 < added && isTurnRow(row + 1))
                    ++row;
            }
        }
        endInsertRows();
        // A turn cut at the old first row is whole again: its header moves up to the rows just loaded.
        layoutTurnAt(added, true);
        Q_EMIT countChanged();
    }
    if (more != m_canLoadOlder) {
        m_canLoadOlder = more;
        Q_EMIT canLoadOlderChanged();
    }
    return int(older.size());
}

int ChatModel::rowOfMessage(qint64 messageId) const
{
    return m_rowById.value(messageId, -1);
}

int ChatModel::ensureMessageLoaded(qint64 messageId)
{
    while (!m_rowById.contains(messageId) && m_canLoadOlder && !m_rows.isEmpty() && m_rows.first().id > messageId)
        loadOlder(500);
    return rowOfMessage(messageId);
}

QString ChatModel::turnText(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    if (!isTurnRow(row))
        return plainText(row);
    int first = row;
    while (isTurnRow(first - 1))
        --first;
    QStringList parts;
    for (int i = first; isTurnRow(i); ++i) {
        const MessageRecord &m = m_rows.at(i);
        if (m.role == QLatin1String("assistant") && !m.content.trimmed().isEmpty())
            parts << m.content.trimmed();
    }
    return parts.join(QStringLiteral("\n\n"));
}

QString ChatModel::plainText(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    return data(index(row), ContentRole).toString();
}
