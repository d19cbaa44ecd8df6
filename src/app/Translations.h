#pragma once
// The language of the interface: the system's, unless the user picked one in Settings (QSettings key
// "ui/language"). Caduceus's own strings come from the .qm files compiled from translations/*.ts into the
// resources (:/i18n); Qt's own (standard dialog buttons) from Qt's translations when they are installed.
// Switching installs new translators, and Qt's LanguageChange makes the QML engine retranslate at once.
#include <QLocale>
#include <QObject>
#include <QStringList>
#include <QTranslator>
#include <QVariantList>
#include <memory>

class QCoreApplication;

class Translations : public QObject
{
    Q_OBJECT
    // The language in effect ("en", "zh_CN", …).
    Q_PROPERTY(QString language READ language NOTIFY languageChanged)
    // What the user picked; empty follows the system.
    Q_PROPERTY(QString choice READ choice NOTIFY languageChanged)
    // The locale that formats times, dates and numbers: the system's when it speaks the language in effect
    // (en_GB keeps its 24-hour clock), otherwise that language's own ("zh_CN"). Follows a switch at once.
    Q_PROPERTY(QString localeName READ localeName NOTIFY languageChanged)
    // [{code, name}] of every language with a translation, each named in itself ("简体中文").
    Q_PROPERTY(QVariantList languages READ languages CONSTANT)

public:
    static constexpr const char *settingsKey = "ui/language";

    // The application's instance: applies the saved choice, else the system language. Call once, after
    // the QCoreApplication exists.
    static Translations *install(QCoreApplication &app);
    // The instance made by install(), or null.
    static Translations *instance();

    // resourceDir holds caduceus_<code>.qm; systemLocale stands for QLocale::system() (tests pass others).
    explicit Translations(QObject *parent = nullptr, const QString &resourceDir = QStringLiteral(":/i18n"),
                          const QLocale &systemLocale = QLocale::system());
    ~Translations() override;

    // Codes with a translation, "en" (the language of the sources) first.
    QStringList available() const;
    // The language to use for a saved choice: the choice when it is available, otherwise the first of the
    // system's preferred languages that is, otherwise English.
    static QString resolve(const QString &choice, const QLocale &systemLocale, const QStringList &available);

    QString language() const { return m_language; }
    QString choice() const { return m_choice; }
    QString localeName() const;
    QVariantList languages() const;

    // Reads the saved choice and installs the matching translators; a saved choice also becomes the default
    // QLocale. False (and English) when a .qm file that should be there cannot be loaded. Call it before the
    // QML engine exists.
    bool applySaved();
    // "" follows the system. Saves the choice and switches at once (Qt's own strings, such as standard
    // dialog buttons, follow at the next start); false for a code without a translation (nothing changes).
    Q_INVOKABLE bool setChoice(const QString &code);

Q_SIGNALS:
    void languageChanged();

private:
    bool apply(const QString &choice);
    void removeTranslators();

    QString m_resourceDir;
    QLocale m_systemLocale;
    QString m_choice;
    QString m_language = QStringLiteral("en");
    std::unique_ptr<QTranslator> m_appTranslator;
    std::unique_ptr<QTranslator> m_qtTranslator;
};
