#pragma once
// GET /api/hermes/available-models: the models of every configured agent profile, asked from each agent's
// /v1/models (cached for a while), grouped by profile. An agent that does not answer in time contributes
// the model its profile names, so the answer always comes, within the deadline. Agent keys never appear:
// only model ids, profile names and labels are read.
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <functional>

namespace caduceus::chat {
class SessionManager;
}

namespace caduceus::webui {

class ModelCatalog : public QObject
{
    Q_OBJECT
public:
    ModelCatalog(chat::SessionManager *manager, int deadlineMs, int cacheMs, QObject *parent = nullptr);

    // `profile` picks "default"/"default_provider" (empty: the manager's default profile). `done` runs
    // exactly once, at the latest after the deadline, unless this catalog is destroyed first.
    void fetch(const QString &profile, std::function<void(const QJsonObject &)> done);

    // {"default","default_provider","groups":[{"provider","label","models"}]} from models per profile.
    QJsonObject build(const QString &profile, const QHash<QString, QStringList> &models) const;
    // Model ids of an OpenAI-style list {"data":[{"id"}]} (also accepts {"models":[…]} of ids or objects).
    static QStringList modelIds(const QJsonObject &answer);

private:
    struct Cached
    {
        QStringList models;
        qint64 fetchedAtMs = 0;
    };
    chat::SessionManager *m_manager;
    int m_deadlineMs;
    int m_cacheMs;
    QHash<QString, Cached> m_cache;
};

} // namespace caduceus::webui
