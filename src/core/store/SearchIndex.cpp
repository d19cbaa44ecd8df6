#include "store/SearchIndex.h"

#include "store/StoreLog.h"

#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace caduceus::store {

namespace {

const QString ViewName = QStringLiteral("messages_search_source");
const QString TableName = QStringLiteral("messages_search");

// The text indexed for one row, written once and used by the view and every trigger: an external-content
// 'delete' must be given exactly the text that was indexed.
QString bodyExpression(const QString &row)
{
    return QStringLiteral("CASE WHEN %1.role = 'tool' THEN substr(%1.content, 1, 16000) "
                          "ELSE coalesce(%1.plain_text, %1.content) END")
        .arg(row);
}

QString indexedCondition(const QString &row)
{
    return QStringLiteral("%1.status <> 'streaming'").arg(row);
}

bool exec(QSqlDatabase &db, const QString &sql, QString &error)
{
    QSqlQuery query(db);
    if (query.exec(sql))
        return true;
    error = query.lastError().text();
    return false;
}

bool objectExists(QSqlDatabase &db, const QString &type, const QString &name, QString *sql = nullptr)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT sql FROM sqlite_master WHERE type = ? AND name = ?"));
    query.addBindValue(type);
    query.addBindValue(name);
    if (!query.exec() || !query.next())
        return false;
    if (sql)
        *sql = query.value(0).toString();
    return true;
}

const QStringList TriggerNames{QStringLiteral("messages_search_insert"),
                               QStringLiteral("messages_search_delete"),
                               QStringLiteral("messages_search_update")};

bool dropTriggers(QSqlDatabase &db, QString &error)
{
    for (const QString &name : TriggerNames) {
        if (!exec(db, QStringLiteral("DROP TRIGGER IF EXISTS %1").arg(name), error))
            return false;
    }
    return true;
}

bool tableUsable(QSqlDatabase &db)
{
    QSqlQuery query(db);
    return query.exec(QStringLiteral("SELECT rowid FROM %1 WHERE 0").arg(TableName));
}

QString insertStatement(const QString &row)
{
    return QStringLiteral("INSERT INTO %1(rowid, body) SELECT %2.id, %3 WHERE %4;")
        .arg(TableName, row, bodyExpression(row), indexedCondition(row));
}

QString deleteStatement(const QString &row)
{
    return QStringLiteral("INSERT INTO %1(%1, rowid, body) SELECT 'delete', %2.id, %3 WHERE %4;")
        .arg(TableName, row, bodyExpression(row), indexedCondition(row));
}

} // namespace

SearchIndex::Support SearchIndex::probe(QSqlDatabase &db)
{
    Support support;
    QSqlQuery query(db);
    support.fts5 = query.exec(QStringLiteral("CREATE VIRTUAL TABLE temp.caduceus_fts5_probe USING fts5(x)"));
    if (!support.fts5)
        return support;
    query.exec(QStringLiteral("DROP TABLE temp.caduceus_fts5_probe"));
    support.trigram = query.exec(
        QStringLiteral("CREATE VIRTUAL TABLE temp.caduceus_trigram_probe USING fts5(x, tokenize='trigram')"));
    if (support.trigram)
        query.exec(QStringLiteral("DROP TABLE temp.caduceus_trigram_probe"));
    return support;
}

bool SearchIndex::ensure(QSqlDatabase &db, Support &support, QString &error)
{
    if (!objectExists(db, QStringLiteral("view"), ViewName) &&
        !exec(db,
              QStringLiteral("CREATE VIEW %1 AS SELECT m.id AS id, %2 AS body FROM messages m WHERE %3")
                  .arg(ViewName, bodyExpression(QStringLiteral("m")), indexedCondition(QStringLiteral("m"))),
              error)) {
        return false;
    }

    QString tableSql;
    const bool tableExists = objectExists(db, QStringLiteral("table"), TableName, &tableSql);
    if (tableExists && support.fts5 && tableUsable(db)) {
        support.trigram = tableSql.contains(QLatin1String("trigram"));
    } else if (tableExists) {
        // The file was indexed by an SQLite with FTS5 (or a tokenizer) this one lacks: writes must not go
        // through triggers that cannot run. The index is rebuilt once a capable SQLite opens the file again.
        support.fts5 = false;
        support.trigram = false;
        return dropTriggers(db, error);
    } else if (!support.fts5) {
        return true;
    } else if (!exec(db,
                     QStringLiteral(
                         "CREATE VIRTUAL TABLE %1 USING fts5(body, content='%2', content_rowid='id', "
                         "tokenize='%3')")
                         .arg(TableName, ViewName,
                              support.trigram ? QStringLiteral("trigram") : QStringLiteral("unicode61")),
                     error)) {
        return false;
    }

    bool allTriggers = true;
    for (const QString &name : TriggerNames)
        allTriggers = allTriggers && objectExists(db, QStringLiteral("trigger"), name);
    if (allTriggers)
        return true;

    const QString newRow = QStringLiteral("new");
    const QString oldRow = QStringLiteral("old");
    // One UPDATE trigger doing delete-then-insert in that order: with two triggers SQLite may fire the insert
    // first, and the delete would then remove tokens the new text shares with the old.
    const QStringList statements{
        QStringLiteral("DROP TRIGGER IF EXISTS messages_search_insert"),
        QStringLiteral("DROP TRIGGER IF EXISTS messages_search_delete"),
        QStringLiteral("DROP TRIGGER IF EXISTS messages_search_update"),
        QStringLiteral("CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN %1 END")
            .arg(insertStatement(newRow)),
        QStringLiteral("CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN %1 END")
            .arg(deleteStatement(oldRow)),
        QStringLiteral(
            "CREATE TRIGGER messages_search_update AFTER UPDATE OF content, plain_text, role, status "
            "ON messages BEGIN %1 %2 END")
            .arg(deleteStatement(oldRow), insertStatement(newRow)),
        QStringLiteral("INSERT INTO %1(%1) VALUES ('rebuild')").arg(TableName),
        // Every committed message adds an index segment; merging them in larger batches halves the cost of
        // indexing one message (~0.5 to ~0.25 ms) for slightly more segments to read per search.
        QStringLiteral("INSERT INTO %1(%1, rank) VALUES ('automerge', 16)").arg(TableName),
    };
    if (!db.transaction()) {
        error = db.lastError().text();
        return false;
    }
    for (const QString &sql : statements) {
        if (!exec(db, sql, error)) {
            db.rollback();
            return false;
        }
    }
    if (!db.commit()) {
        error = db.lastError().text();
        db.rollback();
        return false;
    }
    qCInfo(lcStore) << "search index (re)built with tokenizer" << (support.trigram ? "trigram" : "unicode61");
    return true;
}

QStringList SearchIndex::terms(const QString &query)
{
    static const QRegularExpression whiteSpace(QStringLiteral("\\s+"));
    QStringList terms;
    for (const QString &term : query.split(whiteSpace, Qt::SkipEmptyParts)) {
        terms << term.left(maxTermChars);
        if (terms.size() == maxTerms)
            break;
    }
    return terms;
}

QString SearchIndex::matchExpression(const QStringList &terms, bool trigram)
{
    QStringList quoted;
    for (QString term : terms) {
        term.replace(QLatin1Char('"'), QLatin1String("\"\""));
        // unicode61 matches whole words: a prefix query finds "build" while the user is still typing "bui".
        quoted << QLatin1Char('"') + term + QLatin1Char('"') + (trigram ? QString() : QStringLiteral("*"));
    }
    return quoted.join(QLatin1Char(' '));
}

bool SearchIndex::needsLikeSearch(const QStringList &terms, const Support &support)
{
    if (!support.fts5)
        return true;
    if (!support.trigram)
        return false;
    for (const QString &term : terms) {
        if (term.toUcs4().size() < 3)
            return true;
    }
    return false;
}

QString SearchIndex::likePattern(const QString &term)
{
    QString escaped = term;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    escaped.replace(QLatin1Char('%'), QLatin1String("\\%"));
    escaped.replace(QLatin1Char('_'), QLatin1String("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

QString SearchIndex::likeSnippet(const QString &body, const QStringList &terms)
{
    constexpr qsizetype before = 30;
    constexpr qsizetype after = 70;
    qsizetype first = -1;
    for (const QString &term : terms) {
        const qsizetype at = body.indexOf(term, 0, Qt::CaseInsensitive);
        if (at >= 0 && (first < 0 || at < first))
            first = at;
    }
    if (first < 0)
        first = 0;
    qsizetype start = qMax<qsizetype>(0, first - before);
    qsizetype end = qMin(body.size(), first + after);
    if (start > 0 && body.at(start).isLowSurrogate())
        ++start;
    if (end < body.size() && end > 0 && body.at(end - 1).isHighSurrogate())
        --end;
    const QString window = body.mid(start, end - start);

    QString marked;
    qsizetype pos = 0;
    while (pos < window.size()) {
        qsizetype bestAt = -1;
        qsizetype bestLength = 0;
        for (const QString &term : terms) {
            const qsizetype at = window.indexOf(term, pos, Qt::CaseInsensitive);
            if (at >= 0 && (bestAt < 0 || at < bestAt || (at == bestAt && term.size() > bestLength))) {
                bestAt = at;
                bestLength = term.size();
            }
        }
        if (bestAt < 0 || bestLength == 0) {
            marked += window.mid(pos);
            break;
        }
        marked += window.mid(pos, bestAt - pos);
        marked += QStringLiteral("[[") + window.mid(bestAt, bestLength) + QStringLiteral("]]");
        pos = bestAt + bestLength;
    }
    QString snippet = marked.simplified();
    if (start > 0)
        snippet.prepend(QStringLiteral("…"));
    if (end < body.size())
        snippet.append(QStringLiteral("…"));
    return snippet;
}

} // namespace caduceus::store
