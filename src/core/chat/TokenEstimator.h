#pragma once
// Token estimate without tokenizer files (SPEC 5.3): decides when to compress and fills usage.updated until
// the agent reports real usage. One pass over the text, no allocation, ~O(n).
//
// Method: the text is cut into runs the way cl100k-style BPE pre-tokenizers cut it, and each run is priced:
//   - an ASCII word costs 1 token up to 7 letters, then 1 more per 3 letters (common words are single tokens,
//     long or rare ones split); a word with non-ASCII letters (accents, Cyrillic, Greek …) costs
//     ASCII letters / 3 + other letters / 2.5, at least 1;
//   - digits cost 1 per group of 3 (cl100k splits numbers that way);
//   - an ASCII punctuation run costs 1 per 3 characters, rounded up ("();" is usually 1–2 tokens);
//   - a single space is free (it rides on the next word), so are runs of spaces/tabs (indentation is merged
//     into few tokens); a whitespace run holding a line break costs 0.5;
//   - each Han character costs 1.1, each Kana 1.0, each Hangul syllable 1.2, CJK punctuation and full-width
//     forms 1.0; characters outside the BMP (emoji …) 2; any other character 1.
// The sum is rounded; non-empty text costs at least 1.
//
// Error, measured against the cl100k_base tokenizer on the files in tests/unit/chat/data and on larger
// corpora (GPL/Apache licence text, this project's SPEC, Qt/Python/TypeScript sources, gettext catalogues):
//   English prose  +2 % … +5 %      code (C++, Python, TypeScript)  +1 % … +9 %
//   Chinese        −5 % … +10 %     Japanese +2 % … +4 %   Korean +3 % … +5 %
//   mixed Chinese/English/code ≈ +11 %;  Russian −4 % … −10 %;  German −13 % … −16 % (long compounds and
//   umlauts split more than the model assumes)
//   Short strings (a few words) are within ±2–3 tokens. Newer vocabularies (o200k) need fewer tokens for
//   non-English text, so the estimate then errs high, which is the safe side for deciding when to compress.
#include <QStringView>

namespace caduceus::store {
struct MessageRecord;
}

namespace caduceus::chat {

class TokenEstimator
{
public:
    // Fixed cost of a message in a chat request (role, separators), as in OpenAI's counting guide.
    static constexpr int MessageOverhead = 4;

    static int estimate(QStringView text);

    // The content the agent would see (ContentBlock JSON flattened, a stringified content array reduced to
    // its text) + the tool_calls JSON + MessageOverhead. Reasoning is not counted: it is never sent back.
    static int estimateMessage(const store::MessageRecord &m);
};

} // namespace caduceus::chat
