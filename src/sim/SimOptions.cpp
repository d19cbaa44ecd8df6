#include "SimOptions.h"

#include <QCommandLineParser>

namespace caduceus::sim {

namespace {

bool readInt(const QCommandLineParser &parser, const QString &name, int minimum, int maximum, int *target,
             QString *error)
{
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || value < minimum || value > maximum) {
        *error = QStringLiteral("--%1 expects a whole number from %2 to %3, got \"%4\"")
                     .arg(name)
                     .arg(minimum)
                     .arg(maximum)
                     .arg(parser.value(name));
        return false;
    }
    *target = value;
    return true;
}

} // namespace

std::optional<SimOptions> SimOptions::parse(const QStringList &arguments, QString *error)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "hermes-sim: a scripted stand-in for the Hermes Agent HTTP API.\n"
        "Put sim:<scenario> tokens in the run input to pick a script, e.g. \"sim:tools sim:slow\"."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("host"), QStringLiteral("Address to listen on (default 127.0.0.1)."),
         QStringLiteral("host")},
        {QStringLiteral("port"), QStringLiteral("Port to listen on; 0 picks a free one (default 8642)."),
         QStringLiteral("port")},
        {QStringLiteral("key"), QStringLiteral("API key required as Bearer token (default: no auth)."),
         QStringLiteral("key")},
        {QStringLiteral("delay-ms"), QStringLiteral("Milliseconds between answer deltas (default 25)."),
         QStringLiteral("ms")},
        {QStringLiteral("chunk-chars"), QStringLiteral("Characters per answer delta (default 12)."),
         QStringLiteral("n")},
        {QStringLiteral("version"), QStringLiteral("Version reported by /health."),
         QStringLiteral("version")},
        {QStringLiteral("no-approvals-feature"),
         QStringLiteral(
             "Behave like a build without approval events: guarded commands are denied silently.")},
        {QStringLiteral("no-steer"), QStringLiteral("Behave like a build without /v1/runs/{id}/steer.")},
        {QStringLiteral("port-file"), QStringLiteral("Write the listening port to this file once ready."),
         QStringLiteral("path")},
        {QStringLiteral("keepalive-ms"),
         QStringLiteral("SSE keepalive comment after this much silence (30000)."), QStringLiteral("ms")},
        {QStringLiteral("approval-timeout-ms"),
         QStringLiteral("Unanswered approvals are denied after this long (60000)."), QStringLiteral("ms")},
    });
    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        *error = parser.helpText();
        return std::nullopt;
    }
    if (!parser.positionalArguments().isEmpty()) {
        *error = QStringLiteral("Unexpected argument \"%1\"").arg(parser.positionalArguments().first());
        return std::nullopt;
    }

    SimOptions options;
    if (parser.isSet(QStringLiteral("host")))
        options.host = parser.value(QStringLiteral("host"));
    int port = options.port;
    if (!readInt(parser, QStringLiteral("port"), 0, 65535, &port, error) ||
        !readInt(parser, QStringLiteral("delay-ms"), 0, 600'000, &options.deltaDelayMs, error) ||
        !readInt(parser, QStringLiteral("chunk-chars"), 1, 1'000'000, &options.chunkChars, error) ||
        !readInt(parser, QStringLiteral("keepalive-ms"), 10, 3'600'000, &options.keepaliveMs, error) ||
        !readInt(parser, QStringLiteral("approval-timeout-ms"), 10, 3'600'000, &options.approvalTimeoutMs,
                 error))
        return std::nullopt;
    options.port = quint16(port);
    options.apiKey = parser.value(QStringLiteral("key"));
    if (parser.isSet(QStringLiteral("version")))
        options.version = parser.value(QStringLiteral("version"));
    options.approvalsFeature = !parser.isSet(QStringLiteral("no-approvals-feature"));
    options.steerFeature = !parser.isSet(QStringLiteral("no-steer"));
    options.portFile = parser.value(QStringLiteral("port-file"));
    return options;
}

} // namespace caduceus::sim
