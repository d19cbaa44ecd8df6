#pragma once
// The texts hermes-sim answers with: a friendly Markdown demo answer about what the user typed
// (what a new user sees first), long answers of an exact size, and the fixed texts of scenarios.

#include <QString>

namespace caduceus::sim {

class DemoAnswer
{
public:
    // topic: the user's text without sim: tokens. historyCount: earlier messages the client sent.
    DemoAnswer(const QString &topic, int historyCount);

    // Heading, paragraph, a short list, a fenced code block in a fitting language, a closing line.
    QString markdown() const;
    // Exactly `chars` characters of Markdown with several closed code blocks (when it is long enough
    // to hold them).
    QString longMarkdown(int chars) const;
    // Model "thinking" for the reasoning scenario.
    QString reasoning() const;

    // The topic as it reads inside a sentence: quoted, shortened, or "your request".
    QString topicPhrase() const;
    // Language of the code block, from words in the topic (python when nothing matches).
    QString codeLanguage() const;

private:
    QString codeBlock() const;

    QString m_topic;
    int m_historyCount = 0;
};

} // namespace caduceus::sim
