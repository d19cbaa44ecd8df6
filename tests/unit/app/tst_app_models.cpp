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
