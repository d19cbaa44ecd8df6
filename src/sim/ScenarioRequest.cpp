#include "ScenarioRequest.h"

#include <QRegularExpression>

namespace caduceus::sim {

namespace {

// Parameters are bounded so that no input can ask for an absurd amount of work.
std::optional<int> boundedNumber(const QString &text, int maximum)
{
    bool ok = false;
    const qlonglong value = text.toLongLong(&ok);
    if (!ok || value < 0)
        return std::nullopt;
    return int(std::min<qlonglong>(value, maximum));
}

} // namespace

ScenarioRequest ScenarioRequest::parse(const QString &input)
{
    static const QRegularExpression token(QStringLiteral("\\bsim:([a-z0-9_]+)(?:=([0-9]+))?"),
                                          QRegularExpression::CaseInsensitiveOption);
    ScenarioRequest request;
    auto it = token.globalMatch(input);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        const QString name = match.captured(1).toLower();
        const QString value = match.captured(2);
        if (value.isEmpty())
            request.names.insert(name);
        else if (name == QLatin1String("deltas"))
            request.deltas = boundedNumber(value, 10'000'000);
        else if (name == QLatin1String("delay"))
            request.delayMs = boundedNumber(value, 600'000);
        else if (name == QLatin1String("chars"))
            request.chars = boundedNumber(value, 50'000'000);
    }
    QString text = input;
    text.remove(token);
    request.textWithoutTokens = text.simplified();
    return request;
}

} // namespace caduceus::sim
