#pragma once
// SQLite result codes behind a QSqlError (the QSQLITE driver puts the code in nativeErrorCode()).
#include <QSqlError>

namespace caduceus::store::SqliteErrors {

// The primary result code (extended codes reduced to it), or -1 when the error has none.
int primaryCode(const QSqlError &error);
// SQLITE_BUSY or SQLITE_LOCKED: another connection holds a lock; retrying later can succeed.
bool isBusy(const QSqlError &error);
// SQLITE_CORRUPT or SQLITE_NOTADB: the file is damaged or is not a database at all.
bool isCorruption(const QSqlError &error);
bool isConstraint(const QSqlError &error);

} // namespace caduceus::store::SqliteErrors
