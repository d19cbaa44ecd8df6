// The REST side against real turns: hermes-sim answers runs started through SessionManager (as /chat-run
// does), and the detail, search and list endpoints must show the same rows, with the same ids, as the
// socket's `resumed` payload, during and after a run.
#include "SimProcess.h"
#include "WebUiFixture.h"

#include <QJsonArray>
#include <QRegularExpression>

using namespace caduceus;
using caduceus::test::HttpAnswer;
using caduceus::test::SimProcess;
using caduceus::test::WebUiFixture;

namespace {

QJsonArray resumedMessages(WebUiFixture &f, const QString &session)
{
    return f.manager->controller(session)->resumePayload().value(QStringLiteral("messages")).toArray();
}

QJsonArray detailMessages(WebUiFixture &f, const QString &session)
{
    return f.get(QStringLiteral("/api/hermes/sessions/%1").arg(session))
        .json()
        .value(QStringLiteral("session"))
        .toObject()
        .value(QStringLiteral("messages"))
        .toArray();
}

QJsonArray idsOf(const QJsonArray &messages)
{
    QJsonArray ids;
    for (const QJsonValue &m : messages)
        ids.append(m.toObject().value(QStringLiteral("id")));
    return ids;
}

} // namespace

class TestWebUiAgent : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<SimProcess> m_sim;

    bool runTurn(WebUiFixture &f, const QString &session, const QString &text, int timeoutMs = 20000)
    {
        int completed = 0;
        const auto connection = connect(f.manager.get(), &chat::SessionManager::sessionEvent, this,
                                        [&](const QString &id, const QString &name, const QJsonObject &) {
                                            if (id == session && (name == QLatin1String("run.completed") ||
                                                                  name == QLatin1String("run.failed")))
                                                ++completed;
                                        });
        chat::SessionController::RunInput input;
        input.input = text;
        const QString error = f.manager->controller(session)->submit(input);
        const bool done = error.isEmpty() && QTest::qWaitFor([&] { return completed > 0; }, timeoutMs);
        disconnect(connection);
        // Transcript sync and persistence settle after the terminal event.
        QTest::qWait(300);
        return done;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sim = std::make_unique<SimProcess>(QStringList{QStringLiteral("--key"),
                                                         QStringLiteral("agent-secret-key"),
                                                         QStringLiteral("--delay-ms"), QStringLiteral("5")});
        QVERIFY2(m_sim->isReady(), qPrintable(m_sim->errorString()));
    }

    void cleanupTestCase() { m_sim.reset(); }

    void detailAndSearchShareTheIdsOfResumedAfterARun()
    {
        WebUiFixture f({}, m_sim->baseUrl());
        const QString session = chat::SessionManager::newSessionId();
        QVERIFY(runTurn(f, session, QStringLiteral("Tell me about pelicans sim:tools")));

        const QJsonArray resumed = resumedMessages(f, session);
        QVERIFY(resumed.size() >= 2);
        const QJsonArray detail = detailMessages(f, session);
        QCOMPARE(idsOf(detail), idsOf(resumed));
        QCOMPARE(detail, resumed);

        const QJsonArray sessions =
            f.get(QStringLiteral("/api/hermes/sessions")).json().value(QStringLiteral("sessions")).toArray();
        QCOMPARE(sessions[0].toObject().value(QStringLiteral("id")).toString(), session);
        QCOMPARE(sessions[0].toObject().value(QStringLiteral("message_count")).toInt() >= 2, true);
        QCOMPARE(sessions[0].toObject().value(QStringLiteral("is_active")), QJsonValue(false));

        // A word of the user's text and a word of the agent's answer both lead to rows of `resumed`.
        for (const QString &word : {QStringLiteral("pelicans")}) {
            const QJsonArray results = f.get(QStringLiteral("/api/hermes/search/sessions?q=%1").arg(word))
                                           .json()
                                           .value(QStringLiteral("results"))
                                           .toArray();
            QCOMPARE(results.size(), 1);
            const QJsonValue matched = results[0].toObject().value(QStringLiteral("matched_message_id"));
            QVERIFY2(idsOf(resumed).contains(matched), qPrintable(word));
        }
        // The last assistant row's text, searched by one of its words.
        QString answerWord;
        for (const QJsonValue &m : resumed) {
            if (m.toObject().value(QStringLiteral("role")).toString() == QLatin1String("assistant")) {
                const QStringList words =
                    m.toObject()
                        .value(QStringLiteral("content"))
                        .toString()
                        .split(QRegularExpression(QStringLiteral("[^A-Za-z]+")), Qt::SkipEmptyParts);
                for (const QString &w : words) {
                    if (w.size() >= 7) {
                        answerWord = w;
                        break;
                    }
                }
            }
        }
        QVERIFY(!answerWord.isEmpty());
        const QJsonArray answerHits =
            f.get(QStringLiteral("/api/hermes/search/sessions?q=%1").arg(answerWord))
                .json()
                .value(QStringLiteral("results"))
                .toArray();
        QCOMPARE(answerHits.size(), 1);
        QVERIFY(
            idsOf(resumed).contains(answerHits[0].toObject().value(QStringLiteral("matched_message_id"))));
    }

    void detailDuringARunShowsTheStreamingRow()
    {
        WebUiFixture f({}, m_sim->baseUrl());
        const QString session = chat::SessionManager::newSessionId();
        chat::SessionController::RunInput input;
        input.input = QStringLiteral("slowly please sim:slow sim:deltas=40");
        QVERIFY(f.manager->controller(session)->submit(input).isEmpty());
        // Wait until some of the answer streamed.
        QVERIFY(QTest::qWaitFor(
            [&] {
                for (const QJsonValue &m : resumedMessages(f, session)) {
                    if (m.toObject().value(QStringLiteral("role")).toString() == QLatin1String("assistant") &&
                        !m.toObject().value(QStringLiteral("content")).toString().isEmpty())
                        return true;
                }
                return false;
            },
            15000));
        const QJsonArray detail = detailMessages(f, session);
        const QJsonArray resumed = resumedMessages(f, session);
        QCOMPARE(idsOf(detail), idsOf(resumed));
        const QJsonObject streaming = detail.last().toObject();
        QCOMPARE(streaming.value(QStringLiteral("role")).toString(), QStringLiteral("assistant"));
        QVERIFY(!streaming.value(QStringLiteral("content")).toString().isEmpty());
        const QJsonObject listed = f.get(QStringLiteral("/api/hermes/sessions"))
                                       .json()
                                       .value(QStringLiteral("sessions"))
                                       .toArray()[0]
                                       .toObject();
        QCOMPARE(listed.value(QStringLiteral("is_active")), QJsonValue(true));
        f.manager->controller(session)->abort();
        QVERIFY(QTest::qWaitFor([&] { return !f.manager->controller(session)->isWorking(); }, 15000));
    }

    void modelsComeFromTheAgentWithoutItsKey()
    {
        WebUiFixture f({}, m_sim->baseUrl());
        const HttpAnswer a = f.get(QStringLiteral("/api/hermes/available-models"));
        QCOMPARE(a.status, 200);
        const QJsonObject group = a.json().value(QStringLiteral("groups")).toArray()[0].toObject();
        const QJsonArray models = group.value(QStringLiteral("models")).toArray();
        QVERIFY(models.contains(QStringLiteral("hermes-agent"))); // from the sim's /v1/models
        QVERIFY(models.contains(QStringLiteral("test-model")));   // the profile's configured model
        QCOMPARE(a.json().value(QStringLiteral("default")).toString(), QStringLiteral("test-model"));
        QVERIFY(!a.body.contains("agent-secret-key"));
        // Cached: a second call does not wait for the agent.
        QVERIFY(f.get(QStringLiteral("/api/hermes/available-models")).elapsedMs < 500);
    }
};

QTEST_GUILESS_MAIN(TestWebUiAgent)
#include "tst_webui_agent.moc"
