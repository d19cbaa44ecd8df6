#include "webui/SessionExport.h"

#include "chat/HistoryBuilder.h"
#include "chat/SessionController.h"
#include "webui/SessionJson.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

namespace caduceus::webui {

namespace {

struct ExportRow
{
    QString role;
    QString content;
    QString reasoning;
    double timestamp = 0;
    QJsonObject json; // the row as written to a JSON export
};

QString isoTime(double seconds)
{
    return QDateTime::fromMSecsSinceEpoch(qint64(seconds * 1000.0), QTimeZone::utc())
        .toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss'Z'"));
}

QList<ExportRow> fullRows(const QList<store::MessageRecord> &rows)
{
    QList<ExportRow> out;
    for (const store::MessageRecord &m : rows) {
        if (!SessionJson::isConversationRow(m))
            continue;
        // Readable text for the .txt form: content blocks flattened, stringified arrays reduced.
        const QJsonObject history = chat::HistoryBuilder::toHistoryItem(m);
        QString text = m.content;
        if (m.role != QLatin1String("tool") && !history.isEmpty())
            text = history.value(QStringLiteral("content")).toString();
        out.append({m.role, text, m.reasoning, m.timestamp, chat::SessionController::messageToJson(m)});
    }
    return out;
}

QList<ExportRow> compressedRows(const QList<store::MessageRecord> &rows,
                                const std::optional<store::CompressionSnapshot> &snapshot)
{
    QList<ExportRow> items;
    for (const store::MessageRecord &m : rows) {
        const QJsonObject item = chat::HistoryBuilder::toHistoryItem(m);
        if (item.isEmpty())
            continue;
        const QString role = item.value(QStringLiteral("role")).toString();
        const QString content = item.value(QStringLiteral("content")).toString();
        items.append({role, content, QString(), m.timestamp,
                      QJsonObject{{QStringLiteral("role"), role},
                                  {QStringLiteral("content"), content},
                                  {QStringLiteral("timestamp"), m.timestamp}}});
    }
    if (!snapshot || snapshot->summary.isEmpty() || snapshot->lastMessageIndex < 0)
        return items;
    // The snapshot's index counts history items (SPEC 5.2): those up to it are what the summary stands for.
    const qsizetype covered = qMin<qsizetype>(snapshot->lastMessageIndex + 1, items.size());
    const QString summaryText =
        QStringLiteral("[Summary of the %1 earlier messages]\n%2").arg(covered).arg(snapshot->summary);
    const ExportRow summaryRow{QStringLiteral("system"), summaryText, QString(), snapshot->createdAt,
                               QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                                           {QStringLiteral("content"), summaryText},
                                           {QStringLiteral("timestamp"), snapshot->createdAt},
                                           {QStringLiteral("summary"), true}}};
    QList<ExportRow> out{summaryRow};
    out.append(items.mid(covered));
    return out;
}

} // namespace

std::optional<SessionExport::Mode> SessionExport::parseMode(const QString &text)
{
    if (text.isEmpty() || text == QLatin1String("full"))
        return Mode::Full;
    if (text == QLatin1String("compressed"))
        return Mode::Compressed;
    return std::nullopt;
}

std::optional<SessionExport::Format> SessionExport::parseFormat(const QString &text)
{
    if (text.isEmpty() || text == QLatin1String("json"))
        return Format::Json;
    if (text == QLatin1String("txt"))
        return Format::Text;
    return std::nullopt;
}

QString SessionExport::baseFileName(const QJsonObject &summary)
{
    QString name = summary.value(QStringLiteral("title")).toString().simplified();
    if (name.isEmpty())
        name = summary.value(QStringLiteral("id")).toString();
    QString safe;
    for (QChar c : std::as_const(name)) {
        const bool forbidden = c.unicode() < 0x20 || QStringLiteral("/\\:*?\"<>|").contains(c);
        safe += forbidden ? QLatin1Char('_') : c;
    }
    safe = safe.left(100).trimmed();
    while (safe.startsWith(QLatin1Char('.')))
        safe.remove(0, 1);
    return safe.isEmpty() ? QStringLiteral("session") : safe;
}

SessionExport::File SessionExport::build(const QJsonObject &summary, const QList<store::MessageRecord> &rows,
                                         const std::optional<store::CompressionSnapshot> &snapshot, Mode mode,
                                         Format format, double exportedAt)
{
    const QList<ExportRow> items = mode == Mode::Full ? fullRows(rows) : compressedRows(rows, snapshot);
    const QString modeName = mode == Mode::Full ? QStringLiteral("full") : QStringLiteral("compressed");
    File file;
    const QString base =
        baseFileName(summary) + (mode == Mode::Compressed ? QStringLiteral(" (compressed)") : QString());
    if (format == Format::Json) {
        QJsonArray messages;
        for (const ExportRow &row : items)
            messages.append(row.json);
        QJsonObject session = summary;
        session.insert(QStringLiteral("messages"), messages);
        const QJsonObject document{{QStringLiteral("session"), session},
                                   {QStringLiteral("mode"), modeName},
                                   {QStringLiteral("exported_at"), exportedAt}};
        file.fileName = base + QStringLiteral(".json");
        file.contentType = "application/json";
        file.body = QJsonDocument(document).toJson(QJsonDocument::Indented);
        return file;
    }
    QString text;
    const QString title = summary.value(QStringLiteral("title")).toString();
    text += QStringLiteral("# ") +
            (title.isEmpty() ? summary.value(QStringLiteral("id")).toString() : title) +
            QStringLiteral("\n\n");
    for (const ExportRow &row : items) {
        text += QStringLiteral("[%1] %2\n").arg(row.role, isoTime(row.timestamp));
        if (mode == Mode::Full && !row.reasoning.isEmpty())
            text += QStringLiteral("(reasoning)\n") + row.reasoning.trimmed() +
                    QStringLiteral("\n(end of reasoning)\n");
        text += row.content.trimmed() + QStringLiteral("\n\n");
    }
    file.fileName = base + QStringLiteral(".txt");
    file.contentType = "text/plain; charset=utf-8";
    file.body = text.toUtf8();
    return file;
}

} // namespace caduceus::webui
