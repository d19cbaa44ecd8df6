#pragma once
// One local Hermes Agent profile as found on disk (SPEC 1, "Local profiles"). Filled by ProfileDiscovery.
#include <QString>
#include <QStringList>
#include <QUrl>

namespace caduceus::hermes {

struct AgentProfile
{
    QString name;                               // "default" for HERMES_HOME itself, else profiles/<name>
    QString directory;                          // the profile folder
    QString host = QStringLiteral("127.0.0.1"); // API_SERVER_HOST
    int port = 8642;                            // API_SERVER_PORT
    QString apiKey;                             // API_SERVER_KEY: a secret, never log it
    QString defaultModel;                       // config.yaml model.default (or model: "<string>")
    qint64 contextLength = 0;                   // config.yaml model.context_length (0 = unknown)
    QString stateDbPath;                        // <directory>/state.db (may not exist)
    bool active = false;  // named in <home>/active_profile ("default" when absent/empty)
    QStringList warnings; // one sentence per unreadable/malformed file

    // Where to reach the agent: a server bound to every interface is reached on loopback; IPv6 hosts are
    // bracketed by QUrl.
    QUrl baseUrl() const
    {
        QString target = host.trimmed();
        if (target.startsWith(QLatin1Char('[')) && target.endsWith(QLatin1Char(']')))
            target = target.mid(1, target.size() - 2);
        if (target.isEmpty() || target == QLatin1String("0.0.0.0") || target == QLatin1String("::") ||
            target == QLatin1String("*"))
            target = QStringLiteral("127.0.0.1");
        QUrl url;
        url.setScheme(QStringLiteral("http"));
        url.setHost(target);
        url.setPort(port);
        return url;
    }
};

} // namespace caduceus::hermes
