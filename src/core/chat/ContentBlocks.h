#pragma once
// A run input is either plain text or a ContentBlock[] (SPEC 2):
//   {type:"text",text} | {type:"image",name,path,media_type} | {type:"file",name,path,media_type?}
// This class is the one place that knows how such an input is checked, stored, previewed and
// flattened into the single string the agent accepts (SPEC 3.2 step 3).
#include <QJsonValue>
#include <QString>

namespace caduceus::chat {

class ContentBlocks
{
public:
    // Limits of one input: the agent refuses bodies over 10 MB, and a chat message larger than this is
    // almost certainly a paste accident that would also blow the context window.
    static constexpr qsizetype MaxTextBytes = 1024 * 1024; // UTF-8 bytes of text over all blocks
    static constexpr int MaxBlocks = 50;
    static constexpr qsizetype MaxPathChars = 4096;

    // A non-empty array whose first item is an object with a "type" field.
    static bool isBlockArray(const QJsonValue &input);

    // The text the agent receives: strings as they are; for blocks, text blocks are concatenated and every
    // attachment becomes "[Image: <path>]" / "[File: <path>]" on a line of its own.
    static QString flattenForAgent(const QJsonValue &input);

    // What the store keeps in messages.content: a string as it is, blocks as compact JSON text.
    static QString storedText(const QJsonValue &input);

    // A one-line preview (session titles, queue lists): the text blocks joined with a space, CR/LF turned
    // into spaces, cut to maxChars characters (never inside a surrogate pair). An input without any text
    // shows its attachments instead ("[Image: name]").
    static QString previewText(const QJsonValue &input, int maxChars = 100);
    // The first maxChars characters of text, never splitting a surrogate pair.
    static QString cutAtCharBoundary(const QString &text, int maxChars);

    // The inverse of storedText: the block array when the stored text is a valid block array, else the
    // string.
    static QJsonValue fromStoredText(const QString &stored);

    // "" when the input can be sent; otherwise one sentence saying what is wrong (for the user and the log).
    static QString validate(const QJsonValue &input);
};

} // namespace caduceus::chat
