// libFuzzer harness for the upload parser (build with -DCADUCEUS_FUZZ=ON and clang):
//   build/bin/fuzz_multipart -max_total_time=60
// The first input byte picks the boundary length, so the fuzzer explores boundaries and bodies together.
#include "net/MultipartParser.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace caduceus::net;
    if (size < 1)
        return 0;
    const qsizetype boundaryLength = qMin<qsizetype>(1 + data[0] % 70, qsizetype(size) - 1);
    const QByteArray contentType = "multipart/form-data; boundary=" +
                                   QByteArray(reinterpret_cast<const char *>(data + 1), boundaryLength);
    const QByteArray body(reinterpret_cast<const char *>(data + 1 + boundaryLength),
                          qsizetype(size) - 1 - boundaryLength);
    const auto boundary = MultipartParser::boundaryFromContentType(contentType);
    if (!boundary.error.isEmpty())
        return 0;
    const auto result = MultipartParser::parse(body, boundary.value);
    if (!result.ok() && !result.parts.isEmpty())
        std::abort();
    for (const MultipartPart &part : result.parts) {
        if (part.data.data() < body.constData() ||
            part.data.data() + part.data.size() > body.constData() + body.size())
            std::abort();
    }
    return 0;
}
