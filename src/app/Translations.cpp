#include "Translations.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QLibraryInfo>
#include <QSettings>
#include <QVariantMap>

namespace {
Translations *s_instance = nullptr;

const QString kSourceLanguage = QStringLiteral("en");
const QString kFilePrefix = QStringLiteral("caduceus_");

QString nativeName(const QString &code)
{
    const QLocale locale(code);
    QString name = locale.nativeLanguageName();
    // QLocale says "American English" and names Chinese "中文" whatever the script, which is what a reader
    // looks for.
    if (locale.language() == QLocale::English)
        return QStringLiteral("English");
    if (locale.language() == QLocale::Chinese)
        name = locale.script() == QLocale::TraditionalChineseScript ? QStringLiteral("繁體中文")
                                                                    : QStringLiteral("简体中文");
    if (!name.isEmpty())
        name[0] = name[0].toUpper();
    return name.isEmpty() ? code : name;
}
} // namespace

Translations *Translations::install(QCoreApplication &app)
{
    if (!s_instance) {
        s_instance = new Translations(&app);
        if (!s_instance->applySaved())
            qWarning("caduceus: a translation file could not be loaded; the interface stays in English");
    }
    return s_instance;
}

Translations *Translations::instance()
{
    return s_instance;
}

Translations::Translations(QObject *parent, const QString &resourceDir, const QLocale &systemLocale)
    : QObject(parent), m_resourceDir(resourceDir), m_systemLocale(systemLocale)
{
}

Translations::~Translations()
{
    removeTranslators();
    if (s_instance == this)
        s_instance = nullptr;
}

QStringList Translations::available() const
{
    QStringList codes{kSourceLanguage};
    const QStringList files =
        QDir(m_resourceDir).entryList({kFilePrefix + QStringLiteral("*.qm")}, QDir::Files, QDir::Name);
    for (const QString &file : files) {
        const QString code = file.mid(kFilePrefix.size()).chopped(3);
        if (!codes.contains(code))
            codes.append(code);
    }
    return codes;
}

QString Translations::resolve(const QString &choice, const QLocale &systemLocale,
                              const QStringList &available)
{
    if (!choice.isEmpty() && available.contains(choice))
        return choice;
    // uiLanguages() lists the user's languages in order of preference ("zh-Hans-CN", "en-US" …).
    for (const QString &tag : systemLocale.uiLanguages()) {
        const QLocale locale(tag);
        if (locale.language() == QLocale::C)
            continue;
        if (locale.language() == QLocale::English)
            return kSourceLanguage;
        const QString name = locale.name(); // "zh_CN" for zh, zh-Hans, zh-CN; "zh_TW" for zh-Hant
        if (available.contains(name))
            return name;
        // Same language and script, another country: zh_SG reads zh_CN, de_AT reads de_DE; zh_TW does not
        // read zh_CN (another script).
        for (const QString &code : available) {
            const QLocale candidate(code);
            if (candidate.language() == locale.language() && candidate.script() == locale.script())
                return code;
        }
    }
    return kSourceLanguage;
}

QString Translations::localeName() const
{
    const QLocale language(m_language);
    if (m_systemLocale.language() == language.language() && m_systemLocale.script() == language.script())
        return m_systemLocale.name();
    return language.name();
}

QVariantList Translations::languages() const
{
    QVariantList list;
    for (const QString &code : available())
        list.append(QVariantMap{{QStringLiteral("code"), code}, {QStringLiteral("name"), nativeName(code)}});
    return list;
}

bool Translations::applySaved()
{
    const QString choice = QSettings().value(QLatin1String(settingsKey)).toString().trimmed();
    const bool loaded = apply(choice);
    // Qt's own strings (standard dialog buttons) come from the translator QQmlApplicationEngine installs
    // for the default locale, so a chosen language must be the default before the window starts. Only
    // here: the default locale must not change under threads that may be formatting with it.
    if (!choice.isEmpty() && m_language == choice)
        QLocale::setDefault(QLocale(m_language));
    return loaded;
}

bool Translations::setChoice(const QString &code)
{
    const QString trimmed = code.trimmed();
    if (!trimmed.isEmpty() && !available().contains(trimmed))
        return false;
    QSettings settings;
    if (trimmed.isEmpty())
        settings.remove(QLatin1String(settingsKey));
    else
        settings.setValue(QLatin1String(settingsKey), trimmed);
    return apply(trimmed);
}

bool Translations::apply(const QString &choice)
{
    const QString language = resolve(choice, m_systemLocale, available());
    removeTranslators();

    bool loaded = true;
    // English needs its file too: it holds the plural forms of the "%n …" strings.
    const QString appFile = m_resourceDir + QLatin1Char('/') + kFilePrefix + language + QStringLiteral(".qm");
    if (QFile::exists(appFile)) {
        auto translator = std::make_unique<QTranslator>();
        if (translator->load(appFile)) {
            QCoreApplication::installTranslator(translator.get());
            m_appTranslator = std::move(translator);
        } else {
            loaded = false;
        }
    } else if (language != kSourceLanguage) {
        loaded = false;
    }

    if (language != kSourceLanguage) {
        // Qt's own strings; windeployqt puts them beside the program, Linux packages in Qt's folder.
        const QStringList qtFolders{QLibraryInfo::path(QLibraryInfo::TranslationsPath),
                                    QCoreApplication::applicationDirPath() + QStringLiteral("/translations")};
        for (const QString &folder : qtFolders) {
            auto translator = std::make_unique<QTranslator>();
            if (translator->load(QStringLiteral("qt_") + language, folder)) {
                QCoreApplication::installTranslator(translator.get());
                m_qtTranslator = std::move(translator);
                break;
            }
        }
    }

    const bool changed = language != m_language || choice != m_choice;
    m_choice = choice;
    m_language = loaded ? language : kSourceLanguage;
    if (changed)
        Q_EMIT languageChanged();
    return loaded;
}

void Translations::removeTranslators()
{
    // At exit the application may already be gone, and with it its list of translators.
    if (!QCoreApplication::instance()) {
        m_appTranslator.reset();
        m_qtTranslator.reset();
        return;
    }
    if (m_appTranslator)
        QCoreApplication::removeTranslator(m_appTranslator.get());
    if (m_qtTranslator)
        QCoreApplication::removeTranslator(m_qtTranslator.get());
    m_appTranslator.reset();
    m_qtTranslator.reset();
}
