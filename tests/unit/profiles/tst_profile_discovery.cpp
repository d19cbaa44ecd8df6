#include "hermes/ProfileDiscovery.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using caduceus::hermes::AgentProfile;
using caduceus::hermes::ProfileDiscovery;

namespace {

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
    file.write(content);
}

const AgentProfile *findProfile(const QList<AgentProfile> &profiles, const QString &name)
{
    for (const AgentProfile &p : profiles) {
        if (p.name == name)
            return &p;
    }
    return nullptr;
}

} // namespace

class TestProfileDiscovery : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;

    void makeHome()
    {
        const QString home = m_home.path();
        writeFile(home + QStringLiteral("/.env"),
                  "# Hermes settings\r\nOPENROUTER_API_KEY=sk-or-secret\r\nAPI_SERVER_KEY=default-key\r\n");
        writeFile(home + QStringLiteral("/config.yaml"), "model:\n  default: anthropic/claude-sonnet-4\n  "
                                                         "provider: openrouter\n  context_length: 200000\n");
        writeFile(home + QStringLiteral("/profiles/coder/.env"),
                  "export API_SERVER_KEY=\"coder key with \\\"quotes\\\"\"\n"
                  "API_SERVER_PORT=8650 # the coder port\n"
                  "API_SERVER_HOST='0.0.0.0'\n");
        writeFile(home + QStringLiteral("/profiles/coder/config.yaml"), "model: qwen/qwen3-coder\n");
        writeFile(home + QStringLiteral("/profiles/coder/state.db"), "");
        writeFile(home + QStringLiteral("/profiles/writer/.env"),
                  "API_SERVER_PORT=8651\nAPI_SERVER_KEY=writer\n");
        writeFile(home + QStringLiteral("/profiles/writer/config.yaml"), "model: {default: [unclosed\n");
        writeFile(home + QStringLiteral("/active_profile"), "writer\n");
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        makeHome();
    }

    void discoversDefaultAndNamedProfiles()
    {
        QString error;
        const QList<AgentProfile> profiles = ProfileDiscovery::discover(m_home.path(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(profiles.size(), 3);
        // Active first, then by name.
        QCOMPARE(profiles.at(0).name, QStringLiteral("writer"));
        QVERIFY(profiles.at(0).active);
        QCOMPARE(profiles.at(1).name, QStringLiteral("coder"));
        QCOMPARE(profiles.at(2).name, QStringLiteral("default"));
        QVERIFY(!profiles.at(1).active && !profiles.at(2).active);
    }

    void readsDefaultProfile()
    {
        const QList<AgentProfile> profiles = ProfileDiscovery::discover(m_home.path());
        const AgentProfile *p = findProfile(profiles, QStringLiteral("default"));
        QVERIFY(p);
        QCOMPARE(p->directory, QDir(m_home.path()).absolutePath());
        QCOMPARE(p->apiKey, QStringLiteral("default-key"));
        QCOMPARE(p->port, 8642);
        QCOMPARE(p->host, QStringLiteral("127.0.0.1"));
        QCOMPARE(p->defaultModel, QStringLiteral("anthropic/claude-sonnet-4"));
        QCOMPARE(p->contextLength, 200000);
        QCOMPARE(p->stateDbPath, QDir(m_home.path()).filePath(QStringLiteral("state.db")));
        QVERIFY2(p->warnings.isEmpty(), qPrintable(p->warnings.join(u'\n')));
        QCOMPARE(p->baseUrl(), QUrl(QStringLiteral("http://127.0.0.1:8642")));
    }

    void readsQuotedEnvValuesAndBindAllHost()
    {
        const QList<AgentProfile> profiles = ProfileDiscovery::discover(m_home.path());
        const AgentProfile *p = findProfile(profiles, QStringLiteral("coder"));
        QVERIFY(p);
        QCOMPARE(p->apiKey, QStringLiteral("coder key with \"quotes\""));
        QCOMPARE(p->port, 8650);
        QCOMPARE(p->host, QStringLiteral("0.0.0.0"));
        QCOMPARE(p->baseUrl(), QUrl(QStringLiteral("http://127.0.0.1:8650")));
        QCOMPARE(p->defaultModel, QStringLiteral("qwen/qwen3-coder"));
        QCOMPARE(p->contextLength, 0);
        QVERIFY(p->stateDbPath.endsWith(QStringLiteral("profiles/coder/state.db")));
    }

    void brokenYamlIsAWarningNotACrash()
    {
        const QList<AgentProfile> profiles = ProfileDiscovery::discover(m_home.path());
        const AgentProfile *p = findProfile(profiles, QStringLiteral("writer"));
        QVERIFY(p);
        QCOMPARE(p->port, 8651); // the .env was still read
        QCOMPARE(p->apiKey, QStringLiteral("writer"));
        QVERIFY(p->defaultModel.isEmpty());
        QCOMPARE(p->warnings.size(), 1);
        QVERIFY2(p->warnings.first().contains(QStringLiteral("profiles/writer/config.yaml")),
                 qPrintable(p->warnings.first()));
        QVERIFY2(p->warnings.first().contains(QStringLiteral("not valid YAML")),
                 qPrintable(p->warnings.first()));
    }

    void secretsNeverAppearInWarnings()
    {
        QTemporaryDir home;
        writeFile(home.path() + QStringLiteral("/.env"),
                  "API_SERVER_KEY=\"never-closed-secret\nAPI_SERVER_PORT=99999\n");
        const QList<AgentProfile> profiles = ProfileDiscovery::discover(home.path());
        QCOMPARE(profiles.size(), 1);
        const QString all = profiles.first().warnings.join(u'\n');
        QVERIFY(!all.isEmpty());
        QVERIFY(!all.contains(QStringLiteral("never-closed-secret")));
        QVERIFY(profiles.first().apiKey.isEmpty());
    }

    void missingHomeIsAnError()
    {
        QString error;
        const QString missing = m_home.path() + QStringLiteral("/does-not-exist");
        QVERIFY(ProfileDiscovery::discover(missing, &error).isEmpty());
        QVERIFY(error.contains(missing));
        QVERIFY(error.contains(QStringLiteral("does not exist")));
    }

    void emptyHomeIsAnError()
    {
        QTemporaryDir empty;
        QString error;
        QVERIFY(ProfileDiscovery::discover(empty.path(), &error).isEmpty());
        QVERIFY(error.contains(QStringLiteral("No Hermes profile")));
    }

    void activeProfileName()
    {
        QTemporaryDir home;
        QCOMPARE(ProfileDiscovery::activeProfileName(home.path()), QStringLiteral("default"));
        writeFile(home.path() + QStringLiteral("/active_profile"), "  \n");
        QCOMPARE(ProfileDiscovery::activeProfileName(home.path()), QStringLiteral("default"));
        writeFile(home.path() + QStringLiteral("/active_profile"), "research\r\n");
        QCOMPARE(ProfileDiscovery::activeProfileName(home.path()), QStringLiteral("research"));
        for (const QByteArray &unsafe : {QByteArray("../etc"), QByteArray(".."), QByteArray("a/b"),
                                         QByteArray("a\\b"), QByteArray(".hidden"), QByteArray("/abs")}) {
            writeFile(home.path() + QStringLiteral("/active_profile"), unsafe);
            QCOMPARE(ProfileDiscovery::activeProfileName(home.path()), QStringLiteral("default"));
        }
    }

    void unsafeActiveProfileFallsBackWithWarning()
    {
        QTemporaryDir home;
        writeFile(home.path() + QStringLiteral("/config.yaml"), "model: x\n");
        writeFile(home.path() + QStringLiteral("/profiles/ok/.env"), "API_SERVER_PORT=9000\n");
        writeFile(home.path() + QStringLiteral("/active_profile"), "../../outside");
        const QList<AgentProfile> profiles = ProfileDiscovery::discover(home.path());
        QCOMPARE(profiles.size(), 2);
        QCOMPARE(profiles.first().name, QStringLiteral("default"));
        QVERIFY(profiles.first().active);
        QVERIFY(profiles.first().warnings.join(u'\n').contains(QStringLiteral("not a valid profile name")));
    }

    void activeProfileThatDoesNotExist()
    {
        QTemporaryDir home;
        writeFile(home.path() + QStringLiteral("/.env"), "API_SERVER_KEY=k\n");
        writeFile(home.path() + QStringLiteral("/active_profile"), "gone");
        const QList<AgentProfile> profiles = ProfileDiscovery::discover(home.path());
        QCOMPARE(profiles.size(), 1);
        QVERIFY(profiles.first().active);
        QVERIFY(profiles.first().warnings.join(u'\n').contains(QStringLiteral("\"gone\"")));
    }

    void homeWithoutDefaultFilesListsOnlyNamedProfiles()
    {
        QTemporaryDir home;
        writeFile(home.path() + QStringLiteral("/profiles/solo/.env"), "API_SERVER_PORT=8700\n");
        QDir(home.path()).mkpath(QStringLiteral("profiles/.git"));
        QDir(home.path()).mkpath(QStringLiteral("profiles/bad name"));
        const QList<AgentProfile> profiles = ProfileDiscovery::discover(home.path());
        QCOMPARE(profiles.size(), 1);
        QCOMPARE(profiles.first().name, QStringLiteral("solo"));
        QCOMPARE(profiles.first().port, 8700);
        QVERIFY(!profiles.first().active); // active_profile says "default", which does not exist
    }

    void profileWithoutEnvWarns()
    {
        QTemporaryDir home;
        writeFile(home.path() + QStringLiteral("/state.db"), "");
        const QList<AgentProfile> profiles = ProfileDiscovery::discover(home.path());
        QCOMPARE(profiles.size(), 1);
        QVERIFY(profiles.first().warnings.join(u'\n').contains(QStringLiteral(".env does not exist")));
    }

    void oversizedFilesAreIgnored()
    {
        QTemporaryDir home;
        writeFile(home.path() + QStringLiteral("/.env"), "API_SERVER_KEY=k\n");
        writeFile(home.path() + QStringLiteral("/config.yaml"),
                  QByteArray(ProfileDiscovery::MaxFileBytes + 10, '#'));
        const QList<AgentProfile> profiles = ProfileDiscovery::discover(home.path());
        QCOMPARE(profiles.size(), 1);
        QVERIFY(profiles.first().warnings.join(u'\n').contains(QStringLiteral("larger than 1 MB")));
    }

    void dotEnvSyntax()
    {
        QStringList warnings;
        const QMap<QString, QString> env = ProfileDiscovery::parseDotEnv(
            "\xEF\xBB\xBF# comment\n"
            "PLAIN=value\n"
            "SPACED = spaced value   \n"
            "INLINE=abc # comment\n"
            "HASH=abc#notcomment\n"
            "export EXPORTED=yes\n"
            "SINGLE='it''s # literal \\n'\n"
            "DOUBLE=\"tab\\there\\nnext \\\"q\\\" \\\\ \\$HOME\" # trailing comment\n"
            "MULTI=\"line one\nline two\"\n"
            "EMPTY=\n"
            "CRLF=windows\r\n"
            "DUP=first\nDUP=second\n"
            "not a pair\n"
            "9BAD=x\n",
            &warnings);
        QCOMPARE(env.value(QStringLiteral("PLAIN")), QStringLiteral("value"));
        QCOMPARE(env.value(QStringLiteral("SPACED")), QStringLiteral("spaced value"));
        QCOMPARE(env.value(QStringLiteral("INLINE")), QStringLiteral("abc"));
        QCOMPARE(env.value(QStringLiteral("HASH")), QStringLiteral("abc#notcomment"));
        QCOMPARE(env.value(QStringLiteral("EXPORTED")), QStringLiteral("yes"));
        QCOMPARE(env.value(QStringLiteral("SINGLE")), QStringLiteral("it"));
        QCOMPARE(env.value(QStringLiteral("DOUBLE")), QStringLiteral("tab\there\nnext \"q\" \\ $HOME"));
        QCOMPARE(env.value(QStringLiteral("MULTI")), QStringLiteral("line one\nline two"));
        QVERIFY(env.contains(QStringLiteral("EMPTY")));
        QCOMPARE(env.value(QStringLiteral("EMPTY")), QString());
        QCOMPARE(env.value(QStringLiteral("CRLF")), QStringLiteral("windows"));
        QCOMPARE(env.value(QStringLiteral("DUP")), QStringLiteral("second"));
        QVERIFY(!env.contains(QStringLiteral("9BAD")));
        // SINGLE's "'s # literal \n'" tail, "not a pair" and "9BAD" each give one warning, with line numbers.
        QCOMPARE(warnings.size(), 3);
        QVERIFY(warnings.at(0).contains(QStringLiteral("line 7")));
        QVERIFY(warnings.at(1).contains(QStringLiteral("line 15")));
        QVERIFY(warnings.at(2).contains(QStringLiteral("line 16")));
    }

    void singleQuotesAreLiteral()
    {
        const QMap<QString, QString> env = ProfileDiscovery::parseDotEnv("KEY='a \\n \"b\" # c'\n");
        QCOMPARE(env.value(QStringLiteral("KEY")), QStringLiteral("a \\n \"b\" # c"));
    }

    void dotEnvIsBounded()
    {
        QByteArray big = "FIRST=1\n";
        big += QByteArray(ProfileDiscovery::MaxFileBytes, '#');
        big += "\nLAST=2\n";
        QStringList warnings;
        const QMap<QString, QString> env = ProfileDiscovery::parseDotEnv(big, &warnings);
        QCOMPARE(env.value(QStringLiteral("FIRST")), QStringLiteral("1"));
        QVERIFY(!env.contains(QStringLiteral("LAST")));
        QVERIFY(warnings.join(u'\n').contains(QStringLiteral("1 MB")));
    }

    void dotEnvGarbageNeverCrashes()
    {
        QRandomGenerator random(7);
        const QByteArray alphabet("AB_=\"'\\#\n\r export\t\xC3\xA9");
        for (int round = 0; round < 3000; ++round) {
            QByteArray text;
            const int length = int(random.bounded(0, 60));
            for (int i = 0; i < length; ++i)
                text += alphabet.at(random.bounded(alphabet.size()));
            QStringList warnings;
            ProfileDiscovery::parseDotEnv(text, &warnings);
        }
    }

    void configYamlShapes_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("model");
        QTest::addColumn<qint64>("contextLength");
        QTest::addColumn<bool>("hasError");
        QTest::newRow("mapping") << QByteArray("model:\n  default: gpt-5\n  context_length: 128000\n")
                                 << QStringLiteral("gpt-5") << qint64(128000) << false;
        QTest::newRow("string") << QByteArray("model: \"hermes-4\"\n") << QStringLiteral("hermes-4")
                                << qint64(0) << false;
        QTest::newRow("underscored number")
            << QByteArray("model:\n  default: m\n  context_length: 1_000_000\n") << QStringLiteral("m")
            << qint64(1000000) << false;
        QTest::newRow("quoted number")
            << QByteArray("model:\n  context_length: '32768'\n") << QString() << qint64(32768) << false;
        QTest::newRow("empty file") << QByteArray() << QString() << qint64(0) << false;
        QTest::newRow("no model") << QByteArray("terminal:\n  backend: local\n") << QString() << qint64(0)
                                  << false;
        QTest::newRow("model null") << QByteArray("model:\n") << QString() << qint64(0) << false;
        QTest::newRow("model list") << QByteArray("model: [a, b]\n") << QString() << qint64(0) << true;
        QTest::newRow("bad context") << QByteArray("model:\n  default: m\n  context_length: lots\n")
                                     << QStringLiteral("m") << qint64(0) << true;
        QTest::newRow("negative context") << QByteArray("model:\n  default: m\n  context_length: -5\n")
                                          << QStringLiteral("m") << qint64(0) << true;
        QTest::newRow("context as map") << QByteArray("model:\n  default: m\n  context_length: {a: 1}\n")
                                        << QStringLiteral("m") << qint64(0) << true;
        QTest::newRow("default as list")
            << QByteArray("model:\n  default: [x]\n") << QString() << qint64(0) << true;
        QTest::newRow("top-level list") << QByteArray("- a\n- b\n") << QString() << qint64(0) << true;
        QTest::newRow("scalar document") << QByteArray("just words") << QString() << qint64(0) << true;
        QTest::newRow("tab indentation")
            << QByteArray("model:\n\tdefault: x\n") << QString() << qint64(0) << true;
        QTest::newRow("unclosed flow")
            << QByteArray("model: {default: [x\n") << QString() << qint64(0) << true;
        QTest::newRow("deep nesting") << QByteArray(200000, '[') << QString() << qint64(0) << true;
        QTest::newRow("binary") << QByteArray("\x00\xff\xfe model: \x01", 12) << QString() << qint64(0)
                                << true;
    }

    void configYamlShapes()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, model);
        QFETCH(qint64, contextLength);
        QFETCH(bool, hasError);
        QString error;
        const ProfileDiscovery::ModelConfig config = ProfileDiscovery::parseConfigYaml(yaml, &error);
        QCOMPARE(config.defaultModel, model);
        QCOMPARE(config.contextLength, contextLength);
        QVERIFY2(error.isEmpty() != hasError, qPrintable(error));
    }

    void baseUrl_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("url");
        QTest::newRow("loopback") << QStringLiteral("127.0.0.1") << QStringLiteral("http://127.0.0.1:8642");
        QTest::newRow("any v4") << QStringLiteral("0.0.0.0") << QStringLiteral("http://127.0.0.1:8642");
        QTest::newRow("any v6") << QStringLiteral("::") << QStringLiteral("http://127.0.0.1:8642");
        QTest::newRow("v6 loopback") << QStringLiteral("::1") << QStringLiteral("http://[::1]:8642");
        QTest::newRow("bracketed v6") << QStringLiteral("[::1]") << QStringLiteral("http://[::1]:8642");
        QTest::newRow("name") << QStringLiteral("localhost") << QStringLiteral("http://localhost:8642");
        QTest::newRow("lan") << QStringLiteral("192.168.1.20") << QStringLiteral("http://192.168.1.20:8642");
    }

    void baseUrl()
    {
        QFETCH(QString, host);
        QFETCH(QString, url);
        AgentProfile profile;
        profile.host = host;
        QCOMPARE(profile.baseUrl().toString(), url);
    }

    void defaultHermesHome()
    {
        const QByteArray saved = qgetenv("HERMES_HOME");
        qputenv("HERMES_HOME", "/opt/hermes-home/");
        QCOMPARE(ProfileDiscovery::defaultHermesHome(), QStringLiteral("/opt/hermes-home"));
        qputenv("HERMES_HOME", "~/hermes-test");
        QCOMPARE(ProfileDiscovery::defaultHermesHome(), QDir::homePath() + QStringLiteral("/hermes-test"));
        qunsetenv("HERMES_HOME");
#ifndef Q_OS_WIN
        QCOMPARE(ProfileDiscovery::defaultHermesHome(), QDir::homePath() + QStringLiteral("/.hermes"));
#endif
        if (!saved.isEmpty())
            qputenv("HERMES_HOME", saved);
    }
};

QTEST_GUILESS_MAIN(TestProfileDiscovery)
#include "tst_profile_discovery.moc"
