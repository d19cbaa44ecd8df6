#include "chat/ContextLengths.h"

#include "chat/SessionManager.h"
#include "store/SessionStore.h"

namespace caduceus::chat {

ContextLengths::ContextLengths(SessionManager *manager) : m_manager(manager) {}

QString ContextLengths::modelFor(const QString &profile, const QString &model) const
{
    if (!model.trimmed().isEmpty())
        return model.trimmed();
    const hermes::AgentEndpoint endpoint = m_manager->agent(profile);
    if (!endpoint.defaultModel.trimmed().isEmpty())
        return endpoint.defaultModel.trimmed();
    return profile.isEmpty() ? m_manager->defaultProfile() : profile;
}

QString ContextLengths::source(const QString &profile, const QString &model) const
{
    if (m_manager->store()->contextLengthOverride(modelFor(profile, model)).value_or(0) > 0)
        return QStringLiteral("override");
    if (m_manager->agent(profile).contextLength > 0)
        return QStringLiteral("profile");
    return QStringLiteral("default");
}

qint64 ContextLengths::contextLength(const QString &profile, const QString &model) const
{
    const qint64 chosen = m_manager->store()->contextLengthOverride(modelFor(profile, model)).value_or(0);
    if (chosen > 0)
        return chosen;
    const qint64 configured = m_manager->agent(profile).contextLength;
    if (configured > 0)
        return configured;
    return qMax<qint64>(1000, m_manager->settings().compression.defaultContextLength);
}

bool ContextLengths::setOverride(const QString &model, qint64 contextLength)
{
    m_error.clear();
    if (model.trimmed().isEmpty()) {
        m_error = QStringLiteral("Name the model whose context length you are setting.");
        return false;
    }
    if (contextLength > 0 && (contextLength < 1000 || contextLength > MaxContextLength)) {
        m_error = QStringLiteral("A context length must be between 1 000 and %1 tokens (or 0 to use the "
                                 "profile's value).")
                      .arg(MaxContextLength);
        return false;
    }
    if (!m_manager->store()->setContextLengthOverride(model.trimmed(), contextLength)) {
        m_error = m_manager->store()->lastError();
        return false;
    }
    return true;
}

QList<store::ContextLengthOverride> ContextLengths::overrides() const
{
    return m_manager->store()->contextLengthOverrides();
}

} // namespace caduceus::chat
