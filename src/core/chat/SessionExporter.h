#pragma once
// A session as a file: Markdown (or the same text as .txt) and JSON, of the full transcript or of the
// compressed view the agent is sent (SPEC 5.2: the summary, then everything after it).
//
// JSON is the web UI's session detail: {"session": {id, title, source, model, started_at, last_active,
// ended_at, message_count, workspace, preview, billing_provider, profile, input_tokens, output_tokens,
// view, exported_at, summary, messages:[…]}}. Messages have the shape of `resumed.messages` (same ids);
// in the compressed view the first one is the summary ({id: 0, role: "user", compression_summary: true}),
// and `summary` is {text, last_message_index, last_message_id, created_at} (null without one).
//
// Markdown / text: "# <title>", then one block per message: "[<role>] <ISO-8601 UTC time>", a blank line and
// the content; tool rows name the tool and show their output in a fence; reasoning is quoted. Only the
// conversation is exported (user, assistant, tool and system rows), as in `resumed.messages`.
//
// Reading is paged, so a 15 000-message session does not hold the database for long; the whole file is
// built in memory (a few MB for such a session).
#include <QByteArray>
#include <QString>
#include <optional>

namespace caduceus::chat {

class SessionManager;

class SessionExporter
{
public:
    enum class Format
    {
        Markdown,
        Text,
        Json
    };
    enum class View
    {
        Full,
        Compressed
    };

    struct Result
    {
        bool ok = false;
        QByteArray data;
        QString fileName; // suggested: "<title words>-<date>.md|txt|json", safe on every OS
        QString mimeType;
        QString error; // e.g. "There is no session abc."
    };

    explicit SessionExporter(SessionManager *manager);

    Result exportSession(const QString &sessionId, Format format, View view) const;

    // "md"/"markdown", "txt"/"text", "json" (any case); nullopt for anything else.
    static std::optional<Format> formatFromName(const QString &name);
    // "full", "compressed"; nullopt for anything else.
    static std::optional<View> viewFromName(const QString &name);

private:
    SessionManager *m_manager;
};

} // namespace caduceus::chat
