// RunEvent::decode (one SSE data payload of the agent) and the approval normaliser: any bytes give an
// event or a clear error, the event name is always the one in the JSON, and decoding is stable.
#include "FuzzCheck.h"
#include "FuzzInput.h"
#include "hermes/RunEvent.h"
#include "hermes/RunEventStream.h"

#include <QJsonDocument>

using caduceus::fuzz::FuzzInput;
using caduceus::hermes::RunEvent;
using caduceus::hermes::RunEventStream;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzInput input(data, size);
    // The first line is the frame's `event:` field, the rest its data (the seeds are plain data lines).
    const QByteArray sseEventName = input.takeBool() ? input.takeUntil('\n') : QByteArray();
    const QByteArray payload = input.takeRest();

    QString error;
    const std::optional<RunEvent> event = RunEvent::decode(payload, sseEventName, &error);
    if (!event) {
        FUZZ_CHECK(!error.isEmpty(), "a rejected payload has no error message");
    } else {
        FUZZ_CHECK(event->json.value(QLatin1String("event")).toString() == event->name,
                   "the event name differs from the payload's \"event\"");
        FUZZ_CHECK(event->isTerminal() == RunEvent::isTerminalName(event->name),
                   "isTerminal is inconsistent");
        (void)event->deltaText();
        (void)event->runId();
        (void)event->timestamp();

        // Decoding what we decoded changes nothing: a relay passing the event on sends the same event.
        const QByteArray again = QJsonDocument(event->json).toJson(QJsonDocument::Compact);
        const std::optional<RunEvent> redecoded = RunEvent::decode(again);
        FUZZ_CHECK(redecoded.has_value(), "a decoded event does not decode again");
        FUZZ_CHECK(redecoded->name == event->name, "re-decoding changed the event name");
        FUZZ_CHECK(redecoded->json == event->json, "re-decoding changed the payload");

        const QJsonObject approval = RunEvent::normalizeApproval(event->json, QStringLiteral("run_fuzz"));
        if (!approval.isEmpty()) {
            FUZZ_CHECK(approval.value(QLatin1String("choices")).isArray(),
                       "a normalised approval has no choices");
            FUZZ_CHECK(RunEvent::normalizeApproval(approval, QStringLiteral("run_fuzz")) == approval,
                       "normalising an approval twice changes it");
        }
    }

    // The same bytes seen as a GET /v1/runs/{id} answer (status polling).
    const QJsonDocument document = QJsonDocument::fromJson(payload);
    if (document.isObject()) {
        if (const auto terminal =
                RunEventStream::terminalFromStatus(document.object(), QStringLiteral("run_fuzz")))
            FUZZ_CHECK(terminal->isTerminal(), "terminalFromStatus made a non-terminal event");
    }
    return 0;
}
