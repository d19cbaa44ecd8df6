#pragma once
// A new session's title, made from its first input (SPEC 3.2: the first 100 characters of it). People paste
// Markdown into chats, and a title of "## Plan | step | owner |" reads badly in the session list: the
// Markdown syntax is taken out first, and what remains is cut.
#include <QJsonValue>
#include <QString>

namespace caduceus::chat {

class SessionTitle
{
public:
    // The title for a run input (text or ContentBlock[]): its text with the Markdown syntax stripped, on one
    // line, cut to maxChars characters (never inside a surrogate pair). An input with no text left (only
    // attachments, or only a rule "---") gets ContentBlocks::previewText's one-line preview instead.
    static QString fromInput(const QJsonValue &input, int maxChars = 100);

    // Markdown to plain one-line text: code fences, heading marks, block quotes, list and task markers,
    // table pipes and delimiter rows, horizontal rules, emphasis, strike-through and backticks go; links and
    // images keep their text; backslash escapes keep the escaped character; whitespace collapses to single
    // spaces.
    static QString stripMarkdown(const QString &markdown);
};

} // namespace caduceus::chat
