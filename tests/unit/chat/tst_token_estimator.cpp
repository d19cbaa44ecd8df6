#include "chat/TokenEstimator.h"
#include "store/StoreTypes.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using caduceus::chat::TokenEstimator;
using caduceus::store::MessageRecord;

namespace {

QString readData(const QString &name)
{
    QFile file(QStringLiteral(CADUCEUS_TEST_DATA_DIR "/") + name);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

} // namespace

class TestTokenEstimator : public QObject
{
    Q_OBJECT

private slots:
    // Reference counts are what the cl100k_base tokenizer gives for each sample (measured once with a real
    // tokenizer); the estimate must stay within the error the header documents, plus a margin.
    void corpus_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("cl100kTokens");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("english prose") << QStringLiteral("tokens-english.txt") << 175 << 0.10;
        QTest::newRow("c++ and python") << QStringLiteral("tokens-code.txt") << 236 << 0.15;
        QTest::newRow("chinese prose") << QStringLiteral("tokens-chinese.txt") << 264 << 0.15;
        QTest::newRow("mixed chinese, english, code") << QStringLiteral("tokens-mixed.txt") << 74 << 0.20;
    }

    void corpus()
    {
        QFETCH(QString, file);
        QFETCH(int, cl100kTokens);
        QFETCH(double, tolerance);
        const QString text = readData(file);
        QVERIFY2(!text.isEmpty(), qPrintable(QStringLiteral("missing test data ") + file));
        const int estimate = TokenEstimator::estimate(text);
        const double error = double(estimate - cl100kTokens) / cl100kTokens;
        QVERIFY2(std::abs(error) <= tolerance, qPrintable(QStringLiteral("%1: estimated %2, cl100k %3 (%4 %)")
                                                              .arg(file)
                                                              .arg(estimate)
                                                              .arg(cl100kTokens)
                                                              .arg(error * 100, 0, 'f', 1)));
    }

    void shortStrings_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("cl100kTokens");
        QTest::newRow("greeting") << QStringLiteral("Hello, world!") << 4;
        QTest::newRow("pangram") << QStringLiteral("The quick brown fox jumps over the lazy dog.") << 10;
        QTest::newRow("chinese") << QStringLiteral("你好，世界！今天天气很好。") << 16;
        QTest::newRow("code") << QStringLiteral("for (int i = 0; i < n; ++i) { sum += v[i]; }") << 22;
        QTest::newRow("japanese") << QStringLiteral("こんにちは、世界。") << 6;
        QTest::newRow("korean") << QStringLiteral("안녕하세요 세계") << 9;
    }

    void shortStrings()
    {
        QFETCH(QString, text);
        QFETCH(int, cl100kTokens);
        const int estimate = TokenEstimator::estimate(text);
        QVERIFY2(std::abs(estimate - cl100kTokens) <= std::max(3, cl100kTokens / 4),
                 qPrintable(QStringLiteral("estimated %1, cl100k %2").arg(estimate).arg(cl100kTokens)));
    }

    void chineseCostsAboutOneTokenPerCharacter()
    {
        // Prose of N Han characters must not be priced like N/4 (the chars/4 rule undercounts CJK 4x).
        const QString text = readData(QStringLiteral("tokens-chinese.txt"));
        const int estimate = TokenEstimator::estimate(text);
        QVERIFY(estimate > text.size() * 0.9);
        QVERIFY(estimate < text.size() * 1.4);
    }

    void emptyAndTiny()
    {
        QCOMPARE(TokenEstimator::estimate(u""), 0);
        QCOMPARE(TokenEstimator::estimate(u"a"), 1);
        QCOMPARE(TokenEstimator::estimate(u" "), 1);
    }

    void growsWithText()
    {
        const QString paragraph = readData(QStringLiteral("tokens-english.txt"));
        const int once = TokenEstimator::estimate(paragraph);
        const int tenTimes = TokenEstimator::estimate(paragraph.repeated(10));
        QVERIFY(tenTimes >= once * 9 && tenTimes <= once * 11);
    }

    void toleratesLoneSurrogatesAndControls()
    {
        QString odd;
        odd += QChar(0xD800);
        odd += QStringLiteral("abc");
        odd += QChar(0xDC00);
        odd += QChar(0x0001);
        QVERIFY(TokenEstimator::estimate(odd) >= 3);
    }

    void fastOnLargeText()
    {
        const QString big = readData(QStringLiteral("tokens-mixed.txt")).repeated(8000); // ~1.2 M characters
        QElapsedTimer timer;
        timer.start();
        const int estimate = TokenEstimator::estimate(big);
        QVERIFY(estimate > 8000 * 60);
        QVERIFY2(timer.elapsed() < 2000, "estimating ~1 M characters must take well under 2 s");
    }

    void messageAddsOverheadAndToolCalls()
    {
        MessageRecord m;
        m.role = QStringLiteral("assistant");
        m.content = QStringLiteral("The quick brown fox jumps over the lazy dog.");
        m.reasoning = QString(4000, QLatin1Char('r')); // never sent back, so never counted
        const int plain = TokenEstimator::estimateMessage(m);
        QCOMPARE(plain, TokenEstimator::estimate(m.content) + TokenEstimator::MessageOverhead);

        m.toolCalls = QJsonArray{QJsonObject{
            {QStringLiteral("id"), QStringLiteral("call_1")},
            {QStringLiteral("type"), QStringLiteral("function")},
            {QStringLiteral("function"),
             QJsonObject{{QStringLiteral("name"), QStringLiteral("terminal")},
                         {QStringLiteral("arguments"), QStringLiteral("{\"command\":\"ls -la /tmp\"}")}}}}};
        QVERIFY(TokenEstimator::estimateMessage(m) > plain + 10);
    }

    void messageCountsWhatTheAgentSees()
    {
        MessageRecord user;
        user.role = QStringLiteral("user");
        user.content = QStringLiteral(
            R"([{"type":"text","text":"Describe this."},{"type":"image","name":"a.png","path":"/tmp/a.png","media_type":"image/png"}])");
        const int flattened = TokenEstimator::estimate(u"Describe this.\n[Image: /tmp/a.png]");
        QCOMPARE(TokenEstimator::estimateMessage(user), flattened + TokenEstimator::MessageOverhead);

        MessageRecord assistant;
        assistant.role = QStringLiteral("assistant");
        assistant.content = QStringLiteral("[{'type': 'thinking', 'thinking': '") +
                            QString(2000, QLatin1Char('t')) +
                            QStringLiteral("'}, {'type': 'text', 'text': 'Short answer.'}]");
        QCOMPARE(TokenEstimator::estimateMessage(assistant),
                 TokenEstimator::estimate(u"Short answer.") + TokenEstimator::MessageOverhead);
    }
};

QTEST_GUILESS_MAIN(TestTokenEstimator)
#include "tst_token_estimator.moc"
