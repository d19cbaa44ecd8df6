#pragma once
// Agents sometimes hand back an assistant message that is a *stringified* Anthropic content array
// ([{"type":"text",…},{"type":"thinking",…},{"type":"tool_use",…}]), occasionally as a Python repr
// (single quotes, True/False/None) and occasionally serialised twice ("\"[…]\""). SPEC 7.
//
// The parser tries strict JSON first and only then a repair that walks the text once, tracking string
// boundaries, so that an apostrophe inside text ("It's") and the words None/True/False inside prose survive
// (the reference relay replaced them everywhere: SPEC 9.6). It never throws; on failure ok=false and the
// caller keeps the raw text.
#include <QJsonArray>
#include <QString>
#include <QStringView>

namespace caduceus::chat {

struct ParsedContent
{
    bool ok = false;
    QString text;         // text blocks joined without a separator
    QString reasoning;    // thinking blocks, separated by a blank line
    QJsonArray toolCalls; // OpenAI shape [{id,type:"function",function:{name,arguments (JSON text)}}]
};

class ContentParser
{
public:
    // Larger inputs are not parsed at all (a content array of this size is not a chat answer).
    static constexpr qsizetype MaxInputChars = 8 * 1024 * 1024;

    // Cheap test before parse(): the trimmed text starts with '[' and ends with ']', or is a
    // double-serialised JSON string whose content does.
    static bool looksLikeContentArray(QStringView raw);

    // ok=true only when the text is an array of objects whose every "type" is a known block type
    // (text, thinking, redacted_thinking, tool_use): a genuine JSON answer such as [1,2] or
    // [{"type":"fruit"}] is left alone.
    static ParsedContent parse(const QString &raw);

    // The repair step alone: Python-literal text to JSON text (empty when it cannot be repaired).
    // Public for tests and fuzzing.
    static QString pythonReprToJson(QStringView text);
};

} // namespace caduceus::chat
