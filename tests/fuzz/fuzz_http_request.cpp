// HttpRequestParser (every byte a client sends to the relay or to hermes-sim): bounded, never crashing,
// and the same requests whichever way the bytes are split across reads.
#include "FuzzCheck.h"
#include "FuzzInput.h"
#include "net/HttpRequestParser.h"

using caduceus::fuzz::FuzzInput;
using caduceus::net::HttpParserLimits;
using caduceus::net::HttpRequest;
using caduceus::net::HttpRequestParser;

namespace {

struct Outcome
{
    QList<HttpRequest> requests;
    int errorStatus = 0;
};

// Feeds the stream in pieces of `step` bytes (0: whole), taking each completed request, like HttpConnection.
Outcome parse(const QByteArray &stream, qsizetype step, const HttpParserLimits &limits)
{
    HttpRequestParser parser(limits);
    Outcome outcome;
    qsizetype offset = 0;
    qsizetype available = step == 0 ? stream.size() : std::min(step, stream.size());
    int guard = 0;
    while (++guard < 100000) {
        const qsizetype used = parser.feed(QByteArrayView(stream).sliced(offset, available - offset));
        FUZZ_CHECK(used >= 0 && used <= available - offset, "feed() used more bytes than it was given");
        offset += used;
        if (parser.hasFailed()) {
            FUZZ_CHECK(parser.errorStatus() >= 400 && parser.errorStatus() < 600,
                       "a failure without an HTTP status");
            FUZZ_CHECK(!parser.errorMessage().isEmpty(), "a failure without a message");
            outcome.errorStatus = parser.errorStatus();
            return outcome;
        }
        if (parser.isComplete()) {
            const HttpRequest request = parser.takeRequest();
            FUZZ_CHECK(request.body.size() <= limits.maxBodyBytes, "a body larger than the limit");
            FUZZ_CHECK(request.headers.size() <= limits.maxHeaderCount, "more headers than the limit");
            outcome.requests << request;
            continue;
        }
        if (offset < available) {
            FUZZ_CHECK(used > 0, "the parser stopped taking bytes without finishing or failing");
            continue; // stopped at the end of the head: feed the rest
        }
        if (available == stream.size())
            return outcome;
        available = step == 0 ? stream.size() : std::min(available + step, stream.size());
    }
    FUZZ_CHECK(false, "the parser made no progress");
    return outcome;
}

bool sameRequests(const QList<HttpRequest> &a, const QList<HttpRequest> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].method != b[i].method || a[i].target != b[i].target || a[i].path != b[i].path ||
            a[i].headers != b[i].headers || a[i].body != b[i].body || a[i].version != b[i].version)
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzInput input(data, size);
    const qsizetype step = 1 + qsizetype(input.takeBelow(64));
    HttpParserLimits limits;
    if (input.takeBool()) {
        limits.maxHeaderBytes = 256;
        limits.maxHeaderCount = 8;
        limits.maxBodyBytes = 512;
    }
    const QByteArray stream = input.takeRest();

    const Outcome whole = parse(stream, 0, limits);
    const Outcome pieces = parse(stream, step, limits);
    FUZZ_CHECK(sameRequests(whole.requests, pieces.requests), "requests depend on how the bytes were split");
    FUZZ_CHECK(whole.errorStatus == pieces.errorStatus, "the error depends on how the bytes were split");
    for (const HttpRequest &request : whole.requests) {
        (void)request.bearerToken();
        (void)request.isWebSocketUpgrade();
    }
    return 0;
}
