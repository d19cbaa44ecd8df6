// The profile config.yaml reader (ProfileDiscovery::parseConfigYaml, on yaml-cpp): any file content
// gives a model configuration or one readable error, never a crash, an escaped exception or a hang.
#include "FuzzCheck.h"
#include "hermes/ProfileDiscovery.h"

using caduceus::hermes::ProfileDiscovery;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    QString error;
    const ProfileDiscovery::ModelConfig config = ProfileDiscovery::parseConfigYaml(text, &error);
    FUZZ_CHECK(config.contextLength >= 0, "a negative context length");
    FUZZ_CHECK(config.defaultModel.size() <= text.size(), "a model name longer than the file");
    // One short sentence: the error quotes at most a cut piece of the file.
    FUZZ_CHECK(error.size() <= 400, "an error message that grows with the file");
    return 0;
}
