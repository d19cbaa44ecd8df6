#pragma once
// GET /api/hermes/sessions/:id/export: a session as a file.
//   full        every conversation row as the page shows it;
//   compressed  the conversation as the agent is given it (SPEC 5): reasoning stripped, tool output cut,
//               and the rows covered by the latest compression snapshot replaced by its summary.
//   json        {"session": summary + {"messages": […]}, "mode", "exported_at"}
//   txt         "# title", then one "[role] ISO-time" block per message.
#include "store/StoreTypes.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <optional>

namespace caduceus::webui {

class SessionExport
{
public:
    enum class Mode
    {
        Full,
        Compressed
    };
    enum class Format
    {
        Json,
        Text
    };

    struct File
    {
        QString fileName;
        QByteArray contentType;
        QByteArray body;
    };

    static std::optional<Mode> parseMode(const QString &text);     // "" → full
    static std::optional<Format> parseFormat(const QString &text); // "" → json

    // `summary` is SessionJson::summary; `rows` the whole transcript, oldest first.
    static File build(const QJsonObject &summary, const QList<store::MessageRecord> &rows,
                      const std::optional<store::CompressionSnapshot> &snapshot, Mode mode, Format format,
                      double exportedAt);

    // "My chat: notes" → "My chat_ notes"; the session id when the title is empty.
    static QString baseFileName(const QJsonObject &summary);
};

} // namespace caduceus::webui
