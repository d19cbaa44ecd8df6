#pragma once
#include <QString>
#include <QStringList>

namespace caduceus::webui {

// What the user configured for the web UI side of the relay (`caduceus --relay --web-ui DIR …`, or the
// desktop app's relay settings).
struct WebUiOptions
{
    QString staticDir; // a built hermes-web-ui client (its dist/client); empty: "/" describes the server
    QString uploadDir; // POST /upload writes here (created on demand); downloads may read it
    QStringList allowedDirs; // more folders downloads may read (--allow-dir)
    QStringList corsOrigins; // exact origins (scheme://host[:port]) allowed to call the API from elsewhere
    qint64 maxUploadBytes = 50 * 1024 * 1024; // all files of one upload together; 413 beyond
    int maxUploadFiles = 20;
    // GET /api/hermes/config: what the web UI's display settings should be.
    bool bellOnComplete = false;
    bool showReasoning = false;
    // GET /api/hermes/available-models asks every agent; it answers with what it has by then.
    int modelsDeadlineMs = 3000;
    int modelsCacheMs = 60'000;
};

} // namespace caduceus::webui
