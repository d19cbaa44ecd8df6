// MultipartParser (the bodies of the web UI's uploads, POST /upload): never crashing, errors with a status
// and a message and no parts, and every part a view inside the body.
// Input: the boundary on the first line, the body after it.
#include "FuzzCheck.h"
#include "FuzzInput.h"
#include "net/MultipartParser.h"

using caduceus::fuzz::FuzzInput;
using caduceus::net::MultipartLimits;
using caduceus::net::MultipartParser;
using caduceus::net::MultipartPart;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzInput input(data, size);
    MultipartLimits limits;
    limits.maxParts = 1 + int(input.takeBelow(64));
    const QByteArray boundaryLine = input.takeUntil('\n');
    const QByteArray body = input.takeRest();

    const auto boundary =
        MultipartParser::boundaryFromContentType("multipart/form-data; boundary=" + boundaryLine);
    FUZZ_CHECK(boundary.error.isEmpty() != boundary.value.isEmpty(), "a boundary and an error, or neither");
    const auto result = MultipartParser::parse(body, boundary.value, limits);
    if (!result.ok()) {
        FUZZ_CHECK(result.errorStatus == 400 || result.errorStatus == 413, "an error that is not 400 or 413");
        FUZZ_CHECK(!result.error.isEmpty(), "an error without a message");
        FUZZ_CHECK(result.parts.isEmpty(), "parts next to an error");
        return 0;
    }
    FUZZ_CHECK(result.parts.size() <= limits.maxParts, "more parts than the limit");
    const char *begin = body.constData();
    const char *end = begin + body.size();
    for (const MultipartPart &part : result.parts) {
        FUZZ_CHECK(part.data.isEmpty() ||
                       (part.data.data() >= begin && part.data.data() + part.data.size() <= end),
                   "a part outside the body");
        FUZZ_CHECK(!part.fileName.contains(QLatin1Char('/')) && !part.fileName.contains(QLatin1Char('\\')),
                   "a file name with a path in it");
    }
    return 0;
}
