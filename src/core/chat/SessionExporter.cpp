#include "chat/SessionExporter.h"

#include "chat/ContentBlocks.h"
#include "chat/ContextBuilder.h"
#include "chat/SessionController.h"
#include "chat/SessionManager.h"
#include "store/ContentText.h"
#include "store/SessionStore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace caduceus::chat {

using store::MessageRecord;

namespace {

constexpr int PageRows = 2000;

bool isConversationRow(const MessageRecord &m)
{
    return m.role == QLatin1String("user") || m.role == QLatin1String("assistant") ||
           m.role == QLatin1String("tool") || m.role == QLatin1String("system");
}

QString isoTime(double seconds)
{
    return QDateTime::fromMSecsSinceEpoch(qint64(seconds * 1000.0), Qt::UTC).toString(Qt::ISODate);
}

QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

// A fence longer than any run of backticks in the text, so the text cannot close it.
QString fenceFor(const QString &text)
{
    int longest = 0, run = 0;
    for (const QChar c : text) {
        run = c == QLatin1Char('`') ? run + 1 : 0;
        longest = qMax(longest, run);
    }
    return QString(qMax(3, longest + 1), QLatin1Char('`'));
}

QString readableContent(const MessageRecord &m)
{
    if (m.role != QLatin1String("user"))
        return m.content;
    // Attachments too, as "[Image: path]" lines: a reader of the file should know they were there.
    const QJsonValue input = ContentBlocks::fromStoredText(m.content);
    return input.isArray() ? store::ContentText::fromBlocks(input.toArray()) : m.content;
}

QString safeFileStem(const QString &title, const QString &fallback)
{
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9]+"));
    QString stem = title.normalized(QString::NormalizationForm_KD);
    stem.replace(unsafe, QStringLiteral("-"));
    stem = stem.left(60);
    while (stem.startsWith(QLatin1Char('-')))
        stem.remove(0, 1);
    while (stem.endsWith(QLatin1Char('-')))
        stem.chop(1);
    return stem.isEmpty() ? fallback : stem.toLower();
}

} // namespace

SessionExporter::SessionExporter(SessionManager *manager) : m_manager(manager) {}

std::optional<SessionExporter::Format> SessionExporter::formatFromName(const QString &name)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("md") || n == QLatin1String("markdown"))
        return Format::Markdown;
    if (n == QLatin1String("txt") || n == QLatin1String("text"))
        return Format::Text;
    if (n == QLatin1String("json"))
        return Format::Json;
    return std::nullopt;
}

std::optional<SessionExporter::View> SessionExporter::viewFromName(const QString &name)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("full"))
        return View::Full;
    if (n == QLatin1String("compressed"))
        return View::Compressed;
    return std::nullopt;
}

SessionExporter::Result SessionExporter::exportSession(const QString &sessionId, Format format,
                                                       View view) const
{
    Result result;
    store::SessionStore *st = m_manager->store();
    const std::optional<store::SessionRecord> session = st->session(sessionId);
    if (!session) {
        result.error = QStringLiteral("There is no session %1.").arg(sessionId.left(128));
        return result;
    }

    // The compressed view starts after the snapshot's last summarised row.
    std::optional<store::CompressionSnapshot> snapshot;
    qint64 boundary = 0;
    if (view == View::Compressed) {
        snapshot = st->latestSnapshot(sessionId);
        if (snapshot) {
            boundary = snapshot->lastMessageId;
            if (boundary <= 0) { // a snapshot of an older version: only its item index is known
                ContextBuilder context(st, sessionId);
                boundary =
                    context.items(snapshot->lastMessageIndex, snapshot->lastMessageIndex + 1).lastMessageId;
            }
        }
    }
    QList<MessageRecord> rows;
    for (qint64 cursor = boundary;;) {
        const QList<MessageRecord> page = st->messagesAfter(sessionId, cursor, PageRows);
        for (const MessageRecord &m : page) {
            if (isConversationRow(m))
                rows << m;
        }
        if (page.size() < PageRows)
            break;
        cursor = page.last().id;
    }

    const QString title = session->title.trimmed().isEmpty() ? session->preview : session->title;
    const double exportedAt = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    const QString day = QDateTime::fromMSecsSinceEpoch(qint64(session->lastActive * 1000.0))
                            .toString(QStringLiteral("yyyy-MM-dd"));
    QString fileName =
        safeFileStem(title, QStringLiteral("session-") + safeFileStem(sessionId, QStringLiteral("x"))) +
        QLatin1Char('-') + day + (snapshot ? QStringLiteral("-compressed") : QString());

    if (format == Format::Json) {
        QJsonArray messages;
        if (snapshot) {
            QJsonObject summary = SessionController::messageToJson(MessageRecord{});
            summary.insert(QStringLiteral("session_id"), sessionId);
            summary.insert(QStringLiteral("role"), QStringLiteral("user"));
            summary.insert(QStringLiteral("content"),
                           ContextBuilder::summaryItem(snapshot->summary).value(QLatin1String("content")));
            summary.insert(QStringLiteral("timestamp"), snapshot->createdAt);
            summary.insert(QStringLiteral("compression_summary"), true);
            messages.append(summary);
        }
        for (const MessageRecord &m : std::as_const(rows))
            messages.append(SessionController::messageToJson(m));
        QJsonObject detail{{QStringLiteral("id"), session->id},
                           {QStringLiteral("title"), textOrNull(session->title)},
                           {QStringLiteral("source"), session->source},
                           {QStringLiteral("model"), session->model},
                           {QStringLiteral("started_at"), session->createdAt},
                           {QStringLiteral("last_active"), session->lastActive},
                           {QStringLiteral("ended_at"), QJsonValue(QJsonValue::Null)},
                           {QStringLiteral("message_count"), session->messageCount},
                           {QStringLiteral("workspace"), textOrNull(session->workspace)},
                           {QStringLiteral("preview"), session->preview},
                           {QStringLiteral("billing_provider"), QJsonValue(QJsonValue::Null)},
                           {QStringLiteral("profile"), session->profile},
                           {QStringLiteral("input_tokens"), session->inputTokens},
                           {QStringLiteral("output_tokens"), session->outputTokens},
                           {QStringLiteral("view"),
                            view == View::Full ? QStringLiteral("full") : QStringLiteral("compressed")},
                           {QStringLiteral("exported_at"), exportedAt},
                           {QStringLiteral("messages"), messages}};
        detail.insert(QStringLiteral("summary"),
                      snapshot ? QJsonValue(QJsonObject{
                                     {QStringLiteral("text"), snapshot->summary},
                                     {QStringLiteral("last_message_index"), snapshot->lastMessageIndex},
                                     {QStringLiteral("last_message_id"), boundary},
                                     {QStringLiteral("created_at"), snapshot->createdAt}})
                               : QJsonValue(QJsonValue::Null));
        result.data =
            QJsonDocument(QJsonObject{{QStringLiteral("session"), detail}}).toJson(QJsonDocument::Indented);
        result.fileName = fileName + QStringLiteral(".json");
        result.mimeType = QStringLiteral("application/json");
        result.ok = true;
        return result;
    }

    QString text;
    text += QStringLiteral("# ") +
            (title.trimmed().isEmpty() ? QStringLiteral("Untitled session") : title.simplified()) +
            QStringLiteral("\n\n");
    if (snapshot) {
        text += QStringLiteral("[summary] %1\n\n").arg(isoTime(snapshot->createdAt));
        text +=
            QStringLiteral("*Summary of the first %1 messages (what the agent is sent instead of them):*\n\n")
                .arg(snapshot->lastMessageIndex + 1);
        text += snapshot->summary.trimmed() + QStringLiteral("\n\n");
    }
    for (const MessageRecord &m : std::as_const(rows)) {
        text += QStringLiteral("[%1] %2\n\n").arg(m.role, isoTime(m.timestamp));
        const QString content = readableContent(m).trimmed();
        if (m.role == QLatin1String("tool")) {
            text +=
                QStringLiteral("**%1**\n\n").arg(m.toolName.isEmpty() ? QStringLiteral("tool") : m.toolName);
            if (!content.isEmpty()) {
                const QString fence = fenceFor(content);
                text +=
                    fence + QLatin1Char('\n') + content + QLatin1Char('\n') + fence + QStringLiteral("\n\n");
            }
            continue;
        }
        if (!m.reasoning.trimmed().isEmpty()) {
            QStringList quoted;
            for (const QString &line : m.reasoning.trimmed().split(QLatin1Char('\n')))
                quoted << QStringLiteral("> ") + line;
            text += QStringLiteral("> *Reasoning*\n>\n") + quoted.join(QLatin1Char('\n')) +
                    QStringLiteral("\n\n");
        }
        if (!content.isEmpty())
            text += content + QStringLiteral("\n\n");
    }
    result.data = text.toUtf8();
    const bool markdown = format == Format::Markdown;
    result.fileName = fileName + (markdown ? QStringLiteral(".md") : QStringLiteral(".txt"));
    result.mimeType = markdown ? QStringLiteral("text/markdown; charset=utf-8")
                               : QStringLiteral("text/plain; charset=utf-8");
    result.ok = true;
    return result;
}

} // namespace caduceus::chat
