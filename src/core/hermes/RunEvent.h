#pragma once
// One event of an agent run, decoded from an SSE frame. The JSON is kept whole so unknown events and
// unknown fields pass through unchanged; approval signals of older agent builds are normalised.
#include "protocol/EventNames.h"

#include <QJsonObject>
#include <QString>
#include <optional>

namespace caduceus::hermes {

// The names are defined in protocol/EventNames.h; this alias keeps `hermes::EventName::…` spellings valid.
namespace EventName = caduceus::EventName;

struct RunEvent
{
    QString name;     // the "event" field (normalised for approvals)
    QJsonObject json; // payload as received, "event" always set to `name`
    // The frame's JSON text when it is exactly `json` (the object named itself in "event" and was not
    // normalised), so it can be passed on without encoding it again; empty otherwise.
    QByteArray raw;

    QString runId() const { return json.value(QLatin1String("run_id")).toString(); }
    double timestamp() const { return json.value(QLatin1String("timestamp")).toDouble(); }
    bool isTerminal() const;
    // Text of a message.delta / reasoning.delta (reasoning accepts `delta` or `text`).
    QString deltaText() const;

    // Decodes one SSE data payload. `sseEventName` is the frame's `event:` field (used when the JSON
    // has no "event"). Returns nullopt with *error set for data that is not a JSON object.
    static std::optional<RunEvent> decode(const QByteArray &data, const QByteArray &sseEventName = {},
                                          QString *error = nullptr);
    static RunEvent make(const QString &name, QJsonObject json);

    // SPEC 2: approval.request with run_id, timestamp, command, description, pattern_key, pattern_keys,
    // choices (default all four; "always" removed when allow_permanent is false), message, approval_id.
    // Returns an empty object when the payload is not an approval signal of any agent generation.
    static QJsonObject normalizeApproval(const QJsonObject &raw, const QString &fallbackRunId);
    static bool isTerminalName(const QString &name);
};

} // namespace caduceus::hermes
