#pragma once
// Plain text out of structured message content, for search, previews and transcripts read from the agent.
// Content can be a ContentBlock[] (SPEC 2) stored as JSON text, or the agent's own list content; either way
// the user-visible text is the text blocks, and attachments are shown as "[Image: path]" / "[File: path]".
#include <QJsonArray>
#include <QString>
#include <optional>

namespace caduceus::store {

class ContentText
{
public:
    // The blocks' text, one part per line: text blocks as they are, attachments as markers. Unknown block
    // kinds are skipped; inline data (data: URLs) is never copied into the text.
    static QString fromBlocks(const QJsonArray &blocks);

    // What a reader calls the message's text: the text blocks joined by new lines; an input without any text
    // shows its attachments instead ("[Image: path]"), so it is never blank.
    static QString textOfBlocks(const QJsonArray &blocks);

    // For content stored as the JSON text of a block array: textOfBlocks(). nullopt when the content is
    // ordinary text, which is then its own plain text.
    static std::optional<QString> fromStoredBlocks(const QString &stored);

    // One line for lists: CR/LF/tabs become spaces, runs of spaces collapse, cut to maxChars (never inside a
    // surrogate pair).
    static QString oneLine(const QString &text, int maxChars);
};

} // namespace caduceus::store
