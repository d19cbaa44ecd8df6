#pragma once

#include "ui/MarkdownBlocks.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace caduceus::ui {

// One message's Markdown as rows of blocks for a QML Repeater/ListView. Bind `markdown` to the
// message text: when it grows (streaming), only the last block's row gets dataChanged and new
// blocks arrive as inserted rows, so earlier blocks keep their delegates and their layout.
class MessageBlockModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString markdown READ markdown WRITE setMarkdown NOTIFY markdownChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Role {
        KindRole = Qt::UserRole + 1, // "paragraph" | "heading" | "list" | "quote" | "code" | "table" | "rule"
        TextRole,                    // Markdown of the block
        CodeRole,                    // code blocks: the code itself
        LanguageRole,                // code blocks: fence language, may be empty
        LevelRole,                   // headings: 1..6
        CellsRole,                   // tables: rows of cell Markdown, header first
        AlignmentsRole,              // tables: per column "left" | "center" | "right" | ""
    };
    Q_ENUM(Role)

    explicit MessageBlockModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString markdown() const { return m_document.markdown(); }
    void setMarkdown(const QString &markdown);

    Q_INVOKABLE void appendText(const QString &delta);
    Q_INVOKABLE void clear();

signals:
    void markdownChanged();
    void countChanged();

private:
    void apply(const BlockUpdate &update);

    MarkdownBlocks m_document;
    QList<MarkdownBlock> m_rows; // what views have been told about; trails m_document during apply()
};

} // namespace caduceus::ui
