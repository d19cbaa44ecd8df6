#include "webui/ModelCatalog.h"

#include "chat/SessionManager.h"
#include "hermes/HermesClient.h"

#include <QJsonArray>
#include <QTimer>

#include <memory>

namespace caduceus::webui {

ModelCatalog::ModelCatalog(chat::SessionManager *manager, int deadlineMs, int cacheMs, QObject *parent)
    : QObject(parent), m_manager(manager), m_deadlineMs(deadlineMs), m_cacheMs(cacheMs)
{
}

QStringList ModelCatalog::modelIds(const QJsonObject &answer)
{
    QStringList ids;
    QJsonArray list = answer.value(QStringLiteral("data")).toArray();
    if (list.isEmpty())
        list = answer.value(QStringLiteral("models")).toArray();
    for (const QJsonValue &item : std::as_const(list)) {
        const QString id =
            item.isString() ? item.toString() : item.toObject().value(QStringLiteral("id")).toString();
        if (!id.isEmpty() && id.size() <= 256 && !ids.contains(id))
            ids.append(id);
        if (ids.size() >= 500)
            break;
    }
    return ids;
}

QJsonObject ModelCatalog::build(const QString &profile, const QHash<QString, QStringList> &models) const
{
    const QString chosen =
        profile.isEmpty() || !m_manager->profiles().contains(profile) ? m_manager->defaultProfile() : profile;
    QJsonArray groups;
    QString defaultModel;
    for (const QString &name : m_manager->profiles()) {
        const hermes::AgentEndpoint endpoint = m_manager->agent(name);
        QStringList ids;
        if (!endpoint.defaultModel.isEmpty())
            ids.append(endpoint.defaultModel);
        for (const QString &id : models.value(name)) {
            if (!ids.contains(id))
                ids.append(id);
        }
        groups.append(QJsonObject{{QStringLiteral("provider"), name},
                                  {QStringLiteral("label"), endpoint.label.isEmpty() ? name : endpoint.label},
                                  {QStringLiteral("models"), QJsonArray::fromStringList(ids)}});
        if (name == chosen && !ids.isEmpty())
            defaultModel = ids.first();
    }
    return QJsonObject{{QStringLiteral("default"), defaultModel},
                       {QStringLiteral("default_provider"), chosen},
                       {QStringLiteral("groups"), groups}};
}

void ModelCatalog::fetch(const QString &profile, std::function<void(const QJsonObject &)> done)
{
    struct Pending
    {
        QHash<QString, QStringList> models;
        int waiting = 0;
        bool answered = false;
        std::function<void(const QJsonObject &)> done;
    };
    auto pending = std::make_shared<Pending>();
    pending->done = std::move(done);
    auto finish = [this, pending, profile]() {
        if (pending->answered)
            return;
        pending->answered = true;
        pending->done(build(profile, pending->models));
    };

    // Counts this loop too, so an agent that answers at once cannot finish before the others are asked.
    pending->waiting = 1;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const QString &name : m_manager->profiles()) {
        const auto cached = m_cache.constFind(name);
        if (cached != m_cache.cend() && now - cached->fetchedAtMs < m_cacheMs) {
            pending->models.insert(name, cached->models);
            continue;
        }
        hermes::HermesClient *client = m_manager->client(name);
        if (!client)
            continue;
        ++pending->waiting;
        client->models(this, [this, pending, name, finish](const hermes::ApiResult &result) {
            if (result.ok()) {
                const QStringList ids = modelIds(result.json);
                m_cache.insert(name, Cached{ids, QDateTime::currentMSecsSinceEpoch()});
                pending->models.insert(name, ids);
            }
            if (--pending->waiting == 0)
                finish();
        });
    }
    if (--pending->waiting == 0) {
        finish();
        return;
    }
    QTimer::singleShot(m_deadlineMs, this, finish);
}

} // namespace caduceus::webui
