#pragma once

#include <QObject>
#include <QPointer>
#include <QQuickTextDocument>
#include <QtQml/qqmlregistration.h>

class QSyntaxHighlighter;

namespace caduceus::ui {

// Colours the code in a TextEdit: `CodeHighlighter { document: edit.textDocument; language: "py" }`.
// Uses KSyntaxHighlighting when the build found it, the built-in FallbackHighlighter otherwise.
class CodeHighlighter : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QQuickTextDocument *document READ document WRITE setDocument NOTIFY documentChanged)
    Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)
    Q_PROPERTY(bool dark READ dark WRITE setDark NOTIFY darkChanged)
    // Which engine colours the text: "KSyntaxHighlighting" or "builtin".
    Q_PROPERTY(QString engine READ engine CONSTANT)

public:
    explicit CodeHighlighter(QObject *parent = nullptr);
    ~CodeHighlighter() override;

    QQuickTextDocument *document() const { return m_document; }
    void setDocument(QQuickTextDocument *document);
    QString language() const { return m_language; }
    void setLanguage(const QString &language);
    bool dark() const { return m_dark; }
    void setDark(bool dark);
    QString engine() const;

signals:
    void documentChanged();
    void languageChanged();
    void darkChanged();

private:
    void rebuild();
    void configure();

    QPointer<QQuickTextDocument> m_document;
    QString m_language;
    bool m_dark = false;
    QPointer<QSyntaxHighlighter> m_highlighter;
};

} // namespace caduceus::ui
