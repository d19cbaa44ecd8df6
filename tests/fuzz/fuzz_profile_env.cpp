// The profile .env reader (ProfileDiscovery::parseDotEnv): any file content gives keys and warnings,
// never a crash, and a warning never repeats a value (values are API keys).
#include "FuzzCheck.h"
#include "hermes/ProfileDiscovery.h"

using caduceus::hermes::ProfileDiscovery;

namespace {

// A value that cannot occur in any warning text unless a value leaked into it.
const QByteArray Canary = QByteArrayLiteral("\x01zq-canary-secret-7f3\x02");

void checkNoValueLeaks(const QByteArray &text)
{
    QStringList warnings;
    (void)ProfileDiscovery::parseDotEnv(text, &warnings);
    for (const QString &warning : std::as_const(warnings))
        FUZZ_CHECK(!warning.contains(QString::fromLatin1(Canary)) &&
                       !warning.contains(QLatin1String("zq-canary")),
                   "a .env warning contains a value");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    QStringList warnings;
    const QMap<QString, QString> values = ProfileDiscovery::parseDotEnv(text, &warnings);
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        FUZZ_CHECK(!it.key().isEmpty(), "an empty key");
        FUZZ_CHECK(it.value().size() <= text.size(), "a value longer than the file");
    }
    if (text.contains("zq-canary"))
        return 0;
    // The same file with a secret in every shape the parser treats differently, valid or broken, placed
    // before and after the fuzzed text.
    for (const QByteArray &line :
         {QByteArray("SECRET_KEY=") + Canary, QByteArray("SECRET_KEY=\"") + Canary + "\" trailing",
          QByteArray("SECRET_KEY='") + Canary + "' # c", QByteArray("SECRET_KEY=\"") + Canary,
          QByteArray("export SECRET_KEY='") + Canary, QByteArray("bad key=") + Canary}) {
        checkNoValueLeaks(line + '\n' + text);
        checkNoValueLeaks(text + '\n' + line + '\n');
    }
    return 0;
}
