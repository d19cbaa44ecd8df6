// Every endpoint of WEB-UI.md over real HTTP against an in-process relay on a real store: shapes, auth,
// the three hard rules (no 401 for the valid token, nothing hangs, every 2xx is JSON), limits, path
// restriction, newest-first order and the message id space shared with `resumed`.
#include "WebUiFixture.h"

#include "webui/FileStreamer.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTcpServer>
#include <QTcpSocket>

using namespace caduceus;
using caduceus::test::HttpAnswer;
using caduceus::test::WebUiFixture;

namespace {

QJsonArray idsOf(const QJsonArray &items)
{
    QJsonArray ids;
    for (const QJsonValue &v : items)
        ids.append(v.toObject().value(QStringLiteral("id")));
    return ids;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// Raw HTTP on one connection: sends `request`, reads until `count` complete answers arrived.
QByteArray rawExchange(quint16 port, const QByteArray &request, int count, int timeoutMs = 5000)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(timeoutMs))
        return {};
    socket.write(request);
    QByteArray received;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs && received.count("HTTP/1.1 ") < count) {
        QTest::qWait(5);
        received += socket.readAll();
    }
    // Let a last body arrive.
    QTest::qWait(50);
    received += socket.readAll();
    return received;
}

const QStringList kChatPageGets{
    QStringLiteral("/api/hermes/sessions"),
    QStringLiteral("/api/hermes/sessions?limit=5"),
    QStringLiteral("/api/hermes/search/sessions?q=hello&limit=10"),
    QStringLiteral("/api/hermes/profiles"),
    QStringLiteral("/api/hermes/config"),
    QStringLiteral("/api/hermes/sessions/context-length"),
    QStringLiteral("/api/hermes/sessions/context-length?profile=default"),
    QStringLiteral("/api/hermes/available-models"),
    QStringLiteral("/api/hermes/files/list"),
};

} // namespace

class TestWebUiServer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void healthIsPublicAndSaysOk()
    {
        WebUiFixture f;
        const HttpAnswer a = f.get(QStringLiteral("/health"), false);
        QCOMPARE(a.status, 200);
        QCOMPARE(a.json().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QCOMPARE(a.json().value(QStringLiteral("webui_update_available")), QJsonValue(false));
        // A node_version below 23 makes the page show a warning banner.
        QVERIFY(!a.json().contains(QStringLiteral("node_version")));
    }

    void authStatusIsPublicTokenOnly()
    {
        WebUiFixture f;
        const HttpAnswer a = f.get(QStringLiteral("/api/auth/status"), false);
        QCOMPARE(a.status, 200);
        QCOMPARE(a.json().value(QStringLiteral("hasPasswordLogin")), QJsonValue(false));
        QVERIFY(a.json().value(QStringLiteral("username")).isNull());
    }

    void missingOrWrongTokenIs401Json()
    {
        WebUiFixture f;
        for (const QString &path :
             kChatPageGets + QStringList{QStringLiteral("/api/hermes/nope"),
                                         QStringLiteral("/api/hermes/download?path=/etc/passwd")}) {
            const HttpAnswer missing = f.get(path, false);
            QCOMPARE(missing.status, 401);
            QCOMPARE(missing.json().value(QStringLiteral("error")).toString(),
                     QStringLiteral("Unauthorized"));
            QNetworkRequest wrong = f.request(path, false);
            wrong.setRawHeader("Authorization", "Bearer test-token-0123456789abcdeX");
            QCOMPARE(f.wait(f.nam.get(wrong)).status, 401);
        }
        QCOMPARE(f.send("POST", QStringLiteral("/upload"), "x", false).status, 401);
        QCOMPARE(f.send("DELETE", QStringLiteral("/api/hermes/sessions/abc"), {}, false).status, 401);
        QCOMPARE(f.get(QStringLiteral("/api/hermes/sessions?token=wrong"), false).status, 401);
        // A prefix of the token is not the token.
        QCOMPARE(f.get(QStringLiteral("/api/hermes/sessions?token=test-token"), false).status, 401);
    }

    void validTokenIsNeverAnswered401()
    {
        WebUiFixture f;
        QStringList paths = kChatPageGets;
        paths << QStringLiteral("/api/hermes/jobs") << QStringLiteral("/api/hermes/kanban")
              << QStringLiteral("/api/hermes/skills") << QStringLiteral("/api/hermes/terminal")
              << QStringLiteral("/api/hermes/group-chat/rooms")
              << QStringLiteral("/api/hermes/profiles/create") << QStringLiteral("/api/update/check")
              << QStringLiteral("/api") << QStringLiteral("/api/")
              << QStringLiteral("/api/hermes/sessions/unknown-id") << QStringLiteral("/api/hermes/download")
              << QStringLiteral("/anything/else");
        for (const QString &path : std::as_const(paths)) {
            const HttpAnswer a = f.get(path);
            QVERIFY2(a.status != 401, qPrintable(path));
            QVERIFY2(a.networkError.isEmpty() || a.status > 0, qPrintable(path + a.networkError));
            QVERIFY2(a.isJson(), qPrintable(path));
        }
        // ?token= works only on the GET download/export URLs the browser opens itself (issue 21).
        QCOMPARE(
            f.get(QStringLiteral("/api/hermes/profiles?token=%1").arg(WebUiFixture::Token), false).status,
            401);
        QCOMPARE(f.get(QStringLiteral("/api/hermes/sessions/none/export?mode=full&ext=json&token=%1")
                           .arg(WebUiFixture::Token),
                       false)
                     .status,
                 404);
        // The scheme name is case-insensitive.
        QNetworkRequest lower = f.request(QStringLiteral("/api/hermes/config"), false);
        lower.setRawHeader("Authorization", QByteArray("bearer ") + WebUiFixture::Token);
        QCOMPARE(f.wait(f.nam.get(lower)).status, 200);
    }

    void everythingElseIsAFast404Json()
    {
        WebUiFixture f;
        for (const QString &path :
             {QStringLiteral("/api/hermes/jobs"), QStringLiteral("/api/hermes/kanban/boards"),
              QStringLiteral("/api/hermes/skills"), QStringLiteral("/api/hermes/update"),
              QStringLiteral("/api/hermes/sessions/a/b/c")}) {
            const HttpAnswer a = f.get(path);
            QCOMPARE(a.status, 404);
            QCOMPARE(a.json().value(QStringLiteral("error")).toString(), QStringLiteral("Not found"));
            QVERIFY2(a.elapsedMs < 1000, qPrintable(QString::number(a.elapsedMs)));
        }
        // A known path with the wrong method.
        const HttpAnswer put = f.send("PUT", QStringLiteral("/api/hermes/config"), "{}");
        QCOMPARE(put.status, 405);
        QVERIFY(put.isJson());
    }

    void everyTwoHundredHasAJsonBody()
    {
        webui::WebUiOptions options;
        options.modelsDeadlineMs = 500;
        WebUiFixture f(options);
        f.addSession(QStringLiteral("s1"), 1000, {QStringLiteral("hello there"), QStringLiteral("hi")});
        QStringList paths = kChatPageGets;
        paths << QStringLiteral("/api/hermes/sessions/s1") << QStringLiteral("/health")
              << QStringLiteral("/api/auth/status");
        for (const QString &path : std::as_const(paths)) {
            const HttpAnswer a = f.get(path);
            QCOMPARE(a.status, 200);
            QVERIFY2(a.isJson(), qPrintable(path + QStringLiteral(": ") + QString::fromUtf8(a.body)));
        }
        for (const HttpAnswer &a : {f.postJson(QStringLiteral("/api/hermes/sessions/s1/rename"),
                                               {{QStringLiteral("title"), QStringLiteral("T")}}),
                                    f.postJson(QStringLiteral("/api/hermes/sessions/batch-delete"),
                                               {{QStringLiteral("ids"), QJsonArray{QStringLiteral("zz")}}}),
                                    f.send("DELETE", QStringLiteral("/api/hermes/sessions/s1"))}) {
            QCOMPARE(a.status, 200);
            QVERIFY(a.isJson());
        }
    }

    void sessionListIsNewestActivityFirst()
    {
        WebUiFixture f;
        f.addSession(QStringLiteral("old"), 1000, {QStringLiteral("first question")});
        f.addSession(QStringLiteral("newest"), 3000, {QStringLiteral("third question")},
                     QStringLiteral("Named"));
        f.addSession(QStringLiteral("middle"), 2000,
                     {QStringLiteral("second question"), QStringLiteral("answer")});
        const HttpAnswer a = f.get(QStringLiteral("/api/hermes/sessions"));
        QCOMPARE(a.status, 200);
        const QJsonArray sessions = a.json().value(QStringLiteral("sessions")).toArray();
        QCOMPARE(idsOf(sessions),
                 (QJsonArray{QStringLiteral("newest"), QStringLiteral("middle"), QStringLiteral("old")}));
        const QJsonObject first = sessions[0].toObject();
        QCOMPARE(first.value(QStringLiteral("title")).toString(), QStringLiteral("Named"));
        QCOMPARE(first.value(QStringLiteral("source")).toString(), QStringLiteral("api_server"));
        QCOMPARE(first.value(QStringLiteral("last_active")).toDouble(), 3000.0);
        QCOMPARE(first.value(QStringLiteral("started_at")).toDouble(), 2990.0);
        QCOMPARE(first.value(QStringLiteral("preview")).toString(), QStringLiteral("third question"));
        QCOMPARE(first.value(QStringLiteral("message_count")).toInt(), 1);
        for (const char *key : {"id", "title", "source", "model", "started_at", "last_active", "ended_at",
                                "message_count", "workspace", "preview", "billing_provider"})
            QVERIFY2(first.contains(QLatin1String(key)), key);
        QVERIFY(sessions[1].toObject().value(QStringLiteral("title")).isNull());
        QCOMPARE(sessions[1].toObject().value(QStringLiteral("message_count")).toInt(), 2);

        const QJsonArray limited = f.get(QStringLiteral("/api/hermes/sessions?limit=2"))
                                       .json()
                                       .value(QStringLiteral("sessions"))
                                       .toArray();
        QCOMPARE(idsOf(limited), (QJsonArray{QStringLiteral("newest"), QStringLiteral("middle")}));
        // New activity moves a session to the top.
        f.store->touchSession(QStringLiteral("old"), 4000);
        QCOMPARE(f.get(QStringLiteral("/api/hermes/sessions"))
                     .json()
                     .value(QStringLiteral("sessions"))
                     .toArray()[0]
                     .toObject()
                     .value(QStringLiteral("id"))
                     .toString(),
                 QStringLiteral("old"));
    }

    void searchPointsAtTheMessageIdOfResumed()
    {
        WebUiFixture f;
        const QList<qint64> ids =
            f.addSession(QStringLiteral("alpha"), 2000,
                         {QStringLiteral("tell me about giraffes"),
                          QStringLiteral("Giraffes are the tallest land animals"),
                          QStringLiteral("and zebras?"), QStringLiteral("Zebras have stripes")});
        f.addSession(QStringLiteral("beta"), 1000, {QStringLiteral("unrelated chat")});
        const HttpAnswer a = f.get(QStringLiteral("/api/hermes/search/sessions?q=stripes&limit=10"));
        QCOMPARE(a.status, 200);
        const QJsonArray results = a.json().value(QStringLiteral("results")).toArray();
        QCOMPARE(results.size(), 1);
        const QJsonObject hit = results[0].toObject();
        QCOMPARE(hit.value(QStringLiteral("id")).toString(), QStringLiteral("alpha"));
        QVERIFY(hit.value(QStringLiteral("snippet")).toString().contains(QStringLiteral("stripes")));
        QVERIFY(!hit.value(QStringLiteral("snippet")).toString().contains(QStringLiteral("[[")));
        const qint64 matched = hit.value(QStringLiteral("matched_message_id")).toInteger();
        QCOMPARE(matched, ids[3]);

        // The same id is the one the socket's `resumed.messages` and the REST detail carry for that text.
        const QJsonArray resumed = f.manager->controller(QStringLiteral("alpha"))
                                       ->resumePayload()
                                       .value(QStringLiteral("messages"))
                                       .toArray();
        bool found = false;
        for (const QJsonValue &m : resumed) {
            if (m.toObject().value(QStringLiteral("id")).toInteger() == matched) {
                QCOMPARE(m.toObject().value(QStringLiteral("content")).toString(),
                         QStringLiteral("Zebras have stripes"));
                found = true;
            }
        }
        QVERIFY(found);
        const QJsonArray detail = f.get(QStringLiteral("/api/hermes/sessions/alpha"))
                                      .json()
                                      .value(QStringLiteral("session"))
                                      .toObject()
                                      .value(QStringLiteral("messages"))
                                      .toArray();
        QCOMPARE(detail, resumed);

        // Several hits in one session: one result, pointing at the newest match.
        const QJsonArray both = f.get(QStringLiteral("/api/hermes/search/sessions?q=giraffes"))
                                    .json()
                                    .value(QStringLiteral("results"))
                                    .toArray();
        QCOMPARE(both.size(), 1);
        QCOMPARE(both[0].toObject().value(QStringLiteral("matched_message_id")).toInteger(), ids[1]);
        QCOMPARE(f.get(QStringLiteral("/api/hermes/search/sessions?q="))
                     .json()
                     .value(QStringLiteral("results"))
                     .toArray()
                     .size(),
                 0);
    }

    void searchSkipsRowsThePageDoesNotShow()
    {
        WebUiFixture f;
        f.addSession(QStringLiteral("s"), 1000, {QStringLiteral("question about volcanoes")});
        store::MessageRecord error;
        error.sessionId = QStringLiteral("s");
        error.role = QStringLiteral("error");
        error.content = QStringLiteral("volcanoes agent failed");
        error.timestamp = 5000;
        const qint64 errorId = f.store->appendMessage(error);
        const QJsonArray results = f.get(QStringLiteral("/api/hermes/search/sessions?q=volcanoes"))
                                       .json()
                                       .value(QStringLiteral("results"))
                                       .toArray();
        QCOMPARE(results.size(), 1);
        QVERIFY(results[0].toObject().value(QStringLiteral("matched_message_id")).toInteger() != errorId);
    }

    void searchFindsTitles()
    {
        WebUiFixture f;
        f.addSession(QStringLiteral("t"), 1000, {QStringLiteral("nothing here")},
                     QStringLiteral("Holiday plans"));
        const QJsonArray results = f.get(QStringLiteral("/api/hermes/search/sessions?q=holiday"))
                                       .json()
                                       .value(QStringLiteral("results"))
                                       .toArray();
        QCOMPARE(results.size(), 1);
        QCOMPARE(results[0].toObject().value(QStringLiteral("id")).toString(), QStringLiteral("t"));
    }

    void detailShapesAndErrors()
    {
        WebUiFixture f;
        const QList<qint64> ids =
            f.addSession(QStringLiteral("d1"), 1000, {QStringLiteral("q"), QStringLiteral("a")});
        const HttpAnswer a = f.get(QStringLiteral("/api/hermes/sessions/d1"));
        QCOMPARE(a.status, 200);
        const QJsonObject session = a.json().value(QStringLiteral("session")).toObject();
        QCOMPARE(session.value(QStringLiteral("id")).toString(), QStringLiteral("d1"));
        const QJsonArray messages = session.value(QStringLiteral("messages")).toArray();
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages[0].toObject().value(QStringLiteral("id")).toInteger(), ids[0]);
        QCOMPARE(messages[1].toObject().value(QStringLiteral("role")).toString(),
                 QStringLiteral("assistant"));
        for (const char *key : {"id", "session_id", "role", "content", "reasoning", "timestamp"})
            QVERIFY2(messages[0].toObject().contains(QLatin1String(key)), key);
        QCOMPARE(f.get(QStringLiteral("/api/hermes/sessions/nope")).status, 404);
        QCOMPARE(f.get(QStringLiteral("/api/hermes/sessions/bad%20id")).status, 400);
    }

    void renameCreatesOrUpdates()
    {
        WebUiFixture f;
        f.addSession(QStringLiteral("r1"), 1000, {QStringLiteral("q")});
        QCOMPARE(f.postJson(QStringLiteral("/api/hermes/sessions/r1/rename"),
                            {{QStringLiteral("title"), QStringLiteral("New name")}})
                     .json()
                     .value(QStringLiteral("ok")),
                 QJsonValue(true));
        QCOMPARE(f.store->session(QStringLiteral("r1"))->title, QStringLiteral("New name"));
        // A brand-new id, before its first run.
        QCOMPARE(f.postJson(QStringLiteral("/api/hermes/sessions/mq3x7k9abcdef/rename"),
                            {{QStringLiteral("title"), QStringLiteral("Fresh")}})
                     .status,
                 200);
        QCOMPARE(f.store->session(QStringLiteral("mq3x7k9abcdef"))->title, QStringLiteral("Fresh"));
        QCOMPARE(f.postJson(QStringLiteral("/api/hermes/sessions/r1/rename"), {{QStringLiteral("title"), 5}})
                     .status,
                 400);
        QCOMPARE(f.send("POST", QStringLiteral("/api/hermes/sessions/r1/rename"), "not json").status, 400);
        QCOMPARE(f.send("POST", QStringLiteral("/api/hermes/sessions/r1/rename")).status, 400);
    }

    void deleteAndBatchDelete()
    {
        WebUiFixture f;
        for (const char *id : {"a", "b", "c"})
            f.addSession(QLatin1String(id), 1000, {QStringLiteral("q")});
        const HttpAnswer one = f.send("DELETE", QStringLiteral("/api/hermes/sessions/a"));
        QCOMPARE(one.status, 200);
        QCOMPARE(one.json().value(QStringLiteral("ok")), QJsonValue(true));
        QVERIFY(!f.store->session(QStringLiteral("a")));
        QCOMPARE(f.get(QStringLiteral("/api/hermes/sessions/a")).status, 404);
        // Deleting what is gone succeeds (a chat that never ran).
        QCOMPARE(
            f.send("DELETE", QStringLiteral("/api/hermes/sessions/a")).json().value(QStringLiteral("ok")),
            QJsonValue(true));

        const HttpAnswer batch =
            f.postJson(QStringLiteral("/api/hermes/sessions/batch-delete"),
                       {{QStringLiteral("ids"), QJsonArray{QStringLiteral("b"), QStringLiteral("missing"),
                                                           QStringLiteral("c"), QStringLiteral("bad id")}}});
        QCOMPARE(batch.status, 200);
        const QJsonObject result = batch.json();
        QCOMPARE(result.value(QStringLiteral("deleted")).toInt(), 2);
        QCOMPARE(result.value(QStringLiteral("failed")).toInt(), 2);
        QCOMPARE(result.value(QStringLiteral("ok")), QJsonValue(true));
        const QJsonArray errors = result.value(QStringLiteral("errors")).toArray();
        QCOMPARE(errors.size(), 2);
        QCOMPARE(errors[0].toObject().value(QStringLiteral("id")).toString(), QStringLiteral("missing"));
        QVERIFY(!errors[0].toObject().value(QStringLiteral("error")).toString().isEmpty());
        QVERIFY(f.manager->listSessions().isEmpty());
        QCOMPARE(f.postJson(QStringLiteral("/api/hermes/sessions/batch-delete"),
                            {{QStringLiteral("ids"), QJsonArray()}})
                     .status,
                 400);
        QJsonArray tooMany;
        for (int i = 0; i < 1001; ++i)
            tooMany.append(QStringLiteral("x%1").arg(i));
        QCOMPARE(f.postJson(QStringLiteral("/api/hermes/sessions/batch-delete"),
                            {{QStringLiteral("ids"), tooMany}})
                     .status,
                 413);
    }

    void exportFullAndCompressed()
    {
        WebUiFixture f;
        f.addSession(QStringLiteral("ex"), 1700000000,
                     {QStringLiteral("first question"), QStringLiteral("first answer"),
                      QStringLiteral("second question"), QStringLiteral("second answer")},
                     QStringLiteral("Trip: plans"));
        const HttpAnswer json =
            f.get(QStringLiteral("/api/hermes/sessions/ex/export?mode=full&ext=json&token=%1")
                      .arg(WebUiFixture::Token),
                  false);
        QCOMPARE(json.status, 200);
        const QByteArray disposition = json.header("Content-Disposition");
        QVERIFY2(disposition.startsWith("attachment; filename=\"trip-plans") && disposition.contains(".json\""),
                 disposition.constData());
        const QJsonObject session = json.json().value(QStringLiteral("session")).toObject();
        QCOMPARE(session.value(QStringLiteral("messages")).toArray(),
                 f.get(QStringLiteral("/api/hermes/sessions/ex"))
                     .json()
                     .value(QStringLiteral("session"))
                     .toObject()
                     .value(QStringLiteral("messages"))
                     .toArray());

        const HttpAnswer txt = f.get(QStringLiteral("/api/hermes/sessions/ex/export?mode=full&ext=txt"));
        QCOMPARE(txt.status, 200);
        QVERIFY(txt.header("Content-Type").startsWith("text/plain"));
        const QString text = QString::fromUtf8(txt.body);
        QVERIFY(text.startsWith(QStringLiteral("# Trip: plans\n")));
        QVERIFY(text.contains(QStringLiteral("[user] 2023-11-14T22:13:16Z\n\nfirst question")));
        QVERIFY(text.indexOf(QStringLiteral("second answer")) > text.indexOf(QStringLiteral("first answer")));

        store::CompressionSnapshot snapshot;
        snapshot.sessionId = QStringLiteral("ex");
        snapshot.summary = QStringLiteral("They discussed the first question.");
        snapshot.lastMessageIndex = 1;
        snapshot.messageCount = 4;
        snapshot.createdAt = 1700000001;
        QVERIFY(f.store->saveSnapshot(snapshot));
        const HttpAnswer compressed =
            f.get(QStringLiteral("/api/hermes/sessions/ex/export?mode=compressed&ext=json"));
        QCOMPARE(compressed.status, 200);
        const QJsonArray items = compressed.json()
                                     .value(QStringLiteral("session"))
                                     .toObject()
                                     .value(QStringLiteral("messages"))
                                     .toArray();
        QCOMPARE(items.size(), 3);
        QVERIFY(items[0].toObject().value(QStringLiteral("content")).toString().contains(snapshot.summary));
        QCOMPARE(items[1].toObject().value(QStringLiteral("content")).toString(),
                 QStringLiteral("second question"));
        QVERIFY(!QString::fromUtf8(compressed.body).contains(QStringLiteral("first answer")));

        QCOMPARE(f.get(QStringLiteral("/api/hermes/sessions/ex/export?mode=zip")).status, 400);
        QCOMPARE(f.get(QStringLiteral("/api/hermes/sessions/none/export")).status, 404);
    }

    void uploadKeepsPartOrderAndWritesFiles()
    {
        WebUiFixture f;
        const QByteArray png("\x89PNG\r\n\x1a\n binary \0 data", 24);
        const HttpAnswer a = f.upload({{QStringLiteral("b-second.png"), png},
                                       {QStringLiteral("a first.txt"), "hello"},
                                       {QStringLiteral("a first.txt"), "same name"}});
        QCOMPARE(a.status, 200);
        const QJsonArray files = a.json().value(QStringLiteral("files")).toArray();
        QCOMPARE(files.size(), 3);
        QCOMPARE(files[0].toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("b-second.png"));
        QCOMPARE(files[1].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("a first.txt"));
        QCOMPARE(files[2].toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("a first (2).txt"));
        const QString canonicalUploads = QFileInfo(f.options.uploadDir).canonicalFilePath();
        QList<QByteArray> expected{png, "hello", "same name"};
        for (int i = 0; i < 3; ++i) {
            const QString path = files[i].toObject().value(QStringLiteral("path")).toString();
            QVERIFY(QDir::isAbsolutePath(path));
            QVERIFY2(QFileInfo(path).canonicalFilePath().startsWith(canonicalUploads + QLatin1Char('/')),
                     qPrintable(path));
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QCOMPARE(file.readAll(), expected[i]);
        }
        // A second upload with the same name never overwrites the first.
        const QString again = f.upload({{QStringLiteral("a first.txt"), "other"}})
                                  .json()
                                  .value(QStringLiteral("files"))
                                  .toArray()[0]
                                  .toObject()
                                  .value(QStringLiteral("path"))
                                  .toString();
        QVERIFY(again != files[1].toObject().value(QStringLiteral("path")).toString());
    }

    void uploadNamesCannotEscapeTheFolder()
    {
        WebUiFixture f;
        const QJsonArray files =
            f.upload({{QStringLiteral("../../escape.txt"), "x"}, {QStringLiteral(".hidden"), "y"}})
                .json()
                .value(QStringLiteral("files"))
                .toArray();
        QCOMPARE(files.size(), 2);
        const QString canonicalUploads = QFileInfo(f.options.uploadDir).canonicalFilePath();
        for (const QJsonValue &file : files) {
            const QString path = file.toObject().value(QStringLiteral("path")).toString();
            QVERIFY2(QFileInfo(path).canonicalFilePath().startsWith(canonicalUploads + QLatin1Char('/')),
                     qPrintable(path));
        }
        QCOMPARE(files[0].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("escape.txt"));
        QCOMPARE(files[1].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("hidden"));
    }

    void uploadLimitsAndErrors()
    {
        webui::WebUiOptions options;
        options.maxUploadBytes = 1000;
        options.maxUploadFiles = 2;
        WebUiFixture f(options);
        QCOMPARE(f.upload({{QStringLiteral("ok.bin"), QByteArray(1000, 'a')}}).status, 200);
        const HttpAnswer tooBig = f.upload({{QStringLiteral("big.bin"), QByteArray(1001, 'a')}});
        QCOMPARE(tooBig.status, 413);
        QVERIFY(tooBig.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("limit")));
        QCOMPARE(
            f.upload({{QStringLiteral("a"), "1"}, {QStringLiteral("b"), "2"}, {QStringLiteral("c"), "3"}})
                .status,
            413);
        // Far beyond the limit, the HTTP layer refuses the body before reading it.
        const QByteArray huge = rawExchange(f.relay->serverPort(),
                                            "POST /upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                                QByteArray(WebUiFixture::Token) +
                                                "\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                                                "Content-Length: 999999999\r\n\r\n",
                                            1);
        QVERIFY2(huge.startsWith("HTTP/1.1 413"), huge.constData());
        QCOMPARE(f.send("POST", QStringLiteral("/upload"), "{}").status, 400); // not multipart
        // Other calls take small JSON bodies only, although the server accepts upload-sized bodies.
        QCOMPARE(
            f.send("POST", QStringLiteral("/api/hermes/sessions/x/rename"), QByteArray(1024 * 1024 + 1, ' '))
                .status,
            413);
        QCOMPARE(f.upload({}).status, 400); // no file part
        QCOMPARE(f.upload({{QStringLiteral("x"), "1"}}, false).status, 401);
        QVERIFY(QDir(f.options.uploadDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size() == 1);
    }

    void downloadServesOnlyAllowedFolders()
    {
        QTemporaryDir outside;
        QTemporaryDir allowed;
        QTemporaryDir workspace;
        QVERIFY(writeFile(outside.filePath(QStringLiteral("secret.txt")), "secret"));
        QVERIFY(writeFile(allowed.filePath(QStringLiteral("report.pdf")), "%PDF-1.4"));
        QVERIFY(writeFile(workspace.filePath(QStringLiteral("src/plot.png")), "\x89PNG"));
        webui::WebUiOptions options;
        options.allowedDirs = {allowed.path()};
        WebUiFixture f(options);
        f.addSession(QStringLiteral("ws"), 1000, {QStringLiteral("q")});
        QVERIFY(f.store->setWorkspace(QStringLiteral("ws"), workspace.path()));

        const QString uploaded = f.upload({{QStringLiteral("photo.jpg"), "jpegbytes"}})
                                     .json()
                                     .value(QStringLiteral("files"))
                                     .toArray()[0]
                                     .toObject()
                                     .value(QStringLiteral("path"))
                                     .toString();
        auto download = [&f](const QString &path, const QString &extra = {}) {
            return f.get(QStringLiteral("/api/hermes/download?path=%1%2")
                             .arg(QString::fromLatin1(QUrl::toPercentEncoding(path)), extra));
        };
        const HttpAnswer photo = download(uploaded, QStringLiteral("&name=holiday.jpg"));
        QCOMPARE(photo.status, 200);
        QCOMPARE(photo.body, QByteArray("jpegbytes"));
        QCOMPARE(photo.header("Content-Type"), QByteArray("image/jpeg"));
        QVERIFY(photo.header("Content-Disposition").startsWith("inline; filename=\"holiday.jpg\""));
        QCOMPARE(photo.header("X-Content-Type-Options"), QByteArray("nosniff"));

        const HttpAnswer pdf = download(allowed.filePath(QStringLiteral("report.pdf")));
        QCOMPARE(pdf.status, 200);
        QCOMPARE(pdf.header("Content-Type"), QByteArray("application/pdf"));
        QVERIFY(pdf.header("Content-Disposition").startsWith("attachment;"));
        QCOMPARE(download(workspace.filePath(QStringLiteral("src/plot.png"))).status, 200);

        QCOMPARE(download(outside.filePath(QStringLiteral("secret.txt"))).status, 403);
        QCOMPARE(download(QStringLiteral("/etc/passwd")).status, 403);
        QCOMPARE(download(outside.filePath(QStringLiteral("nothing.txt"))).status,
                 403); // existence not revealed
        QCOMPARE(download(allowed.filePath(QStringLiteral("nothing.txt"))).status, 404);
        QCOMPARE(download(allowed.path()).status, 404); // a folder
        QCOMPARE(download(allowed.path() + QStringLiteral("/../") + QFileInfo(outside.path()).fileName() +
                          QStringLiteral("/secret.txt"))
                     .status,
                 400);
        QCOMPARE(download(QStringLiteral("relative/path.txt")).status, 400);
        QCOMPARE(f.get(QStringLiteral("/api/hermes/download")).status, 400);
        // A link inside an allowed folder that leads out.
        QVERIFY(QFile::link(outside.filePath(QStringLiteral("secret.txt")),
                            allowed.filePath(QStringLiteral("link.txt"))));
        QCOMPARE(download(allowed.filePath(QStringLiteral("link.txt"))).status, 403);
        // The token may come in the URL (thumbnails are <img src>).
        QCOMPARE(f.get(QStringLiteral("/api/hermes/download?path=%1&token=%2")
                           .arg(QString::fromLatin1(QUrl::toPercentEncoding(uploaded)), WebUiFixture::Token),
                       false)
                     .status,
                 200);
    }

    void bigDownloadsAreStreamedWithBackPressure()
    {
        QTemporaryDir allowed;
        const QString path = allowed.filePath(QStringLiteral("big.bin"));
        QByteArray chunk(1024 * 1024, Qt::Uninitialized);
        for (int i = 0; i < chunk.size(); ++i)
            chunk[i] = char((i * 31) ^ (i >> 8));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            for (int i = 0; i < 48; ++i)
                file.write(chunk);
        }
        webui::WebUiOptions options;
        options.allowedDirs = {allowed.path()};
        WebUiFixture f(options);

        // A reader that stops reading: the server must not read the file ahead of the socket.
        QTcpSocket slow;
        slow.setReadBufferSize(64 * 1024);
        slow.connectToHost(QHostAddress::LocalHost, f.relay->serverPort());
        QVERIFY(slow.waitForConnected(5000));
        slow.write("GET /api/hermes/download?path=" + QUrl::toPercentEncoding(path) +
                   " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + QByteArray(WebUiFixture::Token) +
                   "\r\n\r\n");
        QTest::qWait(1500);
        QList<webui::FileStreamer *> streamers = f.relay->findChildren<webui::FileStreamer *>();
        QCOMPARE(streamers.size(), 1);
        const qint64 sentWhileStalled = streamers[0]->bytesSent();
        qInfo("file bytes handed to the socket while the reader was stalled: %lld of %lld", sentWhileStalled,
              qint64(48) * chunk.size());
        QVERIFY(sentWhileStalled < 24 * 1024 * 1024);

        // Then it all arrives, chunked, intact.
        QByteArray received;
        QElapsedTimer clock;
        clock.start();
        slow.setReadBufferSize(0);
        while (clock.elapsed() < 30000 && !received.endsWith("\r\n0\r\n\r\n")) {
            QTest::qWait(5);
            received += slow.readAll();
        }
        const qsizetype headEnd = received.indexOf("\r\n\r\n");
        QVERIFY(headEnd > 0);
        const QByteArray head = received.left(headEnd);
        QVERIFY2(head.startsWith("HTTP/1.1 200"), head.constData());
        QVERIFY(head.contains("Transfer-Encoding: chunked"));
        QByteArray body;
        qsizetype pos = headEnd + 4;
        while (true) {
            const qsizetype lineEnd = received.indexOf("\r\n", pos);
            QVERIFY(lineEnd > 0);
            bool ok = false;
            const qsizetype size = received.mid(pos, lineEnd - pos).toLongLong(&ok, 16);
            QVERIFY(ok);
            if (size == 0)
                break;
            body += received.mid(lineEnd + 2, size);
            pos = lineEnd + 2 + size + 2;
        }
        QCOMPARE(body.size(), qsizetype(48) * chunk.size());
        QCOMPARE(body.left(chunk.size()), chunk);
        QCOMPARE(body.right(chunk.size()), chunk);
    }

    void peerLeavingMidDownloadStopsTheStream()
    {
        QTemporaryDir allowed;
        const QString path = allowed.filePath(QStringLiteral("big.bin"));
        QVERIFY(writeFile(path, QByteArray(16 * 1024 * 1024, 'q')));
        webui::WebUiOptions options;
        options.allowedDirs = {allowed.path()};
        WebUiFixture f(options);
        {
            QTcpSocket socket;
            socket.setReadBufferSize(16 * 1024);
            socket.connectToHost(QHostAddress::LocalHost, f.relay->serverPort());
            QVERIFY(socket.waitForConnected(5000));
            socket.write("GET /api/hermes/download?path=" + QUrl::toPercentEncoding(path) +
                         " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + QByteArray(WebUiFixture::Token) +
                         "\r\n\r\n");
            QVERIFY(QTest::qWaitFor(
                [&f] { return !f.relay->findChildren<webui::FileStreamer *>().isEmpty(); }, 5000));
            socket.abort();
        }
        QVERIFY(
            QTest::qWaitFor([&f] { return f.relay->findChildren<webui::FileStreamer *>().isEmpty(); }, 5000));
        // The server still answers.
        QCOMPARE(f.get(QStringLiteral("/health"), false).status, 200);
    }

    void agentInfoEndpoints()
    {
        webui::WebUiOptions options;
        options.showReasoning = true;
        WebUiFixture f(options);
        const QJsonArray profiles =
            f.get(QStringLiteral("/api/hermes/profiles")).json().value(QStringLiteral("profiles")).toArray();
        QCOMPARE(profiles.size(), 1);
        QCOMPARE(profiles[0].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("default"));
        QCOMPARE(profiles[0].toObject().value(QStringLiteral("active")), QJsonValue(true));
        const QJsonObject display =
            f.get(QStringLiteral("/api/hermes/config")).json().value(QStringLiteral("display")).toObject();
        QCOMPARE(display.value(QStringLiteral("show_reasoning")), QJsonValue(true));
        QCOMPARE(display.value(QStringLiteral("bell_on_complete")), QJsonValue(false));
        const QJsonObject files = f.get(QStringLiteral("/api/hermes/files/list")).json();
        QVERIFY(files.value(QStringLiteral("entries")).isArray());
        QVERIFY(files.value(QStringLiteral("path")).isString());
        // No agent yet: the page still gets a number.
        QVERIFY(f.get(QStringLiteral("/api/hermes/sessions/context-length"))
                    .json()
                    .value(QStringLiteral("context_length"))
                    .toInteger() > 0);
    }

    void modelsAnswerWithinTheDeadlineWhenTheAgentHangs()
    {
        // An "agent" that accepts connections and never answers.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        QList<QTcpSocket *> held;
        connect(&silent, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *s = silent.nextPendingConnection())
                held.append(s);
        });
        webui::WebUiOptions options;
        options.modelsDeadlineMs = 700;
        WebUiFixture f(options, QUrl(QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort())));
        const HttpAnswer a = f.get(QStringLiteral("/api/hermes/available-models"));
        QCOMPARE(a.status, 200);
        QVERIFY2(a.elapsedMs < 3000, qPrintable(QString::number(a.elapsedMs)));
        const QJsonObject models = a.json();
        QCOMPARE(models.value(QStringLiteral("default")).toString(), QStringLiteral("test-model"));
        QCOMPARE(models.value(QStringLiteral("default_provider")).toString(), QStringLiteral("default"));
        const QJsonObject group = models.value(QStringLiteral("groups")).toArray()[0].toObject();
        QCOMPARE(group.value(QStringLiteral("label")).toString(), QStringLiteral("Test agent"));
        QCOMPARE(group.value(QStringLiteral("models")).toArray(), QJsonArray{QStringLiteral("test-model")});
        QVERIFY(!a.body.contains("agent-secret-key"));
        QCOMPARE(f.get(QStringLiteral("/api/hermes/sessions/context-length"))
                     .json()
                     .value(QStringLiteral("context_length"))
                     .toInteger(),
                 64000);
        qDeleteAll(held);
    }

    void corsOnlyForConfiguredOrigins()
    {
        webui::WebUiOptions options;
        options.corsOrigins = {QStringLiteral("http://localhost:5173")};
        WebUiFixture f(options);
        QNetworkRequest allowed = f.request(QStringLiteral("/api/hermes/config"));
        allowed.setRawHeader("Origin", "http://localhost:5173");
        const HttpAnswer yes = f.wait(f.nam.get(allowed));
        QCOMPARE(yes.header("Access-Control-Allow-Origin"), QByteArray("http://localhost:5173"));
        QCOMPARE(yes.header("Access-Control-Expose-Headers"), QByteArray("Content-Disposition"));
        QNetworkRequest other = f.request(QStringLiteral("/api/hermes/config"));
        other.setRawHeader("Origin", "http://evil.example");
        const HttpAnswer no = f.wait(f.nam.get(other));
        QCOMPARE(no.status, 200);
        QVERIFY(no.header("Access-Control-Allow-Origin").isEmpty());

        // Preflight: no token, JSON body, methods and headers of the page.
        QNetworkRequest preflight = f.request(QStringLiteral("/api/hermes/sessions/x/rename"), false);
        preflight.setRawHeader("Origin", "http://localhost:5173");
        preflight.setRawHeader("Access-Control-Request-Method", "POST");
        const HttpAnswer p = f.wait(f.nam.sendCustomRequest(preflight, "OPTIONS"));
        QCOMPARE(p.status, 200);
        QVERIFY(p.isJson());
        QCOMPARE(p.header("Access-Control-Allow-Methods"), QByteArray("GET, POST, PUT, DELETE"));
        QVERIFY(p.header("Access-Control-Allow-Headers").contains("x-hermes-profile"));
        QVERIFY(p.header("Access-Control-Allow-Headers").contains("authorization"));
        preflight.setRawHeader("Origin", "http://evil.example");
        QVERIFY(f.wait(f.nam.sendCustomRequest(preflight, "OPTIONS"))
                    .header("Access-Control-Allow-Origin")
                    .isEmpty());
    }

    void keepAliveAndChunkedRequestBodies()
    {
        WebUiFixture f;
        f.addSession(QStringLiteral("k"), 1000, {QStringLiteral("q")});
        const QByteArray auth = "Authorization: Bearer " + QByteArray(WebUiFixture::Token) + "\r\n";
        const QByteArray chunkedBody = "{\"title\":\"Chunked\"}";
        const QByteArray requests = "GET /api/hermes/profiles HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n" +
                                    "POST /api/hermes/sessions/k/rename HTTP/1.1\r\nHost: x\r\n" + auth +
                                    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                                    QByteArray::number(chunkedBody.size(), 16) + "\r\n" + chunkedBody +
                                    "\r\n0\r\n\r\n" + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
        const QByteArray answers = rawExchange(f.relay->serverPort(), requests, 3);
        QCOMPARE(answers.count("HTTP/1.1 200 OK"), 3);
        QVERIFY(!answers.contains("Connection: close"));
        QCOMPARE(f.store->session(QStringLiteral("k"))->title, QStringLiteral("Chunked"));
    }

    void socketIoStillAnswersBesideTheApi()
    {
        WebUiFixture f;
        const HttpAnswer open = f.get(QStringLiteral("/socket.io/?EIO=4&transport=polling"), false);
        QCOMPARE(open.status, 200);
        QVERIFY2(open.body.startsWith("0{"), open.body.constData());
    }
};

QTEST_GUILESS_MAIN(TestWebUiServer)
#include "tst_webui_server.moc"
