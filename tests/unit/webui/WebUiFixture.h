#pragma once
// Test fixture: a relay (Socket.IO /chat-run + the web UI's HTTP side) on a free loopback port, over a
// real SessionManager on a temporary database, with a blocking HTTP client for the test body.
#include "chat/SessionController.h"
#include "chat/SessionManager.h"
#include "relay/ChatRunNamespace.h"
#include "relay/RelayServer.h"
#include "store/Database.h"
#include "store/SessionStore.h"
#include "webui/WebUiServer.h"

#include <QElapsedTimer>
#include <QHttpMultiPart>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

namespace caduceus::test {

struct HttpAnswer
{
    int status = 0;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;
    QString networkError;
    qint64 elapsedMs = 0;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    bool isJson() const
    {
        QJsonParseError error;
        QJsonDocument::fromJson(body, &error);
        return error.error == QJsonParseError::NoError && !body.isEmpty();
    }
};

class WebUiFixture
{
public:
    static constexpr auto Token = "test-token-0123456789abcdef";

    explicit WebUiFixture(webui::WebUiOptions options = {}, const QUrl &agentUrl = {})
    {
        database = std::make_unique<store::Database>(QStringLiteral("webui-%1").arg(++s_serial));
        const auto opened = database->open(dir.filePath(QStringLiteral("caduceus.db")));
        if (!opened.ok)
            qFatal("database: %s", qPrintable(opened.error));
        store = std::make_unique<store::SessionStore>(*database);
        manager = std::make_unique<chat::SessionManager>(store.get(), &nam);
        if (agentUrl.isValid()) {
            hermes::AgentEndpoint endpoint;
            endpoint.baseUrl = agentUrl;
            endpoint.apiKey = QStringLiteral("agent-secret-key");
            endpoint.label = QStringLiteral("Test agent");
            endpoint.defaultModel = QStringLiteral("test-model");
            endpoint.contextLength = 64000;
            manager->setAgent(endpoint);
        }
        if (options.uploadDir.isEmpty())
            options.uploadDir = dir.filePath(QStringLiteral("uploads"));
        this->options = options;
        relay::RelayOptions relayOptions;
        // Many failed token checks in a row here; the back-off itself is tested in tst_relay_without_token.
        relayOptions.socket.authFailures.maxDelayMs = 10;
        relay = std::make_unique<relay::RelayServer>(relayOptions);
        relay->registerNamespace(QStringLiteral("/chat-run"),
                                 std::make_unique<relay::ChatRunNamespace>(manager.get(), QByteArray(Token)));
        webUi = new webui::WebUiServer(manager.get(), QByteArray(Token), options, relay.get());
        webUi->install(relay.get());
        if (!relay->listen(QHostAddress::LocalHost, 0))
            qFatal("listen: %s", qPrintable(relay->errorString()));
    }

    ~WebUiFixture()
    {
        relay.reset();
        manager.reset();
        store.reset();
        database.reset();
    }

    QUrl url(const QString &pathAndQuery) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(relay->serverPort()).arg(pathAndQuery));
    }

    QNetworkRequest request(const QString &pathAndQuery, bool withToken = true) const
    {
        QNetworkRequest r(url(pathAndQuery));
        if (withToken)
            r.setRawHeader("Authorization", QByteArray("Bearer ") + Token);
        return r;
    }

    HttpAnswer wait(QNetworkReply *reply, int timeoutMs = 10000)
    {
        QElapsedTimer clock;
        clock.start();
        const bool done = QTest::qWaitFor([reply] { return reply->isFinished(); }, timeoutMs);
        HttpAnswer answer;
        answer.elapsedMs = clock.elapsed();
        if (!done) {
            answer.networkError = QStringLiteral("no answer within %1 ms").arg(timeoutMs);
            reply->abort();
        }
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.body = reply->readAll();
        answer.headers = reply->rawHeaderPairs();
        if (reply->error() != QNetworkReply::NoError && answer.status == 0)
            answer.networkError = reply->errorString();
        reply->deleteLater();
        return answer;
    }

    HttpAnswer get(const QString &pathAndQuery, bool withToken = true)
    {
        return wait(nam.get(request(pathAndQuery, withToken)));
    }
    HttpAnswer send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body = {},
                    bool withToken = true)
    {
        QNetworkRequest r = request(pathAndQuery, withToken);
        if (!body.isEmpty())
            r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        return wait(nam.sendCustomRequest(r, method, body));
    }
    HttpAnswer postJson(const QString &pathAndQuery, const QJsonObject &body)
    {
        return send("POST", pathAndQuery, QJsonDocument(body).toJson(QJsonDocument::Compact));
    }
    HttpAnswer upload(const QList<QPair<QString, QByteArray>> &files, bool withToken = true)
    {
        auto *multi = new QHttpMultiPart(QHttpMultiPart::FormDataType);
        for (const auto &[name, bytes] : files) {
            QHttpPart part;
            part.setHeader(QNetworkRequest::ContentDispositionHeader,
                           QStringLiteral("form-data; name=\"file\"; filename=\"%1\"").arg(name));
            part.setBody(bytes);
            multi->append(part);
        }
        QNetworkReply *reply = nam.post(request(QStringLiteral("/upload"), withToken), multi);
        multi->setParent(reply);
        return wait(reply, 30000);
    }

    // A session with rows written straight to the store (no agent needed), `lastActive` in seconds.
    QList<qint64> addSession(const QString &id, double lastActive, const QStringList &texts,
                             const QString &title = {})
    {
        store::SessionRecord s;
        s.id = id;
        s.title = title;
        s.createdAt = lastActive - 10;
        s.lastActive = lastActive;
        if (!store->createSession(s))
            qFatal("createSession: %s", qPrintable(store->lastError()));
        QList<qint64> ids;
        for (int i = 0; i < texts.size(); ++i) {
            store::MessageRecord m;
            m.sessionId = id;
            m.role = i % 2 == 0 ? QStringLiteral("user") : QStringLiteral("assistant");
            m.content = texts[i];
            m.timestamp = lastActive - texts.size() + i;
            ids.append(store->appendMessage(m));
        }
        store->touchSession(id, lastActive);
        return ids;
    }

    QTemporaryDir dir;
    QNetworkAccessManager nam;
    std::unique_ptr<store::Database> database;
    std::unique_ptr<store::SessionStore> store;
    std::unique_ptr<chat::SessionManager> manager;
    std::unique_ptr<relay::RelayServer> relay;
    webui::WebUiServer *webUi = nullptr;
    webui::WebUiOptions options;

private:
    static inline int s_serial = 0;
};

} // namespace caduceus::test
