#include "hermes/ProfileDiscovery.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <exception>
#include <string>

namespace caduceus::hermes {

namespace {

const QString EnvFileName = QStringLiteral(".env");
const QString ConfigFileName = QStringLiteral("config.yaml");
const QString StateDbFileName = QStringLiteral("state.db");
const QString ProfilesFolder = QStringLiteral("profiles");
const QString ActiveProfileFile = QStringLiteral("active_profile");

QString defaultName()
{
    return QLatin1String(ProfileDiscovery::DefaultProfileName);
}

enum class ReadResult
{
    Missing,
    Read,
    Failed
};

// Reads a small settings file; *problem says why it could not be used.
ReadResult readSmallFile(const QString &path, QByteArray *content, QString *problem)
{
    const QFileInfo info(path);
    if (!info.exists())
        return ReadResult::Missing;
    if (!info.isFile()) {
        *problem = QStringLiteral("%1 is not a regular file and was ignored.").arg(path);
        return ReadResult::Failed;
    }
    if (info.size() > ProfileDiscovery::MaxFileBytes) {
        *problem = QStringLiteral("%1 is larger than 1 MB and was ignored.").arg(path);
        return ReadResult::Failed;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *problem = QStringLiteral("Cannot read %1: %2.").arg(path, file.errorString());
        return ReadResult::Failed;
    }
    *content = file.read(ProfileDiscovery::MaxFileBytes);
    return ReadResult::Read;
}

struct ActiveProfileSetting
{
    QString name;
    QString problem;
};

ActiveProfileSetting readActiveProfile(const QString &home)
{
    const QString path = QDir(home).filePath(ActiveProfileFile);
    QByteArray content;
    QString problem;
    if (readSmallFile(path, &content, &problem) != ReadResult::Read)
        return {defaultName(), problem};
    const QString firstLine = QString::fromUtf8(content).section(QLatin1Char('\n'), 0, 0).trimmed();
    if (firstLine.isEmpty())
        return {defaultName(), {}};
    if (!ProfileDiscovery::isSafeProfileName(firstLine))
        return {
            defaultName(),
            QStringLiteral("%1 names \"%2\", which is not a valid profile name; the default profile is used.")
                .arg(path, firstLine.left(80))};
    return {firstLine, {}};
}

qint64 parseWholeNumber(const QString &text, bool *ok)
{
    QString digits = text.trimmed();
    digits.remove(QLatin1Char('_')); // YAML 1.1 allows 128_000
    return digits.toLongLong(ok);
}

void applyDotEnv(AgentProfile &profile, const QString &path, const QMap<QString, QString> &values)
{
    const QString host = values.value(QStringLiteral("API_SERVER_HOST")).trimmed();
    if (!host.isEmpty())
        profile.host = host;
    const QString portText = values.value(QStringLiteral("API_SERVER_PORT")).trimmed();
    if (!portText.isEmpty()) {
        bool ok = false;
        const int port = portText.toInt(&ok);
        if (ok && port > 0 && port <= 65535)
            profile.port = port;
        else
            profile.warnings << QStringLiteral(
                                    "API_SERVER_PORT in %1 is \"%2\", not a port number (1-65535); "
                                    "port %3 is used.")
                                    .arg(path, portText.left(40))
                                    .arg(profile.port);
    }
    profile.apiKey = values.value(QStringLiteral("API_SERVER_KEY")).trimmed();
}

AgentProfile loadProfile(const QString &name, const QString &directory)
{
    AgentProfile profile;
    profile.name = name;
    profile.directory = QDir::cleanPath(directory);
    const QDir dir(profile.directory);
    profile.stateDbPath = dir.filePath(StateDbFileName);

    const QString envPath = dir.filePath(EnvFileName);
    QByteArray content;
    QString problem;
    switch (readSmallFile(envPath, &content, &problem)) {
    case ReadResult::Read: {
        QStringList envWarnings;
        const QMap<QString, QString> values = ProfileDiscovery::parseDotEnv(content, &envWarnings);
        for (const QString &warning : std::as_const(envWarnings))
            profile.warnings << QStringLiteral("%1: %2").arg(envPath, warning);
        applyDotEnv(profile, envPath, values);
        break;
    }
    case ReadResult::Missing:
        profile.warnings << QStringLiteral("%1 does not exist: the agent is assumed at %2:%3 without a key.")
                                .arg(envPath, profile.host)
                                .arg(profile.port);
        break;
    case ReadResult::Failed:
        profile.warnings << problem;
        break;
    }

    const QString configPath = dir.filePath(ConfigFileName);
    content.clear();
    problem.clear();
    switch (readSmallFile(configPath, &content, &problem)) {
    case ReadResult::Read: {
        QString configError;
        const ProfileDiscovery::ModelConfig config = ProfileDiscovery::parseConfigYaml(content, &configError);
        profile.defaultModel = config.defaultModel;
        profile.contextLength = config.contextLength;
        if (!configError.isEmpty())
            profile.warnings << QStringLiteral("%1: %2").arg(configPath, configError);
        break;
    }
    case ReadResult::Missing:
        break; // the agent runs on its built-in defaults
    case ReadResult::Failed:
        profile.warnings << problem;
        break;
    }
    return profile;
}

bool homeHasDefaultProfile(const QDir &home)
{
    return home.exists(EnvFileName) || home.exists(ConfigFileName) || home.exists(StateDbFileName);
}

QString scalarText(const YAML::Node &node)
{
    return QString::fromStdString(node.Scalar());
}

} // namespace

QString ProfileDiscovery::defaultHermesHome()
{
    QString fromEnvironment = qEnvironmentVariable("HERMES_HOME").trimmed();
    // Launchers that do not go through a shell pass "~" through unexpanded.
    if (fromEnvironment == QLatin1String("~") || fromEnvironment.startsWith(QLatin1String("~/")))
        fromEnvironment.replace(0, 1, QDir::homePath());
    if (!fromEnvironment.isEmpty())
        return QDir::cleanPath(fromEnvironment);
#ifdef Q_OS_WIN
    const QString localAppData = qEnvironmentVariable("LOCALAPPDATA");
    if (!localAppData.isEmpty())
        return QDir::cleanPath(localAppData + QStringLiteral("/hermes"));
#endif
    return QDir(QDir::homePath()).filePath(QStringLiteral(".hermes"));
}

bool ProfileDiscovery::isSafeProfileName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$"));
    return pattern.match(name).hasMatch() && !name.contains(QLatin1String(".."));
}

QString ProfileDiscovery::activeProfileName(const QString &home)
{
    return readActiveProfile(home).name;
}

QList<AgentProfile> ProfileDiscovery::discover(const QString &home, QString *error)
{
    const QFileInfo homeInfo(home);
    if (home.trimmed().isEmpty() || !homeInfo.isDir()) {
        if (error)
            *error = QStringLiteral(
                         "The Hermes home folder \"%1\" does not exist. Install and set up Hermes Agent, "
                         "or point HERMES_HOME at its folder.")
                         .arg(home);
        return {};
    }
    const QDir homeDir(homeInfo.absoluteFilePath());

    QList<AgentProfile> profiles;
    const bool hasDefault = homeHasDefaultProfile(homeDir);
    if (hasDefault)
        profiles << loadProfile(defaultName(), homeDir.absolutePath());

    const QDir profilesDir(homeDir.filePath(ProfilesFolder));
    const QStringList folders = profilesDir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString &folder : folders) {
        if (!isSafeProfileName(folder) || (hasDefault && folder == defaultName()))
            continue;
        profiles << loadProfile(folder, profilesDir.filePath(folder));
    }

    if (profiles.isEmpty()) {
        if (error)
            *error = QStringLiteral(
                         "No Hermes profile was found in \"%1\": it has no .env, config.yaml or state.db "
                         "and no profiles/ folder. Run Hermes Agent once to create one.")
                         .arg(homeDir.absolutePath());
        return {};
    }

    const ActiveProfileSetting active = readActiveProfile(homeDir.absolutePath());
    auto byName = [&](const QString &name) {
        return std::find_if(profiles.begin(), profiles.end(),
                            [&](const AgentProfile &p) { return p.name == name; });
    };
    auto activeIt = byName(active.name);
    if (activeIt == profiles.end()) {
        activeIt = byName(defaultName());
        if (activeIt != profiles.end() && active.problem.isEmpty())
            activeIt->warnings << QStringLiteral(
                                      "%1 names the profile \"%2\", but %3 does not exist; the default "
                                      "profile is used.")
                                      .arg(homeDir.filePath(ActiveProfileFile), active.name,
                                           profilesDir.filePath(active.name));
    }
    if (activeIt != profiles.end()) {
        activeIt->active = true;
        if (!active.problem.isEmpty())
            activeIt->warnings << active.problem;
    }

    std::sort(profiles.begin(), profiles.end(), [](const AgentProfile &a, const AgentProfile &b) {
        if (a.active != b.active)
            return a.active;
        return a.name < b.name;
    });
    if (error)
        error->clear();
    return profiles;
}

QMap<QString, QString> ProfileDiscovery::parseDotEnv(const QByteArray &text, QStringList *warnings)
{
    auto warn = [warnings](const QString &message) {
        if (warnings)
            *warnings << message;
    };
    QByteArray bounded = text;
    if (bounded.size() > MaxFileBytes) {
        warn(QStringLiteral("the file is larger than 1 MB; only its first 1 MB was read."));
        bounded.truncate(MaxFileBytes);
    }
    QString content = QString::fromUtf8(bounded);
    if (content.startsWith(QChar(0xFEFF)))
        content.remove(0, 1);
    content.replace(QLatin1String("\r\n"), QLatin1String("\n"));

    static const QRegularExpression keyPattern(QStringLiteral("^[A-Za-z_][A-Za-z0-9_.]*$"));
    QMap<QString, QString> values;
    const qsizetype length = content.size();
    qsizetype pos = 0;
    int line = 0;

    while (pos < length) {
        ++line;
        qsizetype lineEnd = content.indexOf(QLatin1Char('\n'), pos);
        if (lineEnd < 0)
            lineEnd = length;
        const int firstLine = line;
        QStringView current = QStringView(content).mid(pos, lineEnd - pos).trimmed();
        const qsizetype nextLine = lineEnd + 1;

        if (current.isEmpty() || current.startsWith(QLatin1Char('#'))) {
            pos = nextLine;
            continue;
        }
        if (current.startsWith(QLatin1String("export")) && current.size() > 6 && current[6].isSpace())
            current = current.mid(7).trimmed();

        const qsizetype equals = current.indexOf(QLatin1Char('='));
        if (equals <= 0) {
            warn(QStringLiteral("line %1 is not KEY=VALUE and was ignored.").arg(firstLine));
            pos = nextLine;
            continue;
        }
        const QString key = current.left(equals).trimmed().toString();
        if (!keyPattern.match(key).hasMatch()) {
            warn(QStringLiteral("line %1 has an invalid key and was ignored.").arg(firstLine));
            pos = nextLine;
            continue;
        }

        // Work on absolute offsets from here: a quoted value may run over several lines.
        qsizetype valueStart = (current.data() - content.constData()) + equals + 1;
        while (valueStart < lineEnd &&
               (content[valueStart] == QLatin1Char(' ') || content[valueStart] == QLatin1Char('\t')))
            ++valueStart;

        const QChar quote = valueStart < lineEnd ? content[valueStart] : QChar();
        if (quote != QLatin1Char('"') && quote != QLatin1Char('\'')) {
            QString value = content.mid(valueStart, lineEnd - valueStart);
            static const QRegularExpression inlineComment(QStringLiteral("(^|[ \\t])#"));
            const qsizetype comment = value.indexOf(inlineComment);
            if (comment >= 0)
                value.truncate(comment);
            values.insert(key, value.trimmed());
            pos = nextLine;
            continue;
        }

        QString value;
        qsizetype cursor = valueStart + 1;
        bool closed = false;
        while (cursor < length) {
            const QChar c = content[cursor];
            if (c == quote) {
                closed = true;
                break;
            }
            if (c == QLatin1Char('\n'))
                ++line;
            if (quote == QLatin1Char('"') && c == QLatin1Char('\\') && cursor + 1 < length) {
                const QChar escaped = content[cursor + 1];
                switch (escaped.unicode()) {
                case u'n':
                    value += QLatin1Char('\n');
                    break;
                case u't':
                    value += QLatin1Char('\t');
                    break;
                case u'r':
                    value += QLatin1Char('\r');
                    break;
                case u'"':
                case u'\\':
                case u'\'':
                case u'$':
                    value += escaped;
                    break;
                default:
                    value += c;
                    value += escaped;
                }
                cursor += 2;
                continue;
            }
            value += c;
            ++cursor;
        }
        if (!closed) {
            warn(QStringLiteral("line %1: the quoted value of %2 is never closed; the key was ignored.")
                     .arg(firstLine)
                     .arg(key));
            break;
        }
        values.insert(key, value);

        qsizetype restEnd = content.indexOf(QLatin1Char('\n'), cursor);
        if (restEnd < 0)
            restEnd = length;
        const QStringView rest = QStringView(content).mid(cursor + 1, restEnd - cursor - 1).trimmed();
        if (!rest.isEmpty() && !rest.startsWith(QLatin1Char('#')))
            warn(QStringLiteral("line %1: text after the closing quote of %2 was ignored.")
                     .arg(line)
                     .arg(key));
        pos = restEnd + 1;
    }
    return values;
}

ProfileDiscovery::ModelConfig ProfileDiscovery::parseConfigYaml(const QByteArray &text, QString *error)
{
    ModelConfig config;
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
    };
    if (error)
        error->clear();
    if (text.size() > MaxFileBytes) {
        fail(QStringLiteral("the file is larger than 1 MB and was ignored."));
        return config;
    }
    try {
        const YAML::Node root = YAML::Load(std::string(text.constData(), size_t(text.size())));
        if (!root || root.IsNull())
            return config;
        if (!root.IsMap()) {
            fail(QStringLiteral("the file is not a mapping of settings; it was ignored."));
            return config;
        }
        const YAML::Node model = root["model"];
        if (!model || model.IsNull())
            return config;
        if (model.IsScalar()) {
            config.defaultModel = scalarText(model).trimmed();
            return config;
        }
        if (!model.IsMap()) {
            fail(QStringLiteral("\"model\" is a list; expected a model name or a mapping with \"default\"."));
            return config;
        }
        QStringList problems;
        const YAML::Node defaultModel = model["default"];
        if (defaultModel && defaultModel.IsScalar())
            config.defaultModel = scalarText(defaultModel).trimmed();
        else if (defaultModel && !defaultModel.IsNull())
            problems << QStringLiteral("\"model.default\" is not a model name");

        const YAML::Node contextLength = model["context_length"];
        if (contextLength && contextLength.IsScalar()) {
            bool ok = false;
            const QString raw = scalarText(contextLength);
            const qint64 value = parseWholeNumber(raw, &ok);
            if (ok && value > 0)
                config.contextLength = value;
            else
                problems << QStringLiteral("\"model.context_length\" is \"%1\", not a positive whole number")
                                .arg(raw.left(40));
        } else if (contextLength && !contextLength.IsNull()) {
            problems << QStringLiteral("\"model.context_length\" is not a number");
        }
        if (!problems.isEmpty())
            fail(problems.join(QLatin1String("; ")) + QLatin1Char('.'));
    } catch (const YAML::Exception &e) {
        const QString message = QString::fromStdString(e.msg);
        if (e.mark.is_null())
            fail(QStringLiteral("not valid YAML (%1).").arg(message));
        else
            fail(QStringLiteral("not valid YAML (line %1, column %2: %3).")
                     .arg(e.mark.line + 1)
                     .arg(e.mark.column + 1)
                     .arg(message));
        return {};
    } catch (const std::exception &e) {
        fail(QStringLiteral("could not be read as YAML: %1.").arg(QString::fromLocal8Bit(e.what())));
        return {};
    } catch (...) {
        fail(QStringLiteral("could not be read as YAML."));
        return {};
    }
    return config;
}

} // namespace caduceus::hermes
