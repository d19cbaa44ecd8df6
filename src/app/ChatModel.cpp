#include "ChatModel.h"

#include "chat/ContentBlocks.h"
#include "chat/SessionController.h"
#include "chat/SessionManager.h"
#include "store/SessionStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using caduceus::store::MessageRecord;
using caduceus::chat::ContentBlocks;

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
    m_rowById.insert(m.id, row);
    indexToolCalls(m);
    endInsertRows();
    Q_EMIT countChanged();
    Q_EMIT rowAppended(row);
}

void ChatModel::onMessageChanged(const MessageRecord &m)
{
    const auto it = m_rowById.constFind(m.id);
    if (it == m_rowById.constEnd())
        return;
    m_rows[*it] = m;
    indexToolCalls(m);
    m_dirty.insert(m.id);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void ChatModel::flushPendingUpdates()
{
    m_flushTimer.stop();
    const QSet<qint64> dirty = std::exchange(m_dirty, {});
    static const QList<int> roles{ContentRole,     ReasoningRole,   ReasoningSecondsRole, StatusRole,
                                  ToolStatusRole,  ToolDurationRole, ToolArgsRole,        ToolResultRole};
    for (qint64 id : dirty) {
        const auto it = m_rowById.constFind(id);
        if (it == m_rowById.constEnd())
            continue;
        const QModelIndex idx = index(*it);
        Q_EMIT dataChanged(idx, idx, roles);
    }
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
        return m.extra.value(QLatin1String("reasoning_duration")).toDouble(-1);
    case ToolNameRole:
        return m.toolName;
    case ToolPreviewRole:
        return m.extra.value(QLatin1String("tool_preview")).toString();
    case ToolStatusRole:
        return m.extra.value(QLatin1String("tool_status")).toString(QStringLiteral("done"));
    case ToolDurationRole:
        return m.extra.value(QLatin1String("tool_duration")).toDouble(-1);
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
        return m.extra.value(QLatin1String("steer")).toBool();
    case RunIdRole:
        return m.runId;
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
            {RunIdRole, "runId"}};
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
        beginInsertRows({}, 0, int(older.size()) - 1);
        m_rows = older + m_rows;
        m_rowById.clear();
        for (int i = 0; i < m_rows.size(); ++i)
            m_rowById.insert(m_rows[i].id, i);
        for (const MessageRecord &m : std::as_const(older))
            indexToolCalls(m);
        endInsertRows();
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

QString ChatModel::plainText(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    return data(index(row), ContentRole).toString();
}
