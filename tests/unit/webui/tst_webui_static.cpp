// The user's built web UI served at "/": index.html, content types, caching of hashed assets, client
// routes, and nothing outside the folder; without a folder, "/" says what the server is.
#include "WebUiFixture.h"

#include "webui/AllowedFolders.h"
#include "webui/ContentTypes.h"
#include "webui/StaticFiles.h"
#include "webui/UploadStore.h"

#include <QDir>
#include <QFile>

using namespace caduceus;
using caduceus::test::HttpAnswer;
using caduceus::test::WebUiFixture;

namespace {

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// A folder shaped like hermes-web-ui's dist/client.
struct BuiltClient
{
    QTemporaryDir dir;
    QTemporaryDir outside;

    BuiltClient()
    {
        writeFile(dir.filePath(QStringLiteral("index.html")), "<!doctype html><div id=app></div>");
        writeFile(dir.filePath(QStringLiteral("favicon.ico")), "ico");
        writeFile(dir.filePath(QStringLiteral("assets/index-BhK3s2dA.js")), "console.log('app')");
        writeFile(dir.filePath(QStringLiteral("assets/index-Cx9_-aZq.css")), "body{}");
        writeFile(dir.filePath(QStringLiteral("assets/fonts/inter-Q1w2E3r4.woff2")), "font");
        writeFile(dir.filePath(QStringLiteral("assets/logo.svg")), "<svg/>");
        writeFile(dir.filePath(QStringLiteral(".env")), "SECRET=1");
        writeFile(dir.filePath(QStringLiteral("big/bundle.js")), QByteArray(3 * 1024 * 1024, 'x'));
        writeFile(outside.filePath(QStringLiteral("secret.txt")), "secret");
        QFile::link(outside.filePath(QStringLiteral("secret.txt")), dir.filePath(QStringLiteral("leak.txt")));
    }
};

} // namespace

class TestWebUiStatic : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void checkRootExplainsWhatIsWrong()
    {
        QTemporaryDir empty;
        QVERIFY(StaticFilesCheck(empty.path()).contains(QStringLiteral("index.html")));
        QVERIFY(StaticFilesCheck(empty.filePath(QStringLiteral("missing")))
                    .contains(QStringLiteral("does not exist")));
        BuiltClient client;
        QVERIFY(StaticFilesCheck(client.dir.path()).isEmpty());
    }

    void servesTheClientWithTypesAndCaching()
    {
        BuiltClient client;
        webui::WebUiOptions options;
        options.staticDir = client.dir.path();
        WebUiFixture f(options);

        QNetworkRequest page = f.request(QStringLiteral("/"), false);
        page.setRawHeader("Accept", "text/html,application/xhtml+xml");
        const HttpAnswer index = f.wait(f.nam.get(page));
        QCOMPARE(index.status, 200);
        QCOMPARE(index.body, QByteArray("<!doctype html><div id=app></div>"));
        QCOMPARE(index.header("Content-Type"), QByteArray("text/html; charset=utf-8"));
        QCOMPARE(index.header("Cache-Control"), QByteArray("no-cache"));
        QVERIFY(!index.header("ETag").isEmpty());

        const HttpAnswer js = f.get(QStringLiteral("/assets/index-BhK3s2dA.js"), false);
        QCOMPARE(js.status, 200);
        QCOMPARE(js.header("Content-Type"), QByteArray("text/javascript; charset=utf-8"));
        QCOMPARE(js.header("Cache-Control"), QByteArray("public, max-age=31536000, immutable"));
        QCOMPARE(f.get(QStringLiteral("/assets/index-Cx9_-aZq.css"), false).header("Content-Type"),
                 QByteArray("text/css; charset=utf-8"));
        QCOMPARE(f.get(QStringLiteral("/assets/fonts/inter-Q1w2E3r4.woff2"), false).header("Cache-Control"),
                 QByteArray("public, max-age=31536000, immutable"));
        const HttpAnswer svg = f.get(QStringLiteral("/assets/logo.svg"), false);
        QCOMPARE(svg.header("Content-Type"), QByteArray("image/svg+xml"));
        QCOMPARE(svg.header("Cache-Control"), QByteArray("no-cache")); // not hashed
        QCOMPARE(f.get(QStringLiteral("/favicon.ico"), false).header("Content-Type"),
                 QByteArray("image/x-icon"));

        // Revalidation.
        QNetworkRequest again = f.request(QStringLiteral("/"), false);
        again.setRawHeader("If-None-Match", index.header("ETag"));
        again.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
        QCOMPARE(f.wait(f.nam.get(again)).status, 304);
    }

    void clientRoutesGetThePageUnknownFilesA404()
    {
        BuiltClient client;
        webui::WebUiOptions options;
        options.staticDir = client.dir.path();
        WebUiFixture f(options);
        QNetworkRequest route = f.request(QStringLiteral("/hermes/chat"), false);
        route.setRawHeader("Accept", "text/html");
        const HttpAnswer page = f.wait(f.nam.get(route));
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.startsWith("<!doctype html>"));
        const HttpAnswer missing = f.get(QStringLiteral("/assets/missing-12345678.js"), false);
        QCOMPARE(missing.status, 404);
        QCOMPARE(missing.json().value(QStringLiteral("error")).toString(), QStringLiteral("Not found"));
        // An API path never falls back to the page.
        QNetworkRequest api = f.request(QStringLiteral("/api/hermes/unknown"));
        api.setRawHeader("Accept", "text/html");
        QCOMPARE(f.wait(f.nam.get(api)).status, 404);
    }

    void nothingOutsideTheFolder()
    {
        BuiltClient client;
        webui::WebUiOptions options;
        options.staticDir = client.dir.path();
        WebUiFixture f(options);
        const QString outsideName = QFileInfo(client.outside.path()).fileName();
        for (const QByteArray &target :
             {QByteArray("/../") + outsideName.toUtf8() + "/secret.txt",
              QByteArray("/%2e%2e/%2e%2e/etc/passwd"),
              QByteArray("/assets/..%2f..%2f") + outsideName.toUtf8() + "%2fsecret.txt", QByteArray("/.env"),
              QByteArray("/leak.txt"), QByteArray("/assets/%5c..%5csecret.txt")}) {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, f.relay->serverPort());
            QVERIFY(socket.waitForConnected(5000));
            socket.write("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            QByteArray answer;
            (void)QTest::qWaitFor(
                [&] {
                    answer += socket.readAll();
                    return socket.state() == QAbstractSocket::UnconnectedState || answer.contains("}");
                },
                5000);
            QVERIFY2(answer.startsWith("HTTP/1.1 404") || answer.startsWith("HTTP/1.1 400"),
                     target.constData());
            QVERIFY2(!answer.contains("secret") && !answer.contains("root:"), target.constData());
        }
    }

    void bigFilesAreStreamedAndHeadHasNoBody()
    {
        BuiltClient client;
        webui::WebUiOptions options;
        options.staticDir = client.dir.path();
        WebUiFixture f(options);
        const HttpAnswer big = f.get(QStringLiteral("/big/bundle.js"), false);
        QCOMPARE(big.status, 200);
        QCOMPARE(big.body.size(), 3 * 1024 * 1024);
        QVERIFY(big.header("Content-Length").isEmpty()); // chunked
        const HttpAnswer head =
            f.wait(f.nam.head(f.request(QStringLiteral("/assets/index-BhK3s2dA.js"), false)));
        QCOMPARE(head.status, 200);
        QVERIFY(head.body.isEmpty());
        QCOMPARE(head.header("Content-Length"), QByteArray("18"));
    }

    void withoutAFolderTheRootDescribesTheServer()
    {
        WebUiFixture f;
        QNetworkRequest browser = f.request(QStringLiteral("/"), false);
        browser.setRawHeader("Accept", "text/html");
        const HttpAnswer html = f.wait(f.nam.get(browser));
        QCOMPARE(html.status, 200);
        QVERIFY(html.header("Content-Type").startsWith("text/html"));
        QVERIFY(html.body.contains("/chat-run"));
        QVERIFY(html.body.contains("--web-ui"));
        const HttpAnswer json = f.get(QStringLiteral("/"), false);
        QCOMPARE(json.status, 200);
        QCOMPARE(json.json().value(QStringLiteral("web_ui")), QJsonValue(false));
        QCOMPARE(json.json()
                     .value(QStringLiteral("socket_io"))
                     .toObject()
                     .value(QStringLiteral("namespace"))
                     .toString(),
                 QStringLiteral("/chat-run"));
        QCOMPARE(f.get(QStringLiteral("/index.html"), false).status, 404);
    }

    void hashedAssetRule_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("hashed");
        QTest::newRow("vite js") << QStringLiteral("assets/index-BhK3s2dA.js") << true;
        QTest::newRow("vite nested") << QStringLiteral("assets/chunks/ChatView-a1B2c3D4.js") << true;
        QTest::newRow("dot hash") << QStringLiteral("assets/main.3f2a1b9c.css") << true;
        QTest::newRow("index") << QStringLiteral("index.html") << false;
        QTest::newRow("root js") << QStringLiteral("sw-BhK3s2dA.js") << false;
        QTest::newRow("short") << QStringLiteral("assets/app-abc.js") << false;
        QTest::newRow("no hash") << QStringLiteral("assets/logo.svg") << false;
    }

    void hashedAssetRule()
    {
        QFETCH(QString, path);
        QFETCH(bool, hashed);
        QCOMPARE(webui::StaticFiles::isHashedAsset(path), hashed);
    }

    void contentTypesAndDisposition()
    {
        QCOMPARE(webui::ContentTypes::forFileName(QStringLiteral("a.PNG")), QByteArray("image/png"));
        QCOMPARE(webui::ContentTypes::forFileName(QStringLiteral("x.mjs")),
                 QByteArray("text/javascript; charset=utf-8"));
        QCOMPARE(webui::ContentTypes::forFileName(QStringLiteral("no-extension")),
                 QByteArray("application/octet-stream"));
        QVERIFY(webui::ContentTypes::isSafeInline("image/png"));
        QVERIFY(!webui::ContentTypes::isSafeInline("image/svg+xml"));
        QVERIFY(!webui::ContentTypes::isSafeInline("text/html; charset=utf-8"));
        const QByteArray d = webui::ContentTypes::contentDisposition(QStringLiteral("résumé \"v2\".pdf"));
        QCOMPARE(d, QByteArray("attachment; filename=\"r_sum_ _v2_.pdf\"; "
                               "filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.pdf"));
        QVERIFY(
            !webui::ContentTypes::contentDisposition(QStringLiteral("a\r\nSet-Cookie: x")).contains('\n'));
    }

    void safeUploadNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("safe");
        QTest::newRow("plain") << QStringLiteral("report.pdf") << QStringLiteral("report.pdf");
        QTest::newRow("path") << QStringLiteral("../../etc/passwd") << QStringLiteral("passwd");
        QTest::newRow("windows path") << QStringLiteral("C:\\x\\y.txt") << QStringLiteral("y.txt");
        QTest::newRow("dots") << QStringLiteral("..") << QStringLiteral("file");
        QTest::newRow("hidden") << QStringLiteral(".bashrc") << QStringLiteral("bashrc");
        QTest::newRow("reserved") << QStringLiteral("CON.txt") << QStringLiteral("_CON.txt");
        QTest::newRow("controls") << QStringLiteral("a\nb:c?.txt") << QStringLiteral("a_b_c_.txt");
        QTest::newRow("empty") << QString() << QStringLiteral("file");
        QTest::newRow("unicode") << QStringLiteral("照片.jpg") << QStringLiteral("照片.jpg");
    }

    void safeUploadNames()
    {
        QFETCH(QString, name);
        QFETCH(QString, safe);
        QCOMPARE(webui::UploadStore::safeFileName(name), safe);
    }

    void longUploadNamesKeepTheirExtension()
    {
        const QString safe =
            webui::UploadStore::safeFileName(QString(300, QLatin1Char('n')) + QStringLiteral(".tar"));
        QCOMPARE(safe.size(), 200);
        QVERIFY(safe.endsWith(QStringLiteral(".tar")));
    }

    void allowedFolderRules()
    {
        QTemporaryDir root;
        writeFile(root.filePath(QStringLiteral("in/a.txt")), "a");
        writeFile(root.filePath(QStringLiteral("out/b.txt")), "b");
        const QStringList folders{root.filePath(QStringLiteral("in"))};
        using V = webui::AllowedFolders::Verdict;
        QCOMPARE(webui::AllowedFolders::check(root.filePath(QStringLiteral("in/a.txt")), folders).verdict,
                 V::Allowed);
        QCOMPARE(webui::AllowedFolders::check(root.filePath(QStringLiteral("out/b.txt")), folders).verdict,
                 V::Forbidden);
        QCOMPARE(
            webui::AllowedFolders::check(root.filePath(QStringLiteral("in/../out/b.txt")), folders).verdict,
            V::Invalid);
        QCOMPARE(webui::AllowedFolders::check(root.filePath(QStringLiteral("in/zz.txt")), folders).verdict,
                 V::Missing);
        QCOMPARE(webui::AllowedFolders::check(root.filePath(QStringLiteral("in")), folders).verdict,
                 V::NotAFile);
        // A sibling whose name starts like the allowed folder is outside it.
        writeFile(root.filePath(QStringLiteral("in-other/c.txt")), "c");
        QCOMPARE(
            webui::AllowedFolders::check(root.filePath(QStringLiteral("in-other/c.txt")), folders).verdict,
            V::Forbidden);
        // The file system root is never an allowed folder.
        QCOMPARE(webui::AllowedFolders::check(QStringLiteral("/etc/hostname"), {QStringLiteral("/")}).verdict,
                 V::Forbidden);
    }

private:
    static QString StaticFilesCheck(const QString &dir) { return webui::StaticFiles::checkRoot(dir); }
};

QTEST_GUILESS_MAIN(TestWebUiStatic)
#include "tst_webui_static.moc"
