#include "DemoAnswer.h"

#include <QRegularExpression>
#include <QStringList>

namespace caduceus::sim {

namespace {

bool mentionsAny(const QString &text, const QStringList &words)
{
    for (const QString &word : words) {
        const QRegularExpression pattern(
            QStringLiteral("(^|[^a-z0-9+])%1($|[^a-z0-9+])").arg(QRegularExpression::escape(word)),
            QRegularExpression::CaseInsensitiveOption);
        if (pattern.match(text).hasMatch())
            return true;
    }
    return false;
}

QString shortened(const QString &text, int limit)
{
    if (text.size() <= limit)
        return text;
    QString cut = text.left(limit);
    const qsizetype space = cut.lastIndexOf(QLatin1Char(' '));
    if (space > limit / 2)
        cut.truncate(space);
    return cut + QStringLiteral("…");
}

// The topic as it may appear inside a string literal or a comment of any of the code blocks.
QString codeSafe(const QString &topic)
{
    QString safe;
    for (const QChar ch : topic) {
        if (ch.isLetterOrNumber() || ch == QLatin1Char(' ') || QStringLiteral(".,-_:").contains(ch))
            safe += ch;
    }
    safe = shortened(safe.simplified(), 40);
    safe.remove(QStringLiteral("…"));
    return safe.isEmpty() ? QStringLiteral("my task") : safe;
}

const QString kFiller = QStringLiteral(
    "This part walks through the details one step at a time, with notes on what to check and why it "
    "matters. ");

} // namespace

DemoAnswer::DemoAnswer(const QString &topic, int historyCount)
    : m_topic(topic.simplified()), m_historyCount(historyCount)
{
}

QString DemoAnswer::topicPhrase() const
{
    if (m_topic.isEmpty())
        return QStringLiteral("your request");
    return QStringLiteral("“%1”").arg(shortened(m_topic, 60));
}

QString DemoAnswer::codeLanguage() const
{
    if (mentionsAny(m_topic, {QStringLiteral("c++"), QStringLiteral("cpp"), QStringLiteral("qt"),
                              QStringLiteral("cmake"), QStringLiteral("qml")}))
        return QStringLiteral("cpp");
    if (mentionsAny(m_topic, {QStringLiteral("javascript"), QStringLiteral("typescript"),
                              QStringLiteral("js"), QStringLiteral("ts"), QStringLiteral("node"),
                              QStringLiteral("react"), QStringLiteral("vue")}))
        return QStringLiteral("typescript");
    if (mentionsAny(m_topic, {QStringLiteral("rust"), QStringLiteral("cargo")}))
        return QStringLiteral("rust");
    if (mentionsAny(m_topic, {QStringLiteral("sql"), QStringLiteral("sqlite"), QStringLiteral("postgres"),
                              QStringLiteral("database"), QStringLiteral("query")}))
        return QStringLiteral("sql");
    if (mentionsAny(m_topic, {QStringLiteral("bash"), QStringLiteral("shell"), QStringLiteral("git"),
                              QStringLiteral("linux"), QStringLiteral("terminal"), QStringLiteral("command"),
                              QStringLiteral("script")}))
        return QStringLiteral("bash");
    return QStringLiteral("python");
}

QString DemoAnswer::codeBlock() const
{
    const QString language = codeLanguage();
    const QString topic = codeSafe(m_topic);
    QString code;
    if (language == QLatin1String("cpp")) {
        code = QStringLiteral("#include <iostream>\n#include <string>\n#include <vector>\n\n"
                              "int main()\n{\n"
                              "    const std::vector<std::string> steps = {\"define the goal\", "
                              "\"build the smallest piece\", \"test, then extend\"};\n"
                              "    for (const auto &step : steps)\n"
                              "        std::cout << \"%1: \" << step << '\\n';\n}\n")
                   .arg(topic);
    } else if (language == QLatin1String("typescript")) {
        code = QStringLiteral("const steps = [\"define the goal\", \"build the smallest piece\", "
                              "\"test, then extend\"];\n"
                              "steps.forEach((step, i) => console.log(`${i + 1}. ${step} (%1)`));\n")
                   .arg(topic);
    } else if (language == QLatin1String("rust")) {
        code = QStringLiteral("fn main() {\n"
                              "    let steps = [\"define the goal\", \"build the smallest piece\", "
                              "\"test, then extend\"];\n"
                              "    for (i, step) in steps.iter().enumerate() {\n"
                              "        println!(\"{}. {} ({})\", i + 1, step, \"%1\");\n"
                              "    }\n}\n")
                   .arg(topic);
    } else if (language == QLatin1String("sql")) {
        code = QStringLiteral("-- Start from what the data says\n"
                              "SELECT category, COUNT(*) AS items\n"
                              "FROM tasks\n"
                              "WHERE title LIKE '%%1%'\n"
                              "GROUP BY category\n"
                              "ORDER BY items DESC;\n")
                   .arg(topic);
    } else if (language == QLatin1String("bash")) {
        code = QStringLiteral("# A safe first look before changing anything\n"
                              "git status --short\n"
                              "ls -la\n"
                              "echo \"Next: %1\"\n")
                   .arg(topic);
    } else {
        code = QStringLiteral("def plan(task: str) -> list[str]:\n"
                              "    \"\"\"Break a task into small, checkable steps.\"\"\"\n"
                              "    return [f\"define the goal for {task}\", \"build the smallest piece\", "
                              "\"test, then extend\"]\n\n"
                              "for number, step in enumerate(plan(\"%1\"), start=1):\n"
                              "    print(f\"{number}. {step}\")\n")
                   .arg(topic);
    }
    return QStringLiteral("```%1\n%2```\n").arg(language, code);
}

QString DemoAnswer::markdown() const
{
    static const QRegularExpression greeting(
        QStringLiteral("^(hi|hello|hey|hallo|bonjour|hola|good (morning|afternoon|evening)|你好)\\b"),
        QRegularExpression::CaseInsensitiveOption);
    const bool greets = greeting.match(m_topic).hasMatch() || m_topic.startsWith(QStringLiteral("你好"));
    const bool asks = m_topic.endsWith(QLatin1Char('?')) || m_topic.endsWith(QStringLiteral("？"));
    const QString history =
        m_historyCount > 0 ? QStringLiteral(" (building on the %1 earlier messages of this conversation)")
                                 .arg(m_historyCount)
                           : QString();

    QString text;
    if (greets) {
        text += QStringLiteral("### Hello! 👋\n\n");
        text +=
            QStringLiteral("Nice to meet you. I'm **hermes-sim**, the demo agent that comes with Caduceus, "
                           "and I'm happy to show how a conversation looks here%1. Answers stream in as I "
                           "write them, and you can stop me at any time.\n\n")
                .arg(history);
    } else {
        text += asks ? QStringLiteral("### About %1\n\n").arg(topicPhrase())
                     : QStringLiteral("### A plan for %1\n\n").arg(topicPhrase());
        text += asks ? QStringLiteral("Good question! Here is a short, practical way to approach it%1:\n\n")
                           .arg(history)
                     : QStringLiteral("Happy to help with that. Here is a short, practical way to approach "
                                      "it%1:\n\n")
                           .arg(history);
    }
    text += QStringLiteral("- **Pin down the goal.** Say in one sentence what a good result looks like.\n"
                           "- **Start with the smallest working piece.** Get it running, then grow it step "
                           "by step.\n"
                           "- **Check as you go.** A quick test after each step catches mistakes while they "
                           "are cheap.\n\n");
    text += QStringLiteral("A tiny example in `%1`:\n\n").arg(codeLanguage());
    text += codeBlock();
    text +=
        QStringLiteral("\nAsk a follow-up and I'll go into more detail. *(This answer comes from hermes-sim, "
                       "the built-in demo agent: connect Caduceus to your Hermes Agent for real "
                       "answers.)*");
    return text;
}

QString DemoAnswer::longMarkdown(int chars) const
{
    static const QStringList headings = {QStringLiteral("Understanding the goal"),
                                         QStringLiteral("Setting things up"),
                                         QStringLiteral("The first working version"),
                                         QStringLiteral("Handling the edge cases"),
                                         QStringLiteral("Testing it"),
                                         QStringLiteral("Making it fast"),
                                         QStringLiteral("Cleaning up"),
                                         QStringLiteral("What to do next")};
    QString text = QStringLiteral("# A long answer about %1\n\n").arg(topicPhrase());
    if (text.size() >= chars)
        return kFiller.repeated(chars / kFiller.size() + 1).left(chars);

    for (int part = 0;; ++part) {
        const QString section = QStringLiteral("## Part %1: %2\n\n%3\n\n%4\n")
                                    .arg(part + 1)
                                    .arg(headings.at(part % headings.size()))
                                    .arg(kFiller.repeated(3).trimmed())
                                    .arg(codeBlock());
        // Keep room for at least a sentence of closing text after the last whole section.
        if (text.size() + section.size() + 80 > chars)
            break;
        text += section;
    }
    const qsizetype remaining = chars - text.size();
    text += kFiller.repeated(remaining / kFiller.size() + 1).left(remaining);
    return text;
}

QString DemoAnswer::reasoning() const
{
    return QStringLiteral("The user wrote about %1. A good answer restates the goal, gives a short plan, and "
                          "shows a small %2 example. I'll keep it friendly and concrete, and end by inviting "
                          "a follow-up.")
        .arg(topicPhrase(), codeLanguage());
}

} // namespace caduceus::sim
