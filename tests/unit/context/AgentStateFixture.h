#pragma once
// Test helper: writes an agent state.db from an SQL script, the way the agent would (its own connection).
// Statements end with ";\n"; lines starting with "--" are comments; the script's own journal_mode pragma is
// replaced by `journalMode` (WAL, or DELETE when a test needs a writer to lock readers out).
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QtDebug>

namespace caduceus::test {

inline bool writeAgentStateDb(const QString &path, const QString &script, const QString &journalMode)
{
    static int serial = 0;
    const QString name = QStringLiteral("agent-writer-%1").arg(++serial);
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        ok = db.open();
        QSqlQuery query(db);
        ok = ok && query.exec(QStringLiteral("PRAGMA journal_mode=%1").arg(journalMode));
        for (QString statement : script.split(QStringLiteral(";\n"), Qt::SkipEmptyParts)) {
            QStringList lines;
            for (const QString &line : statement.split(QLatin1Char('\n'))) {
                if (!line.trimmed().startsWith(QLatin1String("--")))
                    lines << line;
            }
            statement = lines.join(QLatin1Char('\n')).trimmed();
            if (statement.isEmpty() || statement.startsWith(QLatin1String("PRAGMA journal_mode")))
                continue;
            if (!query.exec(statement)) {
                qWarning() << "fixture statement failed:" << query.lastError().text() << statement.left(120);
                ok = false;
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok && script.trimmed().size() > 0;
}

} // namespace caduceus::test
