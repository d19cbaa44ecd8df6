#pragma once
// The context length a run is measured against (SPEC 5.2): the value the user set for the model (stored in
// Caduceus's database, editable), else the profile's config.yaml `model.context_length`
// (AgentEndpoint::contextLength), else CompressionOptions::defaultContextLength (200 000).
//
// Which model: the run's model when it names one, else the profile's configured default model
// (config.yaml `model.default`), else the profile name (what the agent lists in /v1/models).
//
// For front ends: contextLength(profile) is what a "context used" gauge divides by; setOverride() is the
// settings field (0 or less removes the override). The web UI's GET /api/hermes/sessions/context-length
// answers contextLength(profile).
#include "store/StoreTypes.h"

#include <QList>
#include <QString>

namespace caduceus::chat {

class SessionManager;

class ContextLengths
{
public:
    explicit ContextLengths(SessionManager *manager);

    qint64 contextLength(const QString &profile, const QString &model = {}) const;
    // Where contextLength() came from: "override", "profile" (config.yaml) or "default".
    QString source(const QString &profile, const QString &model = {}) const;
    QString modelFor(const QString &profile, const QString &model = {}) const;

    // false (with error()) when the value cannot be stored; 0 or less removes the override.
    bool setOverride(const QString &model, qint64 contextLength);
    QList<store::ContextLengthOverride> overrides() const;
    QString error() const { return m_error; }

    static constexpr qint64 MaxContextLength = 100'000'000;

private:
    SessionManager *m_manager;
    QString m_error;
};

} // namespace caduceus::chat
