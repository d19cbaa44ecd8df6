#include "RuntimeCheck.h"

#include <QFontDatabase>
#include <QImageReader>
#include <QLocale>
#include <QLoggingCategory>
#include <QMetaEnum>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QSet>
#include <QtQml/qqml.h>

namespace caduceus::ui {

Q_LOGGING_CATEGORY(lcRuntimeCheck, "caduceus.runtimecheck")

namespace {

QFontDatabase::WritingSystem writingSystemFromName(const QString &name, bool *ok)
{
    const QMetaEnum systems = QMetaEnum::fromType<QFontDatabase::WritingSystem>();
    const int value = systems.keyToValue(name.toLatin1().constData(), ok);
    return QFontDatabase::WritingSystem(*ok ? value : 0);
}

// What the user loses, in words, for the banner.
QString consequence(const RuntimeRequirement &requirement)
{
    switch (requirement.kind) {
    case RuntimeRequirement::Kind::ImageFormat:
        return requirement.name == QLatin1String("svg") ? RuntimeCheck::tr("icons are blank")
                                                        : RuntimeCheck::tr("some pictures are blank");
    case RuntimeRequirement::Kind::Font:
        return RuntimeCheck::tr("text in this language shows as boxes");
    case RuntimeRequirement::Kind::QmlModule:
        if (requirement.name.startsWith(QLatin1String("QtQuick.Dialogs")) ||
            requirement.name == QLatin1String("Qt.labs.folderlistmodel"))
            return RuntimeCheck::tr("files cannot be attached through the file dialog");
        return RuntimeCheck::tr("parts of the window do not work");
    case RuntimeRequirement::Kind::Package:
        break;
    }
    return {};
}

QString pieceName(const RuntimeRequirement &requirement)
{
    switch (requirement.kind) {
    case RuntimeRequirement::Kind::QmlModule:
        return RuntimeCheck::tr("QML module %1").arg(requirement.name);
    case RuntimeRequirement::Kind::ImageFormat:
        return RuntimeCheck::tr("%1 image plugin").arg(requirement.name.toUpper());
    case RuntimeRequirement::Kind::Font:
        return RuntimeCheck::tr("%1 font").arg(requirement.name);
    case RuntimeRequirement::Kind::Package:
        break;
    }
    return requirement.packageText();
}

// For the log, which stays in English whatever the interface language.
QString kindName(RuntimeRequirement::Kind kind)
{
    switch (kind) {
    case RuntimeRequirement::Kind::QmlModule:
        return QStringLiteral("QML module");
    case RuntimeRequirement::Kind::ImageFormat:
        return QStringLiteral("image format");
    case RuntimeRequirement::Kind::Font:
        return QStringLiteral("font for");
    case RuntimeRequirement::Kind::Package:
        break;
    }
    return QStringLiteral("package");
}

} // namespace

RuntimeCheck::RuntimeCheck(QQmlEngine *engine, QObject *parent) : QObject(parent), m_engine(engine)
{
    QString error;
    m_requirements = RuntimeRequirements::builtIn(&error);
    if (!error.isEmpty())
        qCWarning(lcRuntimeCheck).noquote() << "runtime-requirements.txt:" << error;
}

RuntimeCheck *RuntimeCheck::create(QQmlEngine *qmlEngine, QJSEngine *)
{
    return new RuntimeCheck(qmlEngine);
}

RuntimeCheck *RuntimeCheck::of(QQmlEngine *engine)
{
    const int type = qmlTypeId("Caduceus", 1, 0, "RuntimeCheck");
    return type < 0 ? nullptr : engine->singletonInstance<RuntimeCheck *>(type);
}

QString RuntimeCheck::importError(const QString &module)
{
    QQmlComponent probe(m_engine);
    probe.setData(QStringLiteral("import QtQml\nimport %1\nQtObject {}\n").arg(module).toUtf8(),
                  // A qrc URL: the engine looks for the folder's implicit imports synchronously there, while
                  // any other scheme is fetched over the network on the loader thread, after this component is gone.
                  QUrl(QStringLiteral("qrc:/caduceus/runtime-check/%1.qml").arg(module)));
    QStringList errors;
    for (const QQmlError &error : probe.errors())
        errors.append(error.description());
    return errors.join(QStringLiteral("; "));
}

QString RuntimeCheck::fileDialogProblem()
{
    // The imports of Qt Quick's own file dialog (QtQuick/Dialogs/quickimpl/qml/FileDialog.qml). The native
    // dialog needs none of them, but Qt falls back to this one whenever the native one fails to show.
    static const QStringList modules{QStringLiteral("QtQuick.Dialogs"), QStringLiteral("QtQuick.Dialogs.quickimpl"),
                                     QStringLiteral("Qt.labs.folderlistmodel"), QStringLiteral("QtQuick.Layouts"),
                                     QStringLiteral("QtQuick.Controls.impl"), QStringLiteral("QtQuick.Templates")};
    for (const QString &module : modules) {
        const QString error = importError(module);
        if (error.isEmpty())
            continue;
        qCWarning(lcRuntimeCheck).noquote() << "the file dialog cannot open:" << error;
        QString package;
        for (const RuntimeRequirement &requirement : std::as_const(m_requirements)) {
            if (requirement.kind == RuntimeRequirement::Kind::QmlModule && requirement.name == module)
                package = requirement.packages.value(0);
        }
        return package.isEmpty() ? tr("The file dialog cannot open: QML module %1 is missing.").arg(module)
                                 : tr("The file dialog cannot open: install %1.").arg(package);
    }
    return {};
}

void RuntimeCheck::setRequirements(const QList<RuntimeRequirement> &requirements)
{
    m_requirements = requirements;
}

bool RuntimeCheck::languageNeedsWritingSystem(const QString &uiLanguage, const QString &writingSystem)
{
    const QLocale locale(uiLanguage);
    switch (locale.language()) {
    case QLocale::Chinese:
        return writingSystem == (locale.script() == QLocale::TraditionalHanScript
                                     ? QLatin1String("TraditionalChinese")
                                     : QLatin1String("SimplifiedChinese"));
    case QLocale::Japanese:
        return writingSystem == QLatin1String("Japanese");
    case QLocale::Korean:
        return writingSystem == QLatin1String("Korean");
    default:
        return false;
    }
}

void RuntimeCheck::run(const QString &uiLanguage)
{
    QList<Problem> problems;
    const QList<QByteArray> imageFormats = QImageReader::supportedImageFormats();
    for (const RuntimeRequirement &requirement : std::as_const(m_requirements)) {
        switch (requirement.kind) {
        case RuntimeRequirement::Kind::QmlModule: {
            // Importing is the only faithful test: it finds the qmldir through the engine's import paths and
            // loads the module's plugin and the libraries that plugin needs.
            const QString error = importError(requirement.name);
            if (!error.isEmpty())
                problems.append({requirement, error});
            break;
        }
        case RuntimeRequirement::Kind::ImageFormat:
            if (!imageFormats.contains(requirement.name.toLatin1()))
                problems.append({requirement, QStringLiteral("Qt has no image plugin for \"%1\"").arg(requirement.name)});
            break;
        case RuntimeRequirement::Kind::Font: {
            if (!languageNeedsWritingSystem(uiLanguage, requirement.name))
                break;
            bool known = false;
            const QFontDatabase::WritingSystem system = writingSystemFromName(requirement.name, &known);
            if (!known)
                problems.append({requirement, QStringLiteral("unknown writing system \"%1\"").arg(requirement.name)});
            else if (QFontDatabase::families(system).isEmpty())
                problems.append({requirement, QStringLiteral("no installed font covers %1").arg(requirement.name)});
            break;
        }
        case RuntimeRequirement::Kind::Package:
            break;
        }
    }
    m_problems = problems;
    for (const QString &line : reportLines())
        qCWarning(lcRuntimeCheck).noquote() << line;
    Q_EMIT changed();
}

QStringList RuntimeCheck::missingPackages() const
{
    QStringList packages;
    for (const Problem &problem : m_problems) {
        const QString package = problem.requirement.packages.value(0);
        if (!package.isEmpty() && !packages.contains(package))
            packages.append(package);
    }
    return packages;
}

QStringList RuntimeCheck::reportLines() const
{
    QStringList lines;
    for (const Problem &problem : m_problems) {
        lines.append(QStringLiteral("missing %1 %2 (%3, package %4): %5")
                         .arg(kindName(problem.requirement.kind), problem.requirement.name,
                              problem.requirement.recommended ? QStringLiteral("recommended")
                                                              : QStringLiteral("required"),
                              problem.requirement.packageText(), problem.detail));
    }
    return lines;
}

QString RuntimeCheck::summary() const
{
    if (m_problems.isEmpty())
        return {};
    QStringList effects;
    QStringList pieces;
    QSet<QString> seenEffects;
    for (const Problem &problem : m_problems) {
        const QString effect = consequence(problem.requirement);
        if (!seenEffects.contains(effect)) {
            seenEffects.insert(effect);
            effects.append(effect);
        }
        pieces.append(pieceName(problem.requirement));
    }
    QString text = tr("Caduceus is missing parts it needs (%1): %2.")
                       .arg(pieces.join(QStringLiteral(", ")), effects.join(QStringLiteral("; ")));
#ifdef Q_OS_LINUX
    // Everywhere else the installer brings every piece; here the system's packages do.
    QStringList olderNames;
    for (const Problem &problem : m_problems) {
        const QStringList &names = problem.requirement.packages;
        if (names.size() > 1 && !olderNames.contains(names.mid(1).join(QLatin1Char('/'))))
            olderNames.append(names.mid(1).join(QLatin1Char('/')));
    }
    text += QLatin1Char(' ') + tr("Install them with: sudo apt install %1").arg(missingPackages().join(QLatin1Char(' ')));
    if (!olderNames.isEmpty())
        text += QLatin1Char(' ') + tr("(on older systems: %1)").arg(olderNames.join(QStringLiteral(", ")));
#else
    text += QLatin1Char(' ') + tr("Reinstall Caduceus to restore them.");
#endif
    return text;
}

} // namespace caduceus::ui
