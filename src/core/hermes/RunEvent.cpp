#include "hermes/RunEvent.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace caduceus::hermes {

bool RunEvent::isTerminalName(const QString &name)
{
    return name == EventName::RunCompleted || name == EventName::RunFailed || name == EventName::RunCancelled;
}

bool RunEvent::isTerminal() const
{
    return isTerminalName(name);
}

QString RunEvent::deltaText() const
{
    const QJsonValue delta = json.value(QLatin1String("delta"));
    if (delta.isString())
        return delta.toString();
    return json.value(QLatin1String("text")).toString();
}

RunEvent RunEvent::make(const QString &name, QJsonObject json)
{
    json.insert(QStringLiteral("event"), name);
    return RunEvent{name, std::move(json), {}};
}

std::optional<RunEvent> RunEvent::decode(const QByteArray &data, const QByteArray &sseEventName, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        if (error) {
            *error = parseError.error != QJsonParseError::NoError
                         ? QStringLiteral("event data is not valid JSON (%1 at offset %2)")
                               .arg(parseError.errorString())
                               .arg(parseError.offset)
                         : QStringLiteral("event data is JSON but not an object");
        }
        return std::nullopt;
    }
    QJsonObject json = doc.object();
    QString name = json.value(QLatin1String("event")).toString();
    const bool named = !name.isEmpty();
    if (name.isEmpty())
        name = QString::fromUtf8(sseEventName);
    if (name.isEmpty())
        name = QStringLiteral("message");
    if (!named)
        json.insert(QStringLiteral("event"), name);

    const QJsonObject approval = normalizeApproval(json, json.value(QLatin1String("run_id")).toString());
    if (!approval.isEmpty())
        return RunEvent{EventName::ApprovalRequest, approval, {}};
    return RunEvent{name, json, named ? data : QByteArray()};
}

QJsonObject RunEvent::normalizeApproval(const QJsonObject &raw, const QString &fallbackRunId)
{
    const QString name = raw.value(QLatin1String("event")).toString();
    const bool approvalName = name == EventName::ApprovalRequest ||
                              name == EventName::LegacyApprovalRequested ||
                              name == EventName::LegacyApprovalRequired;
    // Most events (every delta) carry none of the fields an approval signal is recognised by.
    if (!approvalName && !raw.contains(QLatin1String("status")) && !raw.contains(QLatin1String("data")) &&
        !raw.contains(QLatin1String("output")))
        return {};
    const auto nested = [&raw](QLatin1String key) {
        const QJsonValue v = raw.value(key);
        return v.isObject() ? v.toObject() : QJsonObject();
    };
    const QJsonObject dataObj = nested(QLatin1String("data"));
    const QJsonObject outputObj = nested(QLatin1String("output"));
    const QString status = raw.value(QLatin1String("status"))
                               .toString(dataObj.value(QLatin1String("status"))
                                             .toString(outputObj.value(QLatin1String("status")).toString()));
    if (!approvalName && status != QLatin1String("approval_required"))
        return {};

    const QJsonObject source = !dataObj.isEmpty() ? dataObj : !outputObj.isEmpty() ? outputObj : raw;
    QJsonObject out;
    out.insert(QStringLiteral("event"), EventName::ApprovalRequest);
    QString runId = raw.value(QLatin1String("run_id")).toString();
    out.insert(QStringLiteral("run_id"), runId.isEmpty() ? fallbackRunId : runId);
    const QJsonValue ts = raw.value(QLatin1String("timestamp"));
    out.insert(QStringLiteral("timestamp"),
               ts.isDouble() ? ts.toDouble() : double(QDateTime::currentMSecsSinceEpoch()) / 1000.0);
    for (const char *key : {"command", "description", "pattern_key", "message", "approval_id"}) {
        const QJsonValue v = source.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isNull())
            out.insert(QLatin1String(key), v);
    }
    QJsonValue patternKeys = source.value(QLatin1String("pattern_keys"));
    if (!patternKeys.isArray()) {
        const QString single = source.value(QLatin1String("pattern_key")).toString();
        patternKeys = single.isEmpty() ? QJsonArray() : QJsonArray{single};
    }
    out.insert(QStringLiteral("pattern_keys"), patternKeys);

    static const QStringList allChoices{QStringLiteral("once"), QStringLiteral("session"), QStringLiteral("always"),
                                        QStringLiteral("deny")};
    QJsonArray choices;
    const QJsonValue given = source.value(QLatin1String("choices"));
    if (given.isArray()) {
        for (const QJsonValue &c : given.toArray()) {
            if (allChoices.contains(c.toString()) && !choices.contains(c))
                choices.append(c);
        }
    }
    if (choices.isEmpty())
        choices = QJsonArray::fromStringList(allChoices);
    const QJsonValue allowPermanent = source.value(QLatin1String("allow_permanent"));
    if (allowPermanent.isBool()) {
        out.insert(QStringLiteral("allow_permanent"), allowPermanent);
        if (!allowPermanent.toBool()) {
            for (qsizetype i = choices.size() - 1; i >= 0; --i) {
                if (choices.at(i).toString() == QLatin1String("always"))
                    choices.removeAt(i);
            }
        }
    }
    const QJsonValue allowSession = source.value(QLatin1String("allow_session"));
    if (allowSession.isBool())
        out.insert(QStringLiteral("allow_session"), allowSession);
    out.insert(QStringLiteral("choices"), choices);
    if (!out.contains(QLatin1String("message"))) {
        const QString description = out.value(QLatin1String("description")).toString();
        const QString command = out.value(QLatin1String("command")).toString();
        out.insert(QStringLiteral("message"), description.isEmpty() ? command : description + QStringLiteral(": ") + command);
    }
    return out;
}

} // namespace caduceus::hermes
