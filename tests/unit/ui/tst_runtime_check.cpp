// packaging/runtime-requirements.txt lists every QML module the window imports, and RuntimeCheck reports a
// missing module, image format or font with the package that brings it.
#include "ui/RuntimeCheck.h"
#include "ui/RuntimeRequirements.h"

#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QQmlEngine>
#include <QRegularExpression>
#include <QtTest>

using caduceus::ui::RuntimeCheck;
using caduceus::ui::RuntimeRequirement;
namespace RuntimeRequirements = caduceus::ui::RuntimeRequirements;

class TestRuntimeCheck : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void builtInTableParses()
    {
        QString error;
        const auto requirements = RuntimeRequirements::builtIn(&error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(requirements.size() >= 10);
    }

    // A module imported by qml/ and missing from the table would be neither installed by deps.sh, nor declared
    // by the .deb, nor checked at start-up.
    void everyImportOfTheWindowIsInTheTable()
    {
        QStringList modules;
        for (const RuntimeRequirement &requirement : RuntimeRequirements::builtIn()) {
            if (requirement.kind == RuntimeRequirement::Kind::QmlModule)
                modules.append(requirement.name);
        }
        const QRegularExpression importLine(QStringLiteral("^import\\s+([A-Za-z][\\w.]*)"),
                                            QRegularExpression::MultilineOption);
        const QDir qml(QStringLiteral(CADUCEUS_SOURCE_DIR "/qml"));
        const QStringList files = qml.entryList({QStringLiteral("*.qml")}, QDir::Files);
        QVERIFY(files.size() > 10);
        for (const QString &name : files) {
            QFile file(qml.filePath(name));
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QString text = QString::fromUtf8(file.readAll());
            for (auto match = importLine.globalMatch(text); match.hasNext();) {
                const QString module = match.next().captured(1);
                if (module == QLatin1String("Caduceus") || module.startsWith(QLatin1String("Caduceus.")))
                    continue; // compiled into the program
                QVERIFY2(modules.contains(module),
                         qPrintable(name + QStringLiteral(" imports ") + module +
                                    QStringLiteral(", which packaging/runtime-requirements.txt does not list")));
            }
        }
    }

    void malformedLinesAreNamed()
    {
        QString error;
        RuntimeRequirements::parse(QStringLiteral("# comment\nqml QtQuick qml6-module-qtquick sometimes\n"), &error);
        QVERIFY2(error.contains(QLatin1String("line 2")), qPrintable(error));
        RuntimeRequirements::parse(QStringLiteral("qml QtQuick\n"), &error);
        QVERIFY(error.contains(QLatin1String("4 columns")));
        RuntimeRequirements::parse(QStringLiteral("widget X pkg depends\n"), &error);
        QVERIFY(error.contains(QLatin1String("unknown kind")));
        const auto parsed = RuntimeRequirements::parse(QStringLiteral("image svg qt6-svg-plugins|libqt6svg6 depends\n"
                                                                      "package - fonts-x recommends\n"),
                                                       &error);
        QVERIFY(error.isEmpty());
        QCOMPARE(parsed.size(), 2);
        QCOMPARE(parsed[0].packages, (QStringList{QStringLiteral("qt6-svg-plugins"), QStringLiteral("libqt6svg6")}));
        QVERIFY(parsed[1].recommended);
    }

    void missingPiecesAreReportedWithTheirPackage()
    {
        QQmlEngine engine;
        RuntimeCheck check(&engine);
        QString error;
        check.setRequirements(RuntimeRequirements::parse(
            QStringLiteral("qml QtQuick qml6-module-qtquick depends\n"
                           "qml Caduceus.Test.NoSuchModule qml6-module-no-such depends\n"
                           "image png libqt6gui6 depends\n"
                           "image nosuchformat qt6-no-such-plugins|libqt6nosuch6 depends\n"
                           "font Runic fonts-runic recommends\n"),
            &error));
        QVERIFY(error.isEmpty());
        QSignalSpy changed(&check, &RuntimeCheck::changed);
        check.run(QStringLiteral("en"));
        QCOMPARE(changed.count(), 1);
        const QStringList lines = check.reportLines();
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines[0].contains(QLatin1String("Caduceus.Test.NoSuchModule")) &&
                     lines[0].contains(QLatin1String("qml6-module-no-such")),
                 qPrintable(lines[0]));
        QVERIFY2(lines[1].contains(QLatin1String("nosuchformat")), qPrintable(lines[1]));
        QCOMPARE(check.missingPackages(),
                 (QStringList{QStringLiteral("qml6-module-no-such"), QStringLiteral("qt6-no-such-plugins")}));
#ifdef Q_OS_LINUX
        QVERIFY2(check.summary().contains(QLatin1String("sudo apt install qml6-module-no-such qt6-no-such-plugins")),
                 qPrintable(check.summary()));
        QVERIFY2(check.summary().contains(QLatin1String("libqt6nosuch6")), qPrintable(check.summary()));
#endif
    }

    void fontsAreCheckedForTheInterfaceLanguageOnly()
    {
        QVERIFY(RuntimeCheck::languageNeedsWritingSystem(QStringLiteral("zh_CN"), QStringLiteral("SimplifiedChinese")));
        QVERIFY(!RuntimeCheck::languageNeedsWritingSystem(QStringLiteral("en"), QStringLiteral("SimplifiedChinese")));
        QVERIFY(RuntimeCheck::languageNeedsWritingSystem(QStringLiteral("zh_TW"), QStringLiteral("TraditionalChinese")));

        QQmlEngine engine;
        RuntimeCheck check(&engine);
        // No font covers Ogham here; the check must ask only while the interface is in a language needing it.
        check.setRequirements(RuntimeRequirements::parse(QStringLiteral("font Ogham fonts-ogham recommends\n")));
        check.run(QStringLiteral("en"));
        QVERIFY(check.problems().isEmpty());
        QVERIFY(check.summary().isEmpty());
    }

    void fileDialogProblemIsEmptyWhereTheModulesAreInstalled()
    {
        QQmlEngine engine;
        RuntimeCheck check(&engine);
        // scripts/deps.sh installs the file dialog's modules, so on a machine set up for the tests it opens.
        QCOMPARE(check.fileDialogProblem(), QString());
    }
};

QTEST_MAIN(TestRuntimeCheck)
#include "tst_runtime_check.moc"
