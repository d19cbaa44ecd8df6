#pragma once
// The schema's history: one step per version, applied in order, each in its own transaction together with
// the new PRAGMA user_version, so a failed step leaves the file exactly as it was. Steps are never edited
// once released; a change of schema is a new step appended to the list.
#include <QSqlDatabase>
#include <QString>
#include <functional>
#include <vector>

namespace caduceus::store {

struct MigrationStep
{
    int version = 0;     // user_version after this step
    QString description; // for logs and errors
    std::function<bool(QSqlDatabase &db, QString &error)> apply;
};

class SchemaMigrations
{
public:
    static const std::vector<MigrationStep> &steps();
    static int latestVersion();

    // Brings the database from its user_version up to targetVersion (never down). Tests use a target below
    // the latest to build the files older releases wrote.
    static bool migrate(QSqlDatabase &db, int targetVersion, QString &error);

    static int userVersion(QSqlDatabase &db, QString *error = nullptr);
};

} // namespace caduceus::store
