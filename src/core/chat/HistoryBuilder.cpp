#include "chat/HistoryBuilder.h"

#include "chat/ContentBlocks.h"
#include "chat/ContentParser.h"
#include "chat/TokenEstimator.h"

#include <QStringList>

namespace caduceus::chat {

namespace {

const QString RoleUser = QStringLiteral("user");
const QString RoleAssistant = QStringLiteral("assistant");
const QString RoleSystem = QStringLiteral("system");
const QString RoleTool = QStringLiteral("tool");

QJsonObject item(const QString &role, const QString &content)
{
    return QJsonObject{{QStringLiteral("role"), role}, {QStringLiteral("content"), content}};
}

bool isNotice(const store::MessageRecord &m)
{
    const QJsonValue flag = m.extra.value(QLatin1String(HistoryBuilder::NoticeExtraKey));
    return flag.toBool() || (flag.isString() && !flag.toString().isEmpty());
}

QString assistantText(const QString &content)
{
    if (!ContentParser::looksLikeContentArray(content))
        return content;
    const ParsedContent parsed = ContentParser::parse(content);
    return parsed.ok ? parsed.text : content;
}

QString toolName(const store::MessageRecord &m)
{
    if (!m.toolName.isEmpty())
        return m.toolName;
    return QStringLiteral("tool");
}

// The id of the call in the assistant row's tool_calls that this tool row answers: the first call with the
// row's tool name that no earlier tool row has claimed.
QString matchingCallId(const store::MessageRecord &assistant, const QString &name, QStringList &claimed)
{
    for (const QJsonValue &call : assistant.toolCalls) {
        const QJsonObject object = call.toObject();
        const QString id = object.value(QLatin1String("id")).toString();
        const QString callName =
            object.value(QLatin1String("function")).toObject().value(QLatin1String("name")).toString();
        if (!id.isEmpty() && callName == name && !claimed.contains(id)) {
            claimed << id;
            return id;
        }
    }
    return {};
}

} // namespace

QString HistoryBuilder::cutMiddle(const QString &text, int head, int tail)
{
    head = std::max(0, head);
    tail = std::max(0, tail);
    if (text.size() <= qsizetype(head) + tail)
        return text;
    qsizetype headEnd = head;
    if (headEnd > 0 && QChar::isHighSurrogate(text.at(headEnd - 1).unicode()))
        --headEnd;
    qsizetype tailStart = text.size() - tail;
    if (tailStart < text.size() && QChar::isLowSurrogate(text.at(tailStart).unicode()))
        ++tailStart;
    const qsizetype omitted = tailStart - headEnd;
    return text.left(headEnd) + QStringLiteral("\n… [%1 characters omitted] …\n").arg(omitted) +
           text.mid(tailStart);
}

QString HistoryBuilder::cutToTokens(const QString &text, qint64 maxTokens)
{
    const int estimate = TokenEstimator::estimate(text);
    if (estimate <= maxTokens)
        return text;
    if (maxTokens < MinCutTokens)
        return {};
    // Start from the share of characters the budget is of the estimate, then shrink until the estimate of
    // the result (note included) fits: the estimator is not linear in characters (words cut in two, the
    // note).
    qsizetype keep = qsizetype(double(text.size()) * double(maxTokens) / double(estimate));
    for (int attempt = 0; attempt < 64 && keep > 0; ++attempt) {
        qsizetype headEnd = keep * 2 / 3;
        if (headEnd > 0 && QChar::isHighSurrogate(text.at(headEnd - 1).unicode()))
            --headEnd;
        qsizetype tailStart = text.size() - (keep - keep * 2 / 3);
        if (tailStart < text.size() && QChar::isLowSurrogate(text.at(tailStart).unicode()))
            ++tailStart;
        const QString cut =
            text.left(headEnd) +
            QStringLiteral("\n[… %1 characters cut to fit the context window …]\n").arg(tailStart - headEnd) +
            text.mid(tailStart);
        if (TokenEstimator::estimate(cut) <= maxTokens)
            return cut;
        keep = keep * 7 / 8;
    }
    const QString note = QStringLiteral("[… %1 characters cut to fit the context window …]").arg(text.size());
    return TokenEstimator::estimate(note) <= maxTokens ? note : QString();
}

QJsonObject HistoryBuilder::toHistoryItem(const store::MessageRecord &m, const HistoryOptions &o)
{
    if (m.status == QLatin1String(store::MessageStatus::Streaming))
        return {};
    if (m.role == RoleTool) {
        if (m.toolCallId.isEmpty() || m.content.trimmed().isEmpty())
            return {};
        return item(RoleUser, QStringLiteral("[Tool result: %1] %2")
                                  .arg(toolName(m), cutMiddle(m.content, o.toolHeadChars, o.toolTailChars)));
    }

    QString content;
    if (m.role == RoleUser)
        content = ContentBlocks::flattenForAgent(ContentBlocks::fromStoredText(m.content));
    else if (m.role == RoleAssistant)
        content = assistantText(m.content);
    else if (m.role == RoleSystem && !isNotice(m))
        content = m.content;
    else
        return {}; // error rows, notices, roles the agent does not know

    if (content.trimmed().isEmpty())
        return {};
    return item(m.role, content);
}

QJsonArray HistoryBuilder::build(const QList<store::MessageRecord> &transcript, const HistoryOptions &o)
{
    QJsonArray history;
    const store::MessageRecord *lastAssistant = nullptr;
    QStringList claimedCallIds;
    for (const store::MessageRecord &m : transcript) {
        if (m.role == RoleAssistant) {
            lastAssistant = &m;
            claimedCallIds.clear();
        } else if (m.role == RoleUser) {
            lastAssistant = nullptr; // tool results never answer calls from before a user turn
        }

        QJsonObject converted;
        if (m.role == RoleTool && m.toolCallId.isEmpty() && lastAssistant) {
            store::MessageRecord withId = m;
            withId.toolCallId = matchingCallId(*lastAssistant, m.toolName, claimedCallIds);
            converted = toHistoryItem(withId, o);
        } else {
            if (m.role == RoleTool && !m.toolCallId.isEmpty())
                claimedCallIds << m.toolCallId;
            converted = toHistoryItem(m, o);
        }
        if (!converted.isEmpty())
            history.append(converted);
    }
    return history;
}

} // namespace caduceus::chat
