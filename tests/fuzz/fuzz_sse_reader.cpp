// SseParser (the agent's event stream): whatever the bytes and however they are split across reads, the
// parser yields the same events, stays bounded, and never crashes.
#include "FuzzCheck.h"
#include "FuzzInput.h"
#include "hermes/SseParser.h"

using caduceus::fuzz::FuzzInput;
using caduceus::hermes::SseEvent;
using caduceus::hermes::SseParser;

namespace {

bool sameEvents(const QList<SseEvent> &a, const QList<SseEvent> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].event != b[i].event || a[i].data != b[i].data || a[i].id != b[i].id)
            return false;
    }
    return true;
}

struct Outcome
{
    QList<SseEvent> events;
    int comments = 0;
    int dropped = 0;
};

Outcome parseInPieces(const QByteArray &stream, const QList<qsizetype> &cuts, SseParser::Limits limits)
{
    SseParser parser(limits);
    Outcome outcome;
    qsizetype from = 0;
    for (qsizetype cut : cuts) {
        outcome.events += parser.feed(QByteArrayView(stream).sliced(from, cut - from));
        from = cut;
    }
    outcome.events += parser.feed(QByteArrayView(stream).sliced(from));
    outcome.events += parser.finish();
    outcome.comments = parser.commentCount();
    outcome.dropped = parser.droppedCount();
    return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzInput input(data, size);
    const bool smallLimits = input.takeBool();
    const int cutCount = int(input.takeBelow(8));
    QList<uint32_t> rawCuts;
    for (int i = 0; i < cutCount; ++i)
        rawCuts << input.takeBelow(0x10000);
    const QByteArray stream = input.takeRest();

    QList<qsizetype> cuts;
    for (uint32_t raw : rawCuts)
        cuts << qsizetype(raw % uint32_t(stream.size() + 1));
    std::sort(cuts.begin(), cuts.end());

    // Small limits reach the "line/event too long" paths with short inputs.
    const SseParser::Limits limits = smallLimits ? SseParser::Limits{64, 256} : SseParser::Limits{};
    const Outcome whole = parseInPieces(stream, {}, limits);
    const Outcome split = parseInPieces(stream, cuts, limits);
    FUZZ_CHECK(sameEvents(whole.events, split.events), "events depend on how the stream was split");
    FUZZ_CHECK(whole.comments == split.comments, "comment count depends on how the stream was split");
    FUZZ_CHECK(whole.dropped == split.dropped, "dropped count depends on how the stream was split");
    for (const SseEvent &event : whole.events) {
        FUZZ_CHECK(event.data.size() <= limits.maxEventBytes, "an event is larger than the limit");
        FUZZ_CHECK(event.data.size() <= stream.size(), "an event is larger than the stream");
    }

    // Byte by byte for short inputs: the harshest split.
    if (stream.size() <= 512) {
        QList<qsizetype> everyByte;
        for (qsizetype i = 1; i < stream.size(); ++i)
            everyByte << i;
        const Outcome bytewise = parseInPieces(stream, everyByte, limits);
        FUZZ_CHECK(sameEvents(whole.events, bytewise.events), "events differ when fed byte by byte");
    }
    return 0;
}
