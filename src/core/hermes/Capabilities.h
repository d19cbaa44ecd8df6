#pragma once
#include <QJsonObject>
#include <QString>

namespace caduceus::hermes {

// GET /v1/capabilities, feature-detected (SPEC 1). An agent without the endpoint is an older build:
// `known` stays false and every optional feature reads as unsupported.
class Capabilities
{
public:
    Capabilities() = default;
    static Capabilities fromJson(const QJsonObject &json);

    bool known() const { return m_known; }
    bool has(const QString &feature) const;
    // Endpoint path for `name` with {run_id}/{session_id} replaced, or `fallback` when not advertised.
    QString path(const QString &name, const QString &fallback, const QString &runId = {},
                 const QString &sessionId = {}) const;
    bool hasEndpoint(const QString &name) const;
    bool supportsApprovals() const;
    bool supportsSteer() const { return has(QStringLiteral("run_steer")); }
    bool supportsIdempotency() const { return has(QStringLiteral("runs_idempotency")); }
    QJsonObject json() const { return m_json; }

private:
    bool m_known = false;
    QJsonObject m_json;
};

} // namespace caduceus::hermes
