// The main() of a fuzz target built without libFuzzer (g++, the normal test suite): feeds every file of
// the given folders (seed corpus, saved crashes, regression inputs) to LLVMFuzzerTestOneInput, plus a few
// deterministic variants of each (truncations and byte changes), so the suite re-checks every input that
// ever broke a parser without needing clang. A crash or a violated property ends the process; the input
// that caused it is printed first.
//
//   fuzz_sse_reader_replay [--variants N] <folder or file>...
#include <QByteArray>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QStringList>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

namespace {

char g_current[1024] = "(none)";

void reportAndReraise(int signal)
{
    const char prefix[] = "\nfuzz replay: the input that failed: ";
    [[maybe_unused]] ssize_t ignored = write(STDERR_FILENO, prefix, sizeof prefix - 1);
    ignored = write(STDERR_FILENO, g_current, strlen(g_current));
    ignored = write(STDERR_FILENO, "\n", 1);
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

void setCurrent(const QString &file, const char *variant, qsizetype detail)
{
    std::snprintf(g_current, sizeof g_current, "%s (%s %lld)", qPrintable(file), variant, (long long)detail);
}

void run(const QByteArray &bytes)
{
    // A copy of exactly the input's size, so ASan sees reads past its end.
    auto *copy = new uint8_t[size_t(std::max<qsizetype>(bytes.size(), 1))];
    std::memcpy(copy, bytes.constData(), size_t(bytes.size()));
    LLVMFuzzerTestOneInput(copy, size_t(bytes.size()));
    delete[] copy;
}

// A small fixed-seed generator: the same variants on every run and every machine.
struct Lcg
{
    uint64_t state;
    uint32_t next()
    {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return uint32_t(state >> 33);
    }
};

int replayFile(const QString &path, int variants)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "fuzz replay: cannot read %s\n", qPrintable(path));
        return 0;
    }
    const QByteArray bytes = file.readAll();
    setCurrent(path, "as is", bytes.size());
    run(bytes);
    int count = 1;
    Lcg random{uint64_t(qHash(bytes)) ^ 0x9e3779b97f4a7c15ULL};
    for (int i = 0; i < variants && !bytes.isEmpty(); ++i) {
        const qsizetype at = qsizetype(random.next() % uint32_t(bytes.size()));
        QByteArray variant = bytes;
        switch (random.next() % 4) {
        case 0:
            setCurrent(path, "truncated at", at);
            variant.truncate(at);
            break;
        case 1:
            setCurrent(path, "byte changed at", at);
            variant[at] = char(random.next());
            break;
        case 2:
            setCurrent(path, "byte removed at", at);
            variant.remove(at, 1);
            break;
        default:
            setCurrent(path, "tail repeated from", at);
            variant.append(bytes.mid(at));
            break;
        }
        run(variant);
        ++count;
    }
    return count;
}

} // namespace

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int signal : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL})
        std::signal(signal, reportAndReraise);

    int variants = 0;
    QStringList files;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--variants") == 0 && i + 1 < argc) {
            variants = std::max(0, std::atoi(argv[++i]));
            continue;
        }
        const QString path = QString::fromLocal8Bit(argv[i]);
        if (QFileInfo(path).isDir()) {
            QDirIterator it(path, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
            while (it.hasNext())
                files << it.next();
        } else if (QFileInfo::exists(path)) {
            files << path;
        }
    }
    files.sort();
    if (files.isEmpty()) {
        std::fprintf(stderr, "fuzz replay: no input files given\n");
        return 2;
    }
    long long inputs = 0;
    for (const QString &path : std::as_const(files))
        inputs += replayFile(path, variants);
    std::printf("fuzz replay: %lld inputs from %lld files, no failure\n", inputs, (long long)files.size());
    return 0;
}
