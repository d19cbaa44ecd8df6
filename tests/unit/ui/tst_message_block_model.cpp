#include "ui/MessageBlockModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

using namespace caduceus::ui;

class TestMessageBlockModel : public QObject
{
    Q_OBJECT

private:
    static QVariant value(const MessageBlockModel &model, int row, MessageBlockModel::Role role)
    {
        return model.data(model.index(row), role);
    }

private slots:
    void exposesBlocksWithTheirRoles()
    {
        MessageBlockModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMarkdown(QStringLiteral("## Setup\n\n```rust\nfn main() {}\n```\n\n- one\n- two"));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(value(model, 0, MessageBlockModel::KindRole).toString(), QStringLiteral("heading"));
        QCOMPARE(value(model, 0, MessageBlockModel::LevelRole).toInt(), 2);
        QCOMPARE(value(model, 1, MessageBlockModel::KindRole).toString(), QStringLiteral("code"));
        QCOMPARE(value(model, 1, MessageBlockModel::LanguageRole).toString(), QStringLiteral("rust"));
        QCOMPARE(value(model, 1, MessageBlockModel::CodeRole).toString(), QStringLiteral("fn main() {}"));
        QCOMPARE(value(model, 2, MessageBlockModel::TextRole).toString(), QStringLiteral("- one\n- two"));
        model.setMarkdown(QStringLiteral("| a | b |\n|---|--:|\n| 1 | 2 |"));
        QCOMPARE(value(model, 0, MessageBlockModel::KindRole).toString(), QStringLiteral("table"));
        const QVariantList rows = value(model, 0, MessageBlockModel::CellsRole).toList();
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[1].toStringList(), QStringList({"1", "2"}));
        QCOMPARE(value(model, 0, MessageBlockModel::AlignmentsRole).toStringList(), QStringList({"", "right"}));
        const auto roles = model.roleNames();
        for (const char *name : {"kind", "text", "code", "language", "level", "cells", "alignments"})
            QVERIFY2(roles.values().contains(QByteArray(name)), name);
        QVERIFY(!model.data(model.index(5), MessageBlockModel::TextRole).isValid());
    }

    void streamingTouchesOnlyTheOpenBlock()
    {
        MessageBlockModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy counts(&model, &MessageBlockModel::countChanged);

        model.appendText(QStringLiteral("# Title\n\nThe answer"));
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 0);
        QCOMPARE(inserted.at(0).at(2).toInt(), 1);
        QCOMPARE(counts.count(), 1);

        inserted.clear();
        model.appendText(QStringLiteral(" is"));
        model.appendText(QStringLiteral(" 42."));
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(changed.count(), 2);
        for (const auto &arguments : changed) {
            QCOMPARE(arguments.at(0).toModelIndex().row(), 1);
            QCOMPARE(arguments.at(1).toModelIndex().row(), 1);
        }
        QCOMPARE(value(model, 1, MessageBlockModel::TextRole).toString(), QStringLiteral("The answer is 42."));

        changed.clear();
        model.appendText(QStringLiteral("\n\n```sh\nls"));
        QCOMPARE(changed.count(), 0); // the finished paragraph is not touched again
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 2);
        QCOMPARE(value(model, 2, MessageBlockModel::CodeRole).toString(), QStringLiteral("ls"));

        model.appendText(QStringLiteral(" -la\n"));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 2);
        QCOMPARE(value(model, 2, MessageBlockModel::CodeRole).toString(), QStringLiteral("ls -la"));
        QCOMPARE(resets.count(), 0);
    }

    void markdownPropertyDrivesIncrementalUpdates()
    {
        MessageBlockModel model;
        QSignalSpy markdownChanged(&model, &MessageBlockModel::markdownChanged);
        model.setMarkdown(QStringLiteral("one\n\ntwo"));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        // A binding to the message's content re-assigns the whole text on every delta.
        model.setMarkdown(QStringLiteral("one\n\ntwo three"));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 1);
        QCOMPARE(inserted.count(), 0);
        model.setMarkdown(QStringLiteral("one\n\ntwo three"));
        QCOMPARE(markdownChanged.count(), 2);
        QCOMPARE(model.markdown(), QStringLiteral("one\n\ntwo three"));
    }

    void clearRemovesAllRows()
    {
        MessageBlockModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMarkdown(QStringLiteral("a\n\nb\n\nc"));
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.at(0).at(1).toInt(), 0);
        QCOMPARE(removed.at(0).at(2).toInt(), 2);
    }
};

QTEST_GUILESS_MAIN(TestMessageBlockModel)
#include "tst_message_block_model.moc"
