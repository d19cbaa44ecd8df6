#pragma once
// How the v0.19 API server reads POST /v1/runs "input": a string, or a list of messages {role, content}
// (the last one is this turn, the ones before it become the history when no conversation_history is
// given). A message's content is a string or a list of OpenAI-style parts: text/input_text/output_text,
// image_url/input_image (a data:image/… URL or an http(s) URL, as {"url": …} or a bare string), and
// nothing else: file/input_file and unknown types are refused with the server's own words.

#include <QJsonValue>
#include <QString>

namespace caduceus::sim {

struct RunInputParts
{
    QString text; // this turn as the agent reads it: text parts, and "[Image: …]" per image
    int images = 0;
    int historyCount = 0; // messages before this turn
    qint64 historyChars = 0;
    // A refusal, as the server answers it: 400 {"error": {message, type, param: "input", code}}.
    QString error;
    QString code;

    static RunInputParts parse(const QJsonValue &input);
};

} // namespace caduceus::sim
