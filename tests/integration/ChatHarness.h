#pragma once
// Test fixture: a real SessionManager on a temporary database, talking HTTP/SSE to a hermes-sim process,
// with a recorder of every protocol event it emits.
#include "SimProcess.h"
#include "chat/SessionController.h"
#include "chat/SessionManager.h"
#include "store/Database.h"
#include "store/SessionStore.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

namespace caduceus::test {

struct RecordedEvent
{
    QString session;
    QString name;
    QJsonObject payload;
};

class ChatHarness
{
public:
    explicit ChatHarness(const QString &dbPath, const QUrl &agentUrl, const QString &key = QStringLiteral("test-key"),
                         chat::ChatSettings settings = fastSettings())
    {
        database = std::make_unique<store::Database>(QStringLiteral("harness-%1").arg(++s_serial));
        const auto opened = database->open(dbPath);
        if (!opened.ok)
            qFatal("database: %s", qPrintable(opened.error));
        store = std::make_unique<store::SessionStore>(*database);
        manager = std::make_unique<chat::SessionManager>(store.get(), &nam);
        manager->setSettings(settings);
        hermes::AgentEndpoint endpoint;
        endpoint.baseUrl = agentUrl;
        endpoint.apiKey = key;
        manager->setAgent(endpoint);
        QObject::connect(manager.get(), &chat::SessionManager::sessionEvent, manager.get(),
                         [this](const QString &s, const QString &n, const QJsonObject &p) { events.append({s, n, p}); });
    }

    ~ChatHarness()
    {
        manager.reset();
        store.reset();
        database.reset();
    }

    static chat::ChatSettings fastSettings()
    {
        chat::ChatSettings s;
        s.graceMs = 3000;
        s.stream.pollIntervalMs = 100;
        s.stream.maxPollIntervalMs = 300;
        s.stream.giveUpAfterMs = 3000;
        s.syncTimeoutMs = 3000;
        return s;
    }

    // Waits until `count` events of that name exist (for the session, when given).
    bool waitFor(const QString &name, int count = 1, int timeoutMs = 15000, const QString &session = {})
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs) {
            if (this->count(name, session) >= count)
                return true;
            QTest::qWait(10);
        }
        return false;
    }

    int count(const QString &name, const QString &session = {}) const
    {
        int n = 0;
        for (const auto &e : events)
            n += e.name == name && (session.isEmpty() || e.session == session);
        return n;
    }

    QJsonObject last(const QString &name) const
    {
        for (qsizetype i = events.size() - 1; i >= 0; --i) {
            if (events[i].name == name)
                return events[i].payload;
        }
        return {};
    }

    QStringList names() const
    {
        QStringList out;
        for (const auto &e : events)
            out << e.name;
        return out;
    }

    QString submit(const QString &session, const QString &text)
    {
        chat::SessionController::RunInput input;
        input.input = text;
        return manager->controller(session)->submit(input);
    }

    QNetworkAccessManager nam;
    std::unique_ptr<store::Database> database;
    std::unique_ptr<store::SessionStore> store;
    std::unique_ptr<chat::SessionManager> manager;
    QList<RecordedEvent> events;

private:
    static inline int s_serial = 0;
};

} // namespace caduceus::test
