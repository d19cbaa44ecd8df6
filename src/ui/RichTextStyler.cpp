#include "ui/RichTextStyler.h"

#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTimer>

#include <vector>

namespace caduceus::ui {

RichTextStyler::RichTextStyler(QObject *parent) : QObject(parent) {}

QTextDocument *RichTextStyler::textDocument() const { return m_document ? m_document->textDocument() : nullptr; }

void RichTextStyler::setDocument(QQuickTextDocument *document)
{
    if (m_document == document)
        return;
    disconnect(m_contentsConnection);
    m_document = document;
    if (QTextDocument *text = textDocument())
        m_contentsConnection = connect(text, &QTextDocument::contentsChanged, this, &RichTextStyler::scheduleRestyle);
    scheduleRestyle();
    emit documentChanged();
}

void RichTextStyler::setLinkColor(const QColor &color)
{
    if (m_linkColor == color)
        return;
    m_linkColor = color;
    scheduleRestyle();
    emit linkColorChanged();
}

void RichTextStyler::setCodeBackground(const QColor &color)
{
    if (m_codeBackground == color)
        return;
    m_codeBackground = color;
    scheduleRestyle();
    emit codeBackgroundChanged();
}

void RichTextStyler::scheduleRestyle()
{
    // Our own edits also report a change; and the text item is still handling the change that
    // woke us, so the document is touched only once that is over.
    if (m_applying || m_scheduled)
        return;
    m_scheduled = true;
    QTimer::singleShot(0, this, [this] {
        m_scheduled = false;
        restyle();
    });
}

void RichTextStyler::restyle()
{
    if (QTextDocument *document = textDocument()) {
        m_applying = true;
        style(document, m_linkColor, m_codeBackground);
        m_applying = false;
    }
}

int RichTextStyler::style(QTextDocument *document, const QColor &linkColor, const QColor &codeBackground)
{
    if (!document)
        return 0;

    struct Change
    {
        int start;
        int length;
        QTextCharFormat format;
    };
    std::vector<Change> changes;
    for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            const QTextCharFormat format = fragment.charFormat();
            QTextCharFormat change;
            if (format.isAnchor() && linkColor.isValid() && format.foreground().color() != linkColor)
                change.setForeground(linkColor);
            else if (!format.isAnchor() && format.fontFixedPitch() && codeBackground.isValid()
                     && format.background().color() != codeBackground)
                change.setBackground(codeBackground);
            if (change.propertyCount() > 0)
                changes.push_back({fragment.position(), fragment.length(), change});
        }
    }
    if (changes.empty())
        return 0;

    QTextCursor cursor(document);
    cursor.beginEditBlock();
    for (const Change &change : changes) {
        cursor.setPosition(change.start);
        cursor.setPosition(change.start + change.length, QTextCursor::KeepAnchor);
        cursor.mergeCharFormat(change.format);
    }
    cursor.endEditBlock();
    return static_cast<int>(changes.size());
}

} // namespace caduceus::ui
