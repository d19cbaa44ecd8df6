#pragma once
// conversation_history for POST /v1/runs (SPEC 5.1). The agent reduces every item to {role, content:string},
// so that is all this produces:
//   - user / assistant / system rows → {role, content}; reasoning is stripped;
//   - user rows that hold ContentBlock JSON are flattened the way a new input is
//   (ContentBlocks::flattenForAgent);
//   - assistant rows that are a stringified content array are reduced to their text (ContentParser);
//   - tool rows → {role:"user", content:"[Tool result: <tool name>] <output, long output cut head + tail>"},
//     and only when the row has a tool_call_id (build() also accepts the id of a matching call of the nearest
//     preceding assistant row, as the reference relay did);
//   - dropped: error rows, Caduceus's own notices (role "notice", or a system row whose extra has
//     "notice": true), streaming placeholders (status "streaming"), rows with no content, unknown roles.
// The caller passes the stored transcript *without* the new user turn.
#include "store/StoreTypes.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace caduceus::chat {

struct HistoryOptions
{
    int toolHeadChars = 4000;
    int toolTailChars = 1500;
};

class HistoryBuilder
{
public:
    // The flag in MessageRecord::extra that marks a row Caduceus wrote for the user only ("Stopped",
    // "approval: allowed once" …), which the agent must never see.
    static constexpr auto NoticeExtraKey = "notice";

    // One stored row → {role, content}, or an empty object when the row is dropped.
    static QJsonObject toHistoryItem(const store::MessageRecord &m, const HistoryOptions &o = {});

    static QJsonArray build(const QList<store::MessageRecord> &transcript, const HistoryOptions &o = {});

    // "head\n… [N characters omitted] …\ntail" when text is longer than head + tail; else text unchanged.
    // Never cuts through a surrogate pair.
    static QString cutMiddle(const QString &text, int head, int tail);

    // text when its estimate (TokenEstimator::estimate) is at most maxTokens; else its head (two thirds) and
    // tail (one third) around "[… N characters cut to fit the context window …]", as long as fits maxTokens.
    // Empty when maxTokens cannot even hold that note with a few words either side.
    static QString cutToTokens(const QString &text, qint64 maxTokens);
    // The smallest budget cutToTokens() answers with text rather than nothing.
    static constexpr int MinCutTokens = 32;
};

} // namespace caduceus::chat
