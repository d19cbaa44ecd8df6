// The usage report (per session, model, day), the context length the user can set per model, and session
// export (Markdown/text/JSON, full or compressed view).
#include "chat/ContextLengths.h"
#include "chat/SessionExporter.h"
#include "chat/SessionManager.h"
#include "chat/UsageReport.h"
#include "store/Database.h"
#include "store/SessionStore.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QTest>

using namespace caduceus;
using store::MessageRecord;

namespace {

// 2025-03-01 10:00 UTC and the next day (the test runs with TZ=UTC).
constexpr double Day1 = 1740823200.0;
constexpr double Day2 = Day1 + 86400.0;

} // namespace

class TestUsageExport : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_serial = 0;
    QNetworkAccessManager m_nam;
    std::unique_ptr<store::Database> m_db;
    std::unique_ptr<store::SessionStore> m_store;
    std::unique_ptr<chat::SessionManager> m_manager;

    void session(const QString &id, const QString &title)
    {
        store::SessionRecord s;
        s.id = id;
        s.title = title;
        s.createdAt = Day1;
        s.lastActive = Day2;
        QVERIFY(m_store->createSession(s));
    }

    void run(const QString &runId, const QString &sessionId, const QString &model, double startedAt,
             qint64 in, qint64 out, const QString &agentSession = QStringLiteral("eph_x"))
    {
        store::RunRecord r;
        r.runId = runId;
        r.sessionId = sessionId;
        r.agentSessionId = agentSession;
        r.profile = QStringLiteral("default");
        r.model = model;
        r.status = QStringLiteral("completed");
        r.startedAt = startedAt;
        r.endedAt = startedAt + 5;
        r.inputTokens = in;
        r.outputTokens = out;
        r.totalTokens = in + out;
        QVERIFY(m_store->upsertRun(r));
    }

    MessageRecord message(const QString &sessionId, const QString &role, const QString &content, double at,
                          const QString &reasoning = {}, const QString &toolName = {})
    {
        MessageRecord m;
        m.sessionId = sessionId;
        m.role = role;
        m.content = content;
        m.timestamp = at;
        m.reasoning = reasoning;
        m.toolName = toolName;
        m.toolCallId = toolName.isEmpty() ? QString() : QStringLiteral("call_1");
        m_store->appendMessage(m);
        return m;
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_db = std::make_unique<store::Database>(QStringLiteral("usage-%1").arg(++m_serial));
        QVERIFY(m_db->open(m_dir.filePath(QStringLiteral("u%1.db").arg(m_serial))).ok);
        m_store = std::make_unique<store::SessionStore>(*m_db);
        m_manager = std::make_unique<chat::SessionManager>(m_store.get(), &m_nam);
        hermes::AgentEndpoint endpoint;
        endpoint.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9"));
        endpoint.defaultModel = QStringLiteral("anthropic/claude-sonnet");
        endpoint.contextLength = 32768;
        m_manager->setAgent(endpoint);
    }

    void cleanup()
    {
        m_manager.reset();
        m_store.reset();
        m_db.reset();
    }

    void usagePerSessionModelAndDay()
    {
        session(QStringLiteral("s1"), QStringLiteral("Parser work"));
        session(QStringLiteral("s2"), QString());
        message(QStringLiteral("s2"), QStringLiteral("user"), QStringLiteral("Quick question about CMake"),
                Day2);
        run(QStringLiteral("r1"), QStringLiteral("s1"), QString(), Day1, 100, 50);
        run(QStringLiteral("r2"), QStringLiteral("s1"), QStringLiteral("anthropic/claude-sonnet"), Day2, 200,
            100);
        run(QStringLiteral("r3"), QStringLiteral("s2"), QStringLiteral("gpt-x"), Day2 + 60, 10, 5);
        run(QStringLiteral("r4"), QStringLiteral("s2"), QStringLiteral("gpt-x"), Day2 + 120, 0,
            0); // no usage
        run(QStringLiteral("r5"), QStringLiteral("s1"), QString(), Day2 + 180, 30, 20,
            QStringLiteral("compress_abc_123456")); // a summary run counts too

        chat::UsageReport report(m_manager.get());
        const auto sessions = report.bySession();
        QCOMPARE(sessions.size(), 2);
        QCOMPARE(sessions[0].key, QStringLiteral("s1"));
        QCOMPARE(sessions[0].label, QStringLiteral("Parser work"));
        QCOMPARE(sessions[0].runs, 3);
        QCOMPARE(sessions[0].inputTokens, 330);
        QCOMPARE(sessions[0].outputTokens, 170);
        QCOMPARE(sessions[0].totalTokens, 500);
        QCOMPARE(sessions[0].firstRunAt, Day1);
        QCOMPARE(sessions[0].lastRunAt, Day2 + 180);
        QCOMPARE(sessions[1].label,
                 QStringLiteral("Quick question about CMake")); // no title: its first words
        QCOMPARE(sessions[1].runs, 2);
        QCOMPARE(sessions[1].totalTokens, 15);

        // Runs without a model of their own count under the profile's default model.
        const auto models = report.byModel();
        QCOMPARE(models.size(), 2);
        QCOMPARE(models[0].key, QStringLiteral("anthropic/claude-sonnet"));
        QCOMPARE(models[0].runs, 3);
        QCOMPARE(models[0].totalTokens, 500);
        QCOMPARE(models[1].key, QStringLiteral("gpt-x"));
        QCOMPARE(models[1].runs, 2);

        const auto days = report.byDay();
        QCOMPARE(days.size(), 2);
        QCOMPARE(days[0].key, QStringLiteral("2025-03-02"));
        QCOMPARE(days[0].runs, 4);
        QCOMPARE(days[0].totalTokens, 365);
        QCOMPARE(days[1].key, QStringLiteral("2025-03-01"));
        QCOMPARE(days[1].totalTokens, 150);
        QCOMPARE(report.byDay(0, 0, QStringLiteral("s2")).size(), 1);

        // [since, until)
        QCOMPARE(report.total(Day2, 0).totalTokens, 365);
        QCOMPARE(report.total(0, Day2).totalTokens, 150);
        QCOMPARE(report.total().runs, 5);
        QVERIFY(report.bySession(Day2 + 10000).isEmpty());

        const QJsonArray json = chat::UsageReport::toJson(models);
        QCOMPARE(json.at(0).toObject().value("totalTokens").toInteger(), 500);
        QCOMPARE(json.at(1).toObject().value("label").toString(), QStringLiteral("gpt-x"));
    }

    void contextLengthOverridePerModel()
    {
        chat::ContextLengths lengths(m_manager.get());
        // config.yaml's value for the profile
        QCOMPARE(lengths.contextLength(QStringLiteral("default")), 32768);
        QCOMPARE(lengths.source(QStringLiteral("default")), QStringLiteral("profile"));
        QCOMPARE(lengths.modelFor(QStringLiteral("default")), QStringLiteral("anthropic/claude-sonnet"));
        // the user's override of the default model
        QVERIFY(lengths.setOverride(QStringLiteral("anthropic/claude-sonnet"), 180000));
        QCOMPARE(lengths.contextLength(QStringLiteral("default")), 180000);
        QCOMPARE(lengths.source(QStringLiteral("default")), QStringLiteral("override"));
        // another model chosen for a run is not affected
        QCOMPARE(lengths.contextLength(QStringLiteral("default"), QStringLiteral("gpt-x")), 32768);
        QVERIFY(lengths.setOverride(QStringLiteral("gpt-x"), 128000));
        QCOMPARE(lengths.contextLength(QStringLiteral("default"), QStringLiteral("gpt-x")), 128000);
        QCOMPARE(lengths.overrides().size(), 2);
        // bad values are refused with a reason, nothing changes
        QVERIFY(!lengths.setOverride(QStringLiteral("gpt-x"), 500));
        QVERIFY(!lengths.error().isEmpty());
        QVERIFY(!lengths.setOverride(QString(), 100000));
        QCOMPARE(lengths.contextLength(QStringLiteral("default"), QStringLiteral("gpt-x")), 128000);
        // 0 removes it
        QVERIFY(lengths.setOverride(QStringLiteral("gpt-x"), 0));
        QCOMPARE(lengths.contextLength(QStringLiteral("default"), QStringLiteral("gpt-x")), 32768);
        QCOMPARE(lengths.overrides().size(), 1);
        // it survives a restart (stored in the database)
        m_manager.reset();
        m_manager = std::make_unique<chat::SessionManager>(m_store.get(), &m_nam);
        hermes::AgentEndpoint endpoint;
        endpoint.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9"));
        endpoint.defaultModel = QStringLiteral("anthropic/claude-sonnet");
        m_manager->setAgent(endpoint);
        QCOMPARE(chat::ContextLengths(m_manager.get()).contextLength(QStringLiteral("default")), 180000);
        // without an agent nor an override: the default
        QCOMPARE(
            chat::ContextLengths(m_manager.get()).contextLength(QStringLiteral("other"), QStringLiteral("m")),
            200000);
    }

    void exportFullAndCompressed()
    {
        session(QStringLiteral("s1"), QStringLiteral("Parser work: split frames!"));
        const QString blocks = QStringLiteral(
            R"([{"type":"text","text":"Why does the parser drop frames?"},{"type":"image","name":"a.png","path":"/tmp/a.png"}])");
        const MessageRecord u1 = message(QStringLiteral("s1"), QStringLiteral("user"), blocks, Day1);
        message(QStringLiteral("s1"), QStringLiteral("assistant"),
                QStringLiteral("Because frames split across reads."), Day1 + 1,
                QStringLiteral("Look at the buffer.\nThen at the reads."));
        const MessageRecord t1 =
            message(QStringLiteral("s1"), QStringLiteral("tool"), QStringLiteral("```\nfake fence\n```"),
                    Day1 + 2, {}, QStringLiteral("terminal"));
        message(QStringLiteral("s1"), QStringLiteral("notice"), QStringLiteral("Allowed once"), Day1 + 3);
        const MessageRecord u2 =
            message(QStringLiteral("s1"), QStringLiteral("user"), QStringLiteral("Fix it please"), Day2);
        message(QStringLiteral("s1"), QStringLiteral("assistant"),
                QStringLiteral("Fixed: the parser keeps the tail."), Day2 + 1);

        chat::SessionExporter exporter(m_manager.get());
        auto md = exporter.exportSession(QStringLiteral("s1"), chat::SessionExporter::Format::Markdown,
                                         chat::SessionExporter::View::Full);
        QVERIFY2(md.ok, qPrintable(md.error));
        const QString text = QString::fromUtf8(md.data);
        QVERIFY(text.startsWith(
            QStringLiteral("# Parser work: split frames!\n\n[user] 2025-03-01T10:00:00Z\n\n")));
        QVERIFY(text.contains(QStringLiteral("Why does the parser drop frames?\n[Image: /tmp/a.png]")));
        QVERIFY(
            text.contains(QStringLiteral("> *Reasoning*\n>\n> Look at the buffer.\n> Then at the reads.")));
        QVERIFY(text.contains(QStringLiteral("**terminal**\n\n````\n```\nfake fence\n```\n````")));
        QVERIFY(!text.contains(QStringLiteral("Allowed once")));
        QVERIFY(text.indexOf(QStringLiteral("Fix it please")) >
                text.indexOf(QStringLiteral("Because frames")));
        QCOMPARE(md.fileName,
                 QStringLiteral("parser-work-split-frames-%1.md")
                     .arg(QDateTime::fromMSecsSinceEpoch(qint64(Day2 * 1000)).toString("yyyy-MM-dd")));
        QCOMPARE(md.mimeType, QStringLiteral("text/markdown; charset=utf-8"));
        const auto txt = exporter.exportSession(QStringLiteral("s1"), chat::SessionExporter::Format::Text,
                                                chat::SessionExporter::View::Full);
        QCOMPARE(txt.data, md.data);
        QVERIFY(txt.fileName.endsWith(QStringLiteral(".txt")));

        const auto full = exporter.exportSession(QStringLiteral("s1"), chat::SessionExporter::Format::Json,
                                                 chat::SessionExporter::View::Full);
        const QJsonObject detail = QJsonDocument::fromJson(full.data).object().value("session").toObject();
        QCOMPARE(detail.value("id").toString(), QStringLiteral("s1"));
        QCOMPARE(detail.value("view").toString(), QStringLiteral("full"));
        QVERIFY(detail.value("summary").isNull());
        const QJsonArray messages = detail.value("messages").toArray();
        QCOMPARE(messages.size(), 5); // the notice is not part of the conversation
        QCOMPARE(messages.at(0).toObject().value("id").toInteger(),
                 u1.id); // the id space of resumed.messages
        QCOMPARE(messages.at(2).toObject().value("tool_name").toString(), QStringLiteral("terminal"));

        // Compressed: the summary stands for everything up to the tool row.
        store::CompressionSnapshot snap;
        snap.sessionId = QStringLiteral("s1");
        snap.summary = QStringLiteral("## Active task\nFix the frame splitting.");
        snap.lastMessageIndex = 2;
        snap.lastMessageId = t1.id;
        snap.createdAt = Day2 - 10;
        QVERIFY(m_store->saveSnapshot(snap));
        const auto compressed =
            exporter.exportSession(QStringLiteral("s1"), chat::SessionExporter::Format::Json,
                                   chat::SessionExporter::View::Compressed);
        const QJsonObject cdetail =
            QJsonDocument::fromJson(compressed.data).object().value("session").toObject();
        const QJsonArray cmessages = cdetail.value("messages").toArray();
        QCOMPARE(cmessages.size(), 3);
        QCOMPARE(cmessages.at(0).toObject().value("compression_summary").toBool(), true);
        QVERIFY(cmessages.at(0).toObject().value("content").toString().endsWith(snap.summary));
        QCOMPARE(cmessages.at(1).toObject().value("id").toInteger(), u2.id);
        QCOMPARE(cdetail.value("summary").toObject().value("last_message_id").toInteger(), t1.id);
        QVERIFY(compressed.fileName.endsWith(QStringLiteral("-compressed.json")));
        const auto cmd = exporter.exportSession(QStringLiteral("s1"), chat::SessionExporter::Format::Markdown,
                                                chat::SessionExporter::View::Compressed);
        const QString ctext = QString::fromUtf8(cmd.data);
        QVERIFY(ctext.contains(QStringLiteral("Fix the frame splitting.")));
        QVERIFY(ctext.contains(QStringLiteral("Fix it please")));
        QVERIFY(!ctext.contains(QStringLiteral("Why does the parser")));

        // A snapshot of an older version (index only) finds the same boundary.
        snap.lastMessageId = 0;
        QVERIFY(m_store->saveSnapshot(snap));
        const auto byIndex = exporter.exportSession(QStringLiteral("s1"), chat::SessionExporter::Format::Json,
                                                    chat::SessionExporter::View::Compressed);
        QCOMPARE(QJsonDocument::fromJson(byIndex.data)
                     .object()
                     .value("session")
                     .toObject()
                     .value("messages")
                     .toArray()
                     .size(),
                 3);
    }

    void exportErrorsAndNames()
    {
        chat::SessionExporter exporter(m_manager.get());
        const auto missing = exporter.exportSession(
            QStringLiteral("nope"), chat::SessionExporter::Format::Json, chat::SessionExporter::View::Full);
        QVERIFY(!missing.ok);
        QCOMPARE(missing.error, QStringLiteral("There is no session nope."));
        QCOMPARE(chat::SessionExporter::formatFromName("JSON"), chat::SessionExporter::Format::Json);
        QCOMPARE(chat::SessionExporter::formatFromName("md"), chat::SessionExporter::Format::Markdown);
        QCOMPARE(chat::SessionExporter::formatFromName("txt"), chat::SessionExporter::Format::Text);
        QVERIFY(!chat::SessionExporter::formatFromName("pdf"));
        QCOMPARE(chat::SessionExporter::viewFromName("compressed"), chat::SessionExporter::View::Compressed);
        QVERIFY(!chat::SessionExporter::viewFromName("../etc"));
        // A title of nothing but symbols or another script still gives a usable file name.
        session(QStringLiteral("s9"), QStringLiteral("清理 / ***"));
        const auto odd = exporter.exportSession(QStringLiteral("s9"), chat::SessionExporter::Format::Json,
                                                chat::SessionExporter::View::Full);
        QVERIFY(odd.ok);
        QVERIFY2(odd.fileName.startsWith(QStringLiteral("session-s9-")), qPrintable(odd.fileName));
    }

    void largeSessionExportsQuickly()
    {
        session(QStringLiteral("big"), QStringLiteral("Big"));
        QList<MessageRecord> rows;
        for (int i = 0; i < 15000; ++i) {
            MessageRecord m;
            m.sessionId = QStringLiteral("big");
            m.role = i % 2 ? QStringLiteral("assistant") : QStringLiteral("user");
            m.content = QStringLiteral("Message %1 with some words about the parser and its tests.").arg(i);
            m.timestamp = Day1 + i;
            rows << m;
        }
        QVERIFY(m_store->appendMessages(rows));
        QCOMPARE(m_store->session(QStringLiteral("big"))->messageCount, 15000);
        chat::SessionExporter exporter(m_manager.get());
        QElapsedTimer timer;
        timer.start();
        const auto json = exporter.exportSession(QStringLiteral("big"), chat::SessionExporter::Format::Json,
                                                 chat::SessionExporter::View::Full);
        QVERIFY(json.ok);
        QCOMPARE(QJsonDocument::fromJson(json.data)
                     .object()
                     .value("session")
                     .toObject()
                     .value("messages")
                     .toArray()
                     .size(),
                 15000);
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QStringLiteral("%1 ms").arg(timer.elapsed())));
    }
};

QTEST_GUILESS_MAIN(TestUsageExport)
#include "tst_usage_export.moc"
