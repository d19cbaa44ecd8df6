#pragma once
// Full-text search over message text. The FTS5 table is an external-content index over the view
// messages_search_source (no text is stored twice) and is kept in sync by triggers.
//
// Tokenizer: "trigram" when the running SQLite has it (3.34+), because it finds words inside CJK text,
// which has no spaces for unicode61 to split on; otherwise "unicode61". Trigram cannot match terms shorter
// than three characters, so such queries (and every query when FTS5 is missing) use LIKE over the same view.
//
// What is indexed: user, assistant, system and error rows once they are no longer streaming (re-indexing a
// growing answer on every flush would make each flush cost milliseconds); tool output only by its first
// 16 000 characters. The index is checked at every open rather than created by a migration because it
// depends on the SQLite the program runs with, not on the schema version.
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace caduceus::store {

class SearchIndex
{
public:
    struct Support
    {
        bool fts5 = false;
        bool trigram = false;
    };

    static Support probe(QSqlDatabase &db);

    // Makes the view, the FTS table and its triggers fit `support`; rebuilds the index when its triggers were
    // missing (new index, or one that was paused by a run without FTS5). On return `support` describes the
    // index actually in use (an existing unicode61 index stays unicode61).
    static bool ensure(QSqlDatabase &db, Support &support, QString &error);

    // The user's words: split on white space, at most 16 terms of at most 200 characters.
    static QStringList terms(const QString &query);
    // An FTS5 MATCH expression where every term is a quoted string, so no user text is read as syntax.
    static QString matchExpression(const QStringList &terms, bool trigram);
    static bool needsLikeSearch(const QStringList &terms, const Support &support);
    // A LIKE pattern for one term, with %, _ and the escape character itself escaped by '\'.
    static QString likePattern(const QString &term);
    // A window of `body` around the first match with [[ ]] around every occurrence of a term in it.
    static QString likeSnippet(const QString &body, const QStringList &terms);

    static constexpr int maxTerms = 16;
    static constexpr int maxTermChars = 200;
};

} // namespace caduceus::store
