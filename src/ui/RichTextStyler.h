#pragma once

#include <QColor>
#include <QObject>
#include <QPointer>
#include <QQuickTextDocument>
#include <QtQml/qqmlregistration.h>

class QTextDocument;

namespace caduceus::ui {

// Gives rich text converted from Markdown the theme's look: link colour (Qt 6.4 text items do not
// take it from the palette) and a background behind inline code. Re-applied whenever the text
// changes, e.g. while an answer streams.
class RichTextStyler : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QQuickTextDocument *document READ document WRITE setDocument NOTIFY documentChanged)
    Q_PROPERTY(QColor linkColor READ linkColor WRITE setLinkColor NOTIFY linkColorChanged)
    Q_PROPERTY(QColor codeBackground READ codeBackground WRITE setCodeBackground NOTIFY codeBackgroundChanged)

public:
    explicit RichTextStyler(QObject *parent = nullptr);

    QQuickTextDocument *document() const { return m_document; }
    void setDocument(QQuickTextDocument *document);
    QColor linkColor() const { return m_linkColor; }
    void setLinkColor(const QColor &color);
    QColor codeBackground() const { return m_codeBackground; }
    void setCodeBackground(const QColor &color);

    // Applies the styling now (normally it follows each change on the next event loop turn).
    Q_INVOKABLE void restyle();
    // Colours the links and inline code of `document`; returns how many text runs changed.
    static int style(QTextDocument *document, const QColor &linkColor, const QColor &codeBackground);

signals:
    void documentChanged();
    void linkColorChanged();
    void codeBackgroundChanged();

private:
    void scheduleRestyle();
    QTextDocument *textDocument() const;

    QPointer<QQuickTextDocument> m_document;
    QMetaObject::Connection m_contentsConnection;
    QColor m_linkColor;
    QColor m_codeBackground;
    bool m_applying = false;
    bool m_scheduled = false;
};

} // namespace caduceus::ui
