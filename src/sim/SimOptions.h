#pragma once
#include <QString>
#include <QStringList>
#include <optional>

namespace caduceus::sim {

struct SimOptions
{
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 8642;
    QString apiKey; // empty: no auth
    int deltaDelayMs = 25;
    int chunkChars = 12;
    QString version = QStringLiteral("0.19.0-sim");
    bool approvalsFeature = true;
    bool steerFeature = true;
    QString portFile;
    int keepaliveMs = 30'000;
    int approvalTimeoutMs = 60'000;
    int runRetentionMs = 60 * 60 * 1000; // terminal runs answer status for an hour

    // Parses the command line (arguments()[0] is the program). On error returns nullopt and sets
    // *error to a message that names the bad option.
    static std::optional<SimOptions> parse(const QStringList &arguments, QString *error);
};

} // namespace caduceus::sim
