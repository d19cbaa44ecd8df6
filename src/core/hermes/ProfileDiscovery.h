#pragma once
// Finds the local Hermes Agent profiles so a local user only has to press "connect" (SPEC 1, "Local
// profiles"):
//   <home>/                   the "default" profile (.env, config.yaml, state.db)
//   <home>/profiles/<name>/   named profiles, same files
//   <home>/active_profile     the name of the sticky profile
// Everything read here is bounded and parsed without throwing; a bad file becomes a warning on its profile.
#include "hermes/AgentProfile.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace caduceus::hermes {

class ProfileDiscovery
{
public:
    static constexpr qint64 MaxFileBytes = 1024 * 1024;
    static constexpr auto DefaultProfileName = "default";

    // $HERMES_HOME (a leading "~/" expanded), else ~/.hermes (Windows: %LOCALAPPDATA%\hermes).
    static QString defaultHermesHome();

    // "default" (the home itself, when it has .env, config.yaml or state.db) plus every profiles/<name>/
    // folder with a safe name. Sorted: active first, then by name. An empty list and *error when the home
    // does not exist or holds no profile.
    static QList<AgentProfile> discover(const QString &home, QString *error = nullptr);

    // The name in <home>/active_profile; "default" when the file is missing, empty or names something that is
    // not a safe folder name.
    static QString activeProfileName(const QString &home);

    // A name that can be used as a folder under profiles/: 1–64 of [A-Za-z0-9_.-], not starting with '.',
    // so no "..", no slashes, no hidden folders.
    static bool isSafeProfileName(const QString &name);

    // .env: KEY=VALUE lines, optional "export " prefix, # comments, single quotes (literal), double quotes
    // (with \n \t \r \" \\ \$ escapes, may span lines), inline comments after unquoted values (" #"), CRLF.
    // Later keys win. Input beyond MaxFileBytes is ignored with a warning. Warnings never contain values.
    static QMap<QString, QString> parseDotEnv(const QByteArray &text, QStringList *warnings = nullptr);

    struct ModelConfig
    {
        QString defaultModel;
        qint64 contextLength = 0;
    };
    // config.yaml: model.default and model.context_length (or model: "<name>"). Malformed YAML or odd types
    // give *error (one sentence) and whatever could still be read.
    static ModelConfig parseConfigYaml(const QByteArray &text, QString *error = nullptr);
};

} // namespace caduceus::hermes
