#include "store/SqliteErrors.h"

namespace caduceus::store::SqliteErrors {

namespace {
constexpr int SqliteBusy = 5;
constexpr int SqliteLocked = 6;
constexpr int SqliteCorrupt = 11;
constexpr int SqliteConstraint = 19;
constexpr int SqliteNotADatabase = 26;
} // namespace

int primaryCode(const QSqlError &error)
{
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok);
    return ok ? (code & 0xff) : -1;
}

bool isBusy(const QSqlError &error)
{
    const int code = primaryCode(error);
    return code == SqliteBusy || code == SqliteLocked;
}

bool isCorruption(const QSqlError &error)
{
    const int code = primaryCode(error);
    return code == SqliteCorrupt || code == SqliteNotADatabase;
}

bool isConstraint(const QSqlError &error)
{
    return primaryCode(error) == SqliteConstraint;
}

} // namespace caduceus::store::SqliteErrors
