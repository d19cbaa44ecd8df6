#include "ui/CodeHighlighter.h"

#include "ui/FallbackHighlighter.h"

#include <QTextDocument>

#ifdef CADUCEUS_HAVE_KSYNTAXHIGHLIGHTING
#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/SyntaxHighlighter>
#include <KSyntaxHighlighting/Theme>
#endif

namespace caduceus::ui {

namespace {

#ifdef CADUCEUS_HAVE_KSYNTAXHIGHLIGHTING
KSyntaxHighlighting::Repository &repository()
{
    static KSyntaxHighlighting::Repository instance;
    return instance;
}

KSyntaxHighlighting::Definition definitionFor(const QString &language)
{
    auto &repo = repository();
    KSyntaxHighlighting::Definition definition = repo.definitionForName(language);
    if (!definition.isValid())
        definition = repo.definitionForFileName(QStringLiteral("snippet.") + language);
    if (!definition.isValid()) {
        // Fence names are often the canonical name in lower case ("python", "cpp").
        const CodeLanguage known = CodeLanguage::forName(language);
        if (!known.isPlainText())
            definition = repo.definitionForFileName(QStringLiteral("snippet.") + known.name);
    }
    return definition;
}
#endif

} // namespace

CodeHighlighter::CodeHighlighter(QObject *parent) : QObject(parent) {}

CodeHighlighter::~CodeHighlighter() = default;

QString CodeHighlighter::engine() const
{
#ifdef CADUCEUS_HAVE_KSYNTAXHIGHLIGHTING
    return QStringLiteral("KSyntaxHighlighting");
#else
    return QStringLiteral("builtin");
#endif
}

void CodeHighlighter::setDocument(QQuickTextDocument *document)
{
    if (m_document == document)
        return;
    m_document = document;
    rebuild();
    emit documentChanged();
}

void CodeHighlighter::setLanguage(const QString &language)
{
    if (m_language == language)
        return;
    m_language = language;
    configure();
    emit languageChanged();
}

void CodeHighlighter::setDark(bool dark)
{
    if (m_dark == dark)
        return;
    m_dark = dark;
    configure();
    emit darkChanged();
}

void CodeHighlighter::rebuild()
{
    delete m_highlighter;
    if (!m_document || !m_document->textDocument())
        return;
#ifdef CADUCEUS_HAVE_KSYNTAXHIGHLIGHTING
    m_highlighter = new KSyntaxHighlighting::SyntaxHighlighter(m_document->textDocument());
#else
    m_highlighter = new FallbackHighlighter(m_document->textDocument());
#endif
    configure();
}

void CodeHighlighter::configure()
{
    if (!m_highlighter)
        return;
#ifdef CADUCEUS_HAVE_KSYNTAXHIGHLIGHTING
    auto *highlighter = static_cast<KSyntaxHighlighting::SyntaxHighlighter *>(m_highlighter.data());
    highlighter->setTheme(repository().defaultTheme(m_dark ? KSyntaxHighlighting::Repository::DarkTheme
                                                           : KSyntaxHighlighting::Repository::LightTheme));
    highlighter->setDefinition(definitionFor(m_language));
    highlighter->rehighlight();
#else
    auto *highlighter = static_cast<FallbackHighlighter *>(m_highlighter.data());
    highlighter->setLanguage(m_language);
    highlighter->setDark(m_dark);
#endif
}

} // namespace caduceus::ui
