// The interface language: which language a system locale and a saved choice lead to, the compiled
// translations from translations/*.ts as the program embeds them, the saved override, and a QML engine
// that follows a switch at once (wired like GuiMode does).
#include "Translations.h"

#include <QCoreApplication>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>
#include <memory>

namespace {
const QStringList kShipped{QStringLiteral("en"), QStringLiteral("zh_CN")};

QString translated(const char *context, const char *source, int n = -1)
{
    return QCoreApplication::translate(context, source, nullptr, n);
}
} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Never touch the settings of the person running the tests.
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("CaduceusTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_translations"));
        QVERIFY(QSettings().fileName().contains(QStringLiteral("qttest")));
    }

    void init() { QSettings().remove(QLatin1String(Translations::settingsKey)); }

    void resolve_data()
    {
        QTest::addColumn<QString>("choice");
        QTest::addColumn<QString>("system");
        QTest::addColumn<QString>("expected");
        const auto row = [](const char *name, const char *choice, const char *system, const char *expected) {
            QTest::newRow(name) << QString::fromLatin1(choice) << QString::fromLatin1(system)
                                << QString::fromLatin1(expected);
        };
        row("Chinese system", "", "zh_CN", "zh_CN");
        row("Simplified Chinese, Singapore", "", "zh_SG", "zh_CN");
        row("Traditional Chinese falls back to English", "", "zh_TW", "en");
        row("English system", "", "en_GB", "en");
        row("untranslated language", "", "fr_FR", "en");
        row("choice English on a Chinese system", "en", "zh_CN", "en");
        row("choice Chinese on an English system", "zh_CN", "en_US", "zh_CN");
        row("unknown choice follows the system", "xx", "zh_CN", "zh_CN");
    }

    void resolve()
    {
        QFETCH(QString, choice);
        QFETCH(QString, system);
        QFETCH(QString, expected);
        QCOMPARE(Translations::resolve(choice, QLocale(system), kShipped), expected);
    }

    void embeddedTranslationsAreFound()
    {
        Translations translations(nullptr, QStringLiteral(":/i18n"), QLocale(QStringLiteral("zh_CN")));
        QCOMPARE(translations.available(), kShipped);
        const QVariantList languages = translations.languages();
        QCOMPARE(languages.size(), 2);
        QCOMPARE(languages.at(0).toMap().value(QStringLiteral("name")).toString(), QStringLiteral("English"));
        QCOMPARE(languages.at(1).toMap().value(QStringLiteral("code")).toString(), QStringLiteral("zh_CN"));
        QCOMPARE(languages.at(1).toMap().value(QStringLiteral("name")).toString(),
                 QStringLiteral("简体中文"));
    }

    void systemLanguageTranslatesTheInterface()
    {
        Translations translations(nullptr, QStringLiteral(":/i18n"), QLocale(QStringLiteral("zh_CN")));
        QVERIFY(translations.applySaved());
        QCOMPARE(translations.language(), QStringLiteral("zh_CN"));
        QCOMPARE(translations.choice(), QString());
        QCOMPARE(translated("SettingsDialog", "Settings"), QStringLiteral("设置"));
        QCOMPARE(translated("Composer", "Send"), QStringLiteral("发送"));
        QCOMPARE(translated("QueueBadge", "%n queued", 3), QStringLiteral("3 条排队"));
    }

    void overrideIsSavedAndWins()
    {
        {
            Translations translations(nullptr, QStringLiteral(":/i18n"), QLocale(QStringLiteral("zh_CN")));
            QVERIFY(translations.applySaved());
            QSignalSpy changed(&translations, &Translations::languageChanged);
            QVERIFY(translations.setChoice(QStringLiteral("en")));
            QCOMPARE(changed.count(), 1);
            QCOMPARE(translations.language(), QStringLiteral("en"));
            QCOMPARE(translated("SettingsDialog", "Settings"), QStringLiteral("Settings"));
            // English keeps its plural forms.
            QCOMPARE(translated("ToolCard", "Show all %Ln characters", 1),
                     QStringLiteral("Show the 1 character"));
            QCOMPARE(translated("ToolCard", "Show all %Ln characters", 2),
                     QStringLiteral("Show all 2 characters"));
            QCOMPARE(QSettings().value(QLatin1String(Translations::settingsKey)).toString(),
                     QStringLiteral("en"));
        }
        // The next start of the program, still on a Chinese system.
        Translations next(nullptr, QStringLiteral(":/i18n"), QLocale(QStringLiteral("zh_CN")));
        QVERIFY(next.applySaved());
        QCOMPARE(next.language(), QStringLiteral("en"));
        QCOMPARE(next.choice(), QStringLiteral("en"));
        QCOMPARE(translated("SettingsDialog", "Settings"), QStringLiteral("Settings"));
        // The chosen language is also the default locale, which picks Qt's own translations.
        QCOMPARE(QLocale().language(), QLocale::English);
    }

    void chosenChineseBecomesTheDefaultLocale()
    {
        const QLocale before;
        QSettings().setValue(QLatin1String(Translations::settingsKey), QStringLiteral("zh_CN"));
        Translations translations(nullptr, QStringLiteral(":/i18n"), QLocale(QStringLiteral("en_US")));
        QVERIFY(translations.applySaved());
        QCOMPARE(QLocale().name(), QStringLiteral("zh_CN"));
        QLocale::setDefault(before);
    }

    void localeFollowsTheLanguageAtOnce()
    {
        // Times and numbers are formatted in the locale of the language in effect: the system's own when it
        // speaks that language (en_GB keeps its 24-hour clock), that language's otherwise, and a switch
        // changes it at once (not at the next start, as the default QLocale would).
        Translations british(nullptr, QStringLiteral(":/i18n"), QLocale(QStringLiteral("en_GB")));
        QVERIFY(british.applySaved());
        QCOMPARE(british.localeName(), QStringLiteral("en_GB"));
        QSignalSpy changed(&british, &Translations::languageChanged);
        QVERIFY(british.setChoice(QStringLiteral("zh_CN")));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(british.localeName(), QStringLiteral("zh_CN"));
        QCOMPARE(QLocale(british.localeName()).toString(QTime(23, 20), QLocale::ShortFormat), QStringLiteral("23:20"));
        QVERIFY(british.setChoice(QStringLiteral("en")));
        QCOMPARE(british.localeName(), QStringLiteral("en_GB"));

        Translations german(nullptr, QStringLiteral(":/i18n"), QLocale(QStringLiteral("de_DE")));
        QVERIFY(german.applySaved()); // no German translation: English, in English's own format
        QCOMPARE(german.language(), QStringLiteral("en"));
        QCOMPARE(german.localeName(), QStringLiteral("en_US"));
        QSettings().remove(QLatin1String(Translations::settingsKey));
    }

    void unknownChoiceIsRefused()
    {
        Translations translations(nullptr, QStringLiteral(":/i18n"), QLocale(QStringLiteral("zh_CN")));
        QVERIFY(translations.applySaved());
        QSignalSpy changed(&translations, &Translations::languageChanged);
        QVERIFY(!translations.setChoice(QStringLiteral("fr")));
        QCOMPARE(changed.count(), 0);
        QCOMPARE(translations.language(), QStringLiteral("zh_CN"));
        QVERIFY(!QSettings().contains(QLatin1String(Translations::settingsKey)));
        QCOMPARE(translated("SettingsDialog", "Settings"), QStringLiteral("设置"));
    }

    void emptyChoiceFollowsTheSystemAgain()
    {
        Translations translations(nullptr, QStringLiteral(":/i18n"), QLocale(QStringLiteral("zh_CN")));
        QVERIFY(translations.setChoice(QStringLiteral("en")));
        QVERIFY(translations.setChoice(QString()));
        QCOMPARE(translations.language(), QStringLiteral("zh_CN"));
        QVERIFY(!QSettings().contains(QLatin1String(Translations::settingsKey)));
        QCOMPARE(translated("SettingsDialog", "Settings"), QStringLiteral("设置"));
    }

    void translatorsLeaveWithTheObject()
    {
        {
            Translations translations(nullptr, QStringLiteral(":/i18n"), QLocale(QStringLiteral("zh_CN")));
            QVERIFY(translations.applySaved());
            QCOMPARE(translated("SettingsDialog", "Settings"), QStringLiteral("设置"));
        }
        QCOMPARE(translated("SettingsDialog", "Settings"), QStringLiteral("Settings"));
    }

    void missingTranslationFilesMeanEnglish()
    {
        Translations translations(nullptr, QStringLiteral(":/no-such-folder"),
                                  QLocale(QStringLiteral("zh_CN")));
        QCOMPARE(translations.available(), QStringList{QStringLiteral("en")});
        QVERIFY(translations.applySaved());
        QCOMPARE(translations.language(), QStringLiteral("en"));
        QVERIFY(!translations.setChoice(QStringLiteral("zh_CN")));
    }

    void qmlFollowsASwitchAtOnce()
    {
        Translations translations(nullptr, QStringLiteral(":/i18n"), QLocale(QStringLiteral("en_US")));
        QVERIFY(translations.applySaved());
        QQmlEngine engine;
        QObject::connect(&translations, &Translations::languageChanged, &engine, &QQmlEngine::retranslate);
        QQmlComponent component(&engine);
        // qsTr takes its context from the file name, as in qml/SettingsDialog.qml.
        component.setData("import QtQuick\nItem { property string label: qsTr('Settings') }",
                          QUrl(QStringLiteral("qrc:/test/SettingsDialog.qml")));
        std::unique_ptr<QObject> item(component.create());
        QVERIFY2(item, qPrintable(component.errorString()));
        QCOMPARE(item->property("label").toString(), QStringLiteral("Settings"));
        QVERIFY(translations.setChoice(QStringLiteral("zh_CN")));
        QCOMPARE(item->property("label").toString(), QStringLiteral("设置"));
        QVERIFY(translations.setChoice(QStringLiteral("en")));
        QCOMPARE(item->property("label").toString(), QStringLiteral("Settings"));
    }
};

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
