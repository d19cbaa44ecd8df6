// The list models behind the window: rows appear as the conversation grows, streaming updates are
// coalesced per frame and touch only the streaming row, long sessions are paged.
#include "ChatHarness.h"
#include "ChatModel.h"
#include "QueueModel.h"
#include "SessionListModel.h"

#include <QSignalSpy>

using namespace caduceus;
using caduceus::test::ChatHarness;
using caduceus::test::SimProcess;

class TestAppModels : public QObject
{
    Q_OBJECT
    std::unique_ptr<SimProcess> m_sim;
    QTemporaryDir m_dir;
    int m_serial = 0;

    QString freshDb() { return m_dir.filePath(QStringLiteral("m%1.db").arg(++m_serial)); }

private Q_SLOTS:
    void initTestCase()
    {
        m_sim = std::make_unique<SimProcess>(QStringList{"--key", "test-key", "--delay-ms", "2"});
        QVERIFY2(m_sim->isReady(), qPrintable(m_sim->errorString()));
    }

    void rowsAppearAndStreamingIsCoalesced()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        ChatModel model;
        model.setController(h.manager->controller("m1"));
        QCOMPARE(model.rowCount(), 0);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QCOMPARE(h.submit("m1", "stream please sim:deltas=200 sim:delay=1"), QString());
        QVERIFY(h.waitFor("run.completed", 1, 20000));
        model.flushPendingUpdates();
        QVERIFY(model.rowCount() >= 2);
        QCOMPARE(model.data(model.index(0), ChatModel::RoleRole).toString(), QStringLiteral("user"));
        QCOMPARE(model.data(model.index(0), ChatModel::ContentRole).toString(),
                 QStringLiteral("stream please sim:deltas=200 sim:delay=1"));
        const QModelIndex answer = model.index(model.rowCount() - 1);
        QCOMPARE(model.data(answer, ChatModel::RoleRole).toString(), QStringLiteral("assistant"));
        QVERIFY(!model.data(answer, ChatModel::ContentRole).toString().isEmpty());
        QCOMPARE(model.data(answer, ChatModel::StatusRole).toString(), QStringLiteral("complete"));
        const int deltas = h.count("message.delta");
        QVERIFY(deltas >= 150);
        // one update per frame at most, not one per delta
        QVERIFY2(changed.count() < deltas / 2, qPrintable(QStringLiteral("%1 updates for %2 deltas")
                                                              .arg(changed.count()).arg(deltas)));
        for (const auto &args : changed) {
            const auto roles = args.at(2).value<QList<int>>();
            QVERIFY(!roles.isEmpty());
            QVERIFY(!roles.contains(ChatModel::RoleRole));
            QCOMPARE(args.at(0).toModelIndex().row(), args.at(1).toModelIndex().row());
        }
        QVERIFY(inserted.count() >= 2);
    }

    void toolRowsCarryStatusAndPreview()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        ChatModel model;
        model.setController(h.manager->controller("m2"));
        QCOMPARE(h.submit("m2", "sim:tools"), QString());
        QVERIFY(h.waitFor("run.completed", 1, 20000));
        model.flushPendingUpdates();
        int tools = 0;
        for (int r = 0; r < model.rowCount(); ++r) {
            const QModelIndex i = model.index(r);
            if (model.data(i, ChatModel::RoleRole).toString() != QLatin1String("tool"))
                continue;
            ++tools;
            QVERIFY(!model.data(i, ChatModel::ToolNameRole).toString().isEmpty());
            QCOMPARE(model.data(i, ChatModel::ToolStatusRole).toString(), QStringLiteral("done"));
        }
        QVERIFY(tools >= 1);
    }

    // Rows of one role in the model, as row numbers.
    static QList<int> rowsOf(const ChatModel &model, const QString &role)
    {
        QList<int> out;
        for (int r = 0; r < model.rowCount(); ++r) {
            if (model.data(model.index(r), ChatModel::RoleRole).toString() == role)
                out << r;
        }
        return out;
    }

    static QList<int> rowsWith(const ChatModel &model, int flagRole)
    {
        QList<int> out;
        for (int r = 0; r < model.rowCount(); ++r) {
            if (model.data(model.index(r), flagRole).toBool())
                out << r;
        }
        return out;
    }

    void toolTurnIsOneBlock()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        ChatModel model;
        model.setController(h.manager->controller("t1"));
        QCOMPARE(h.submit("t1", "sim:tools"), QString());
        QVERIFY(h.waitFor("run.completed", 1, 20000));
        model.flushPendingUpdates();
        QCOMPARE(rowsOf(model, "user"), QList<int>{0});
        // The answer, two tool cards and more answer: one header (on the first drawn row), one Copy (on the
        // last).
        const QList<int> starts = rowsWith(model, ChatModel::TurnStartRole);
        const QList<int> ends = rowsWith(model, ChatModel::TurnEndRole);
        QCOMPARE(starts.size(), 1);
        QCOMPARE(ends.size(), 1);
        for (int r = 1; r < starts.first(); ++r)
            QVERIFY(model.data(model.index(r), ChatModel::HiddenRole).toBool());
        QCOMPARE(ends.first(), model.rowCount() - 1);
        const QString copied = model.turnText(starts.first());
        QVERIFY2(copied.startsWith(QStringLiteral("Let me look at the project first.")), qPrintable(copied));
        QVERIFY(copied.contains(QStringLiteral("I looked at the project layout")));
        QCOMPARE(model.turnText(ends.first()), copied);
        QCOMPARE(rowsOf(model, "tool").size(), 2);
        for (int r : rowsOf(model, "tool"))
            QCOMPARE(model.data(model.index(r), ChatModel::ToolStateRole).toString(), QStringLiteral("done"));
        // A new question ends the turn; while its answer streams, that turn has no Copy yet.
        QCOMPARE(h.submit("t1", "again sim:slow"), QString());
        QTRY_VERIFY(model.rowCount() > ends.first() + 1);
        QVERIFY(model.data(model.index(ends.first()), ChatModel::TurnEndRole).toBool());
        QTRY_VERIFY(rowsOf(model, "assistant").last() > ends.first());
        QVERIFY(!model.data(model.index(model.rowCount() - 1), ChatModel::TurnEndRole).toBool());
        h.manager->controller("t1")->abort();
        QVERIFY(h.waitFor("abort.completed"));
        QTRY_VERIFY(model.data(model.index(model.rowCount() - 1), ChatModel::TurnEndRole).toBool() ||
                    model.data(model.index(model.rowCount() - 1), ChatModel::HiddenRole).toBool());
    }

    void deniedToolIsDeniedAndCarriesTheAnswer()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        ChatModel model;
        auto *c = h.manager->controller("d1");
        model.setController(c);
        QCOMPARE(h.submit("d1", "clean up sim:approval"), QString());
        QVERIFY(h.waitFor("approval.request", 1, 20000));
        c->respondApproval(QStringLiteral("deny"), false);
        QVERIFY(h.waitFor("run.completed", 1, 20000));
        model.flushPendingUpdates();
        const QList<int> tools = rowsOf(model, "tool");
        QCOMPARE(tools.size(), 1);
        const QModelIndex tool = model.index(tools.first());
        QCOMPARE(model.data(tool, ChatModel::ToolStateRole).toString(), QStringLiteral("denied"));
        QCOMPARE(model.data(tool, ChatModel::ApprovalChoiceRole).toString(), QStringLiteral("deny"));
        // The "Denied" notice is drawn on the tool card, not as a line of its own after the answer.
        for (int r : rowsOf(model, "notice"))
            QVERIFY(model.data(model.index(r), ChatModel::HiddenRole).toBool());
        QCOMPARE(rowsWith(model, ChatModel::TurnStartRole).size(), 1);
        QCOMPARE(rowsWith(model, ChatModel::TurnEndRole).size(), 1);
    }

    void allowedToolCarriesTheAnswer()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        ChatModel model;
        auto *c = h.manager->controller("a1");
        model.setController(c);
        QCOMPARE(h.submit("a1", "clean up sim:approval"), QString());
        QVERIFY(h.waitFor("approval.request", 1, 20000));
        c->respondApproval(QStringLiteral("once"), false);
        QVERIFY(h.waitFor("run.completed", 1, 20000));
        model.flushPendingUpdates();
        const QList<int> tools = rowsOf(model, "tool");
        QCOMPARE(tools.size(), 1);
        QCOMPARE(model.data(model.index(tools.first()), ChatModel::ToolStateRole).toString(),
                 QStringLiteral("done"));
        QCOMPARE(model.data(model.index(tools.first()), ChatModel::ApprovalChoiceRole).toString(),
                 QStringLiteral("once"));
        for (int r : rowsOf(model, "notice"))
            QVERIFY(model.data(model.index(r), ChatModel::HiddenRole).toBool());
    }

    // The transcript as the real agent (v0.19) leaves it after a denied command: a model call with only the
    // tool call, the tool row whose result is the BLOCKED error (no status of ours), the answer, and our
    // notice of the answer after it (where the merge of the agent's transcript puts it).
    void realAgentDenialReadsAsDenied()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        store::SessionRecord s;
        s.id = QStringLiteral("real");
        s.createdAt = s.lastActive = 1;
        QVERIFY(h.store->createSession(s));
        const auto add = [&](const QString &role, const QString &content,
                             const std::function<void(store::MessageRecord &)> &edit) {
            store::MessageRecord m;
            m.sessionId = s.id;
            m.role = role;
            m.content = content;
            m.runId = role == QLatin1String("user") ? QString() : QStringLiteral("run_1");
            m.status = QString::fromLatin1(store::MessageStatus::Complete);
            m.timestamp = 1796684760;
            if (edit)
                edit(m);
            QVERIFY(h.store->appendMessage(m) > 0);
        };
        add("user", "[danger] clean up again", nullptr);
        add("assistant", "", [](store::MessageRecord &m) {
            m.toolCalls = QJsonArray{QJsonObject{
                {"id", "call_457905757dec455ea7ef"},
                {"type", "function"},
                {"function",
                 QJsonObject{{"name", "terminal"},
                             {"arguments", "{\"command\": \"rm -rf /srv/scratch/danger-test-dir\"}"}}}}};
        });
        add("tool",
            "{\"output\": \"\", \"exit_code\": -1, \"error\": \"BLOCKED: Command denied by user. The user "
            "has NOT "
            "consented to this action.\", \"status\": \"blocked\"}",
            [](store::MessageRecord &m) {
                m.toolCallId = QStringLiteral("call_457905757dec455ea7ef");
                m.toolName = QStringLiteral("terminal");
            });
        add("assistant", "Tool finished. Result: BLOCKED", nullptr);
        add("notice", "Denied", [](store::MessageRecord &m) {
            m.extra = QJsonObject{{"approval_choice", "deny"}};
        });

        ChatModel model;
        model.setController(h.manager->controller("real"));
        QCOMPARE(model.rowCount(), 5);
        const auto at = [&](int row, ChatModel::Role role) { return model.data(model.index(row), role); };
        QVERIFY2(at(1, ChatModel::HiddenRole).toBool(),
                 "the empty model call draws nothing (no empty header)");
        QVERIFY(at(2, ChatModel::TurnStartRole).toBool());
        QCOMPARE(at(2, ChatModel::ToolStateRole).toString(), QStringLiteral("denied"));
        QCOMPARE(at(2, ChatModel::ApprovalChoiceRole).toString(), QStringLiteral("deny"));
        QVERIFY(!at(3, ChatModel::TurnStartRole).toBool());
        QVERIFY(at(3, ChatModel::TurnEndRole).toBool());
        QVERIFY2(at(4, ChatModel::HiddenRole).toBool(), "the answer is on the tool card");
        QCOMPARE(model.turnText(2), QStringLiteral("Tool finished. Result: BLOCKED"));
    }

    void failedToolIsFailed()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        store::SessionRecord s;
        s.id = QStringLiteral("failed");
        s.createdAt = s.lastActive = 1;
        QVERIFY(h.store->createSession(s));
        const QList<QPair<QJsonObject, QString>> cases{
            {QJsonObject{{"tool_status", "error"}}, QStringLiteral("permission denied")},
            {QJsonObject{},
             QStringLiteral("{\"output\": \"\", \"exit_code\": 1, \"error\": \"No such file\"}")},
            {QJsonObject{{"tool_status", "error"}},
             QStringLiteral("BLOCKED: timed out waiting for approval")},
            {QJsonObject{{"tool_status", "done"}},
             QStringLiteral("{\"output\": \"hi\", \"exit_code\": 0, \"error\": null}")},
            // As the core marks them once it tracks approvals per tool.
            {QJsonObject{{"tool_status", "waiting_for_approval"}}, QString()},
            {QJsonObject{{"tool_status", "denied"}, {"approval_choice", "timeout"}}, QString()},
            {QJsonObject{{"tool_status", "running"}, {"approval_choice", "once"}}, QString()},
        };
        for (const auto &c : cases) {
            store::MessageRecord m;
            m.sessionId = s.id;
            m.role = QStringLiteral("tool");
            m.toolName = QStringLiteral("terminal");
            m.content = c.second;
            m.extra = c.first;
            m.runId = QStringLiteral("run_f");
            QVERIFY(h.store->appendMessage(m) > 0);
        }
        ChatModel model;
        model.setController(h.manager->controller("failed"));
        QCOMPARE(model.rowCount(), 7);
        const auto state = [&](int row) {
            return model.data(model.index(row), ChatModel::ToolStateRole).toString();
        };
        QCOMPARE(state(0), QStringLiteral("failed"));
        QCOMPARE(state(1), QStringLiteral("failed"));
        QCOMPARE(state(2), QStringLiteral("denied"));
        QCOMPARE(state(3), QStringLiteral("done"));
        QCOMPARE(state(4), QStringLiteral("waitingApproval"));
        QCOMPARE(state(5), QStringLiteral("denied"));
        QCOMPARE(model.data(model.index(5), ChatModel::ApprovalChoiceRole).toString(),
                 QStringLiteral("timeout"));
        QCOMPARE(state(6), QStringLiteral("running"));
        QCOMPARE(model.data(model.index(6), ChatModel::ApprovalChoiceRole).toString(),
                 QStringLiteral("once"));
    }

    void longSessionsArePaged()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        store::SessionRecord s;
        s.id = QStringLiteral("long");
        s.createdAt = s.lastActive = 1;
        QVERIFY(h.store->createSession(s));
        qint64 firstId = 0;
        for (int i = 0; i < 1200; ++i) {
            store::MessageRecord m;
            m.sessionId = s.id;
            m.role = i % 2 ? QStringLiteral("assistant") : QStringLiteral("user");
            m.content = QStringLiteral("message %1").arg(i);
            m.timestamp = 1000 + i;
            QVERIFY(h.store->appendMessage(m) > 0);
            if (i == 0)
                firstId = m.id;
        }
        ChatModel model;
        model.setController(h.manager->controller("long"));
        QCOMPARE(model.rowCount(), 500); // the tail only
        QVERIFY(model.canLoadOlder());
        QCOMPARE(model.data(model.index(499), ChatModel::ContentRole).toString(), QStringLiteral("message 1199"));
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QCOMPARE(model.loadOlder(100), 100);
        QCOMPARE(model.rowCount(), 600);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.first().at(1).toInt(), 0);
        QCOMPARE(model.data(model.index(0), ChatModel::ContentRole).toString(), QStringLiteral("message 600"));
        QCOMPARE(model.ensureMessageLoaded(firstId), 0);
        QCOMPARE(model.rowCount(), 1200);
        QVERIFY(!model.canLoadOlder());
    }

    void sessionListPinsFirstAndShowsWork()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        for (const char *id : {"a", "b", "c"}) {
            store::SessionRecord s;
            s.id = QString::fromLatin1(id);
            s.title = s.id.toUpper();
            s.createdAt = s.lastActive = 100 + id[0];
            QVERIFY(h.store->createSession(s));
        }
        QVERIFY(h.manager->setPinned("a", true));
        SessionListModel list(h.manager.get());
        QCOMPARE(list.rowCount(), 3);
        QCOMPARE(list.sessionIdAt(0), QStringLiteral("a")); // pinned
        QCOMPARE(list.data(list.index(0), SessionListModel::SectionRole).toString(), QStringLiteral("pinned"));
        QCOMPARE(list.data(list.index(1), SessionListModel::SectionRole).toString(), QStringLiteral("recent"));
        QCOMPARE(list.sessionIdAt(1), QStringLiteral("c")); // newest activity
        QSignalSpy changed(&list, &QAbstractItemModel::dataChanged);
        QCOMPARE(h.submit("b", "hello sim:slow"), QString());
        QVERIFY(changed.wait(2000));
        QTRY_VERIFY(list.data(list.index(list.rowOf("b")), SessionListModel::WorkingRole).toBool());
        h.manager->controller("b")->abort();
        QVERIFY(h.waitFor("abort.completed"));
        QTRY_VERIFY(!list.data(list.index(list.rowOf("b")), SessionListModel::WorkingRole).toBool());
    }

    void queueModelFollowsTheQueue()
    {
        ChatHarness h(freshDb(), m_sim->baseUrl());
        auto *c = h.manager->controller("q");
        QCOMPARE(h.submit("q", "first sim:slow"), QString());
        chat::SessionController::RunInput next;
        next.input = QStringLiteral("second message");
        QCOMPARE(c->submit(next), QString());
        QueueModel queue;
        queue.setItems(c->queuedItems());
        QCOMPARE(queue.rowCount(), 1);
        QCOMPARE(queue.data(queue.index(0), QueueModel::PreviewRole).toString(), QStringLiteral("second message"));
        QCOMPARE(queue.data(queue.index(0), QueueModel::PositionRole).toInt(), 1);
        QVERIFY(c->cancelQueued(queue.data(queue.index(0), QueueModel::QueueIdRole).toString()));
        queue.setItems(c->queuedItems());
        QCOMPARE(queue.rowCount(), 0);
        c->abort();
        QVERIFY(h.waitFor("abort.completed"));
    }
};

QTEST_GUILESS_MAIN(TestAppModels)
#include "tst_app_models.moc"
