#pragma once
// Records read from the agent's own state.db (SPEC section 6), for the import view and token figures.
#include <QString>

namespace caduceus::store {

struct AgentSessionInfo
{
    QString id;
    QString title; // empty when the agent has none (or its schema has no title column)
    QString model;
    QString source;
    QString parentSessionId; // set for a session that continues a compressed one
    double startedAt = 0;
    int messageCount = 0;
};

struct AgentTokenUsage
{
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
};

} // namespace caduceus::store
