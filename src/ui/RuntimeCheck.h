#pragma once
#include "RuntimeRequirements.h"

#include <QObject>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace caduceus::ui {

// Checks that every piece in packaging/runtime-requirements.txt is there: each QML module imports, each image
// format reads, and the interface's language has a font. What is missing is logged and shown in a banner
// (summary) with the package to install, instead of showing up as blank icons, boxes for text, or a crash.
//
// The file dialog gets its own check (fileDialogProblem): where the desktop offers no native dialog, Qt Quick
// builds its own from QML, and Qt 6.4 crashes (null QQuickFileDialogImpl in
// QQuickPlatformFileDialog::selectedFiles) when that QML cannot load, e.g. without Qt.labs.folderlistmodel.
class RuntimeCheck : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    // The banner's text; empty while nothing is missing.
    Q_PROPERTY(QString summary READ summary NOTIFY changed)

public:
    struct Problem
    {
        RuntimeRequirement requirement;
        QString detail; // the QML engine's error, or why the check failed
    };

    explicit RuntimeCheck(QQmlEngine *engine, QObject *parent = nullptr);
    static RuntimeCheck *create(QQmlEngine *qmlEngine, QJSEngine *jsEngine);
    // The instance QML uses in this engine.
    static RuntimeCheck *of(QQmlEngine *engine);

    // The requirements come from the table compiled into the program; tests pass their own.
    void setRequirements(const QList<RuntimeRequirement> &requirements);
    // Imports each QML module with the engine (its import paths), asks QImageReader for each image format,
    // and QFontDatabase for a font of each writing system the interface language uses (uiLanguage: "zh_CN").
    Q_INVOKABLE void run(const QString &uiLanguage);

    // Empty when the attach dialog can open; otherwise one sentence naming what is missing and its package.
    Q_INVOKABLE QString fileDialogProblem();

    QList<Problem> problems() const { return m_problems; }
    QString summary() const;
    QStringList missingPackages() const;
    // One line per problem, for the log and `caduceus --self-test`.
    QStringList reportLines() const;

    // Whether the interface in this language needs a font of this writing system (a QFontDatabase name).
    static bool languageNeedsWritingSystem(const QString &uiLanguage, const QString &writingSystem);

Q_SIGNALS:
    void changed();

private:
    // The engine's errors for `import module`, empty when it imports.
    QString importError(const QString &module);

    QQmlEngine *m_engine;
    QList<RuntimeRequirement> m_requirements;
    QList<Problem> m_problems;
};

} // namespace caduceus::ui
