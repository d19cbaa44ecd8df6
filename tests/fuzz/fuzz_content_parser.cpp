// ContentParser (SPEC 7): a stringified, possibly Python-repr content array is parsed or left alone,
// never crashing, always the same way, and never producing more text than it was given.
#include "FuzzCheck.h"
#include "chat/ContentParser.h"

using caduceus::chat::ContentParser;
using caduceus::chat::ParsedContent;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString raw = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)ContentParser::looksLikeContentArray(raw);

    const ParsedContent first = ContentParser::parse(raw);
    const ParsedContent second = ContentParser::parse(raw);
    FUZZ_CHECK(first.ok == second.ok && first.text == second.text && first.reasoning == second.reasoning &&
                   first.toolCalls == second.toolCalls,
               "parse() is not deterministic");
    if (first.ok)
        FUZZ_CHECK(first.text.size() + first.reasoning.size() <= raw.size(),
                   "parsed text is longer than the input it came from");
    else
        FUZZ_CHECK(first.text.isEmpty() && first.reasoning.isEmpty() && first.toolCalls.isEmpty(),
                   "a failed parse returned content");

    // The repair step alone, on any text (the parser only reaches it for text that is not JSON).
    (void)ContentParser::pythonReprToJson(raw);
    return 0;
}
