#pragma once
// What a run's input becomes on the wire (POST /v1/runs "input"). An attachment is a local file, and a
// local path only helps an agent on this computer:
//   - agent on this computer (loopback address, AgentEndpoint::readsLocalFiles): the flattened text, with
//     "[Image: /path]" / "[File: /path]" lines the agent's tools open (ContentBlocks::flattenForAgent);
//   - agent elsewhere: one user message whose content is OpenAI-style parts, as the v0.19 API server takes
//     them: the text, every image as {"type":"image_url","image_url":{"url":"data:image/…;base64,…"}}
//     (downscaled and re-encoded by the image encoder, at most MaxImageBytes), every small text file inline
//     as a text part. Binary files cannot be sent and are refused with a sentence saying so.
// Each attachment block may carry "delivery" ("path" | "image" | "text"), chosen when the message was
// written (ChatBackend) so the window can say what happened; without it the agent's location decides.
#include <QJsonArray>
#include <QJsonValue>
#include <QSize>
#include <QString>
#include <QStringList>
#include <functional>

namespace caduceus::chat {

class AgentInput
{
public:
    static constexpr int MaxImageSide = 2048;                // longest side sent, in pixels
    static constexpr qint64 MaxImageBytes = 5 * 1024 * 1024; // one image after encoding
    static constexpr qint64 MaxTextFileBytes = 256 * 1024;   // one text file sent inline
    static constexpr qint64 MaxInlineBytes =
        9 * 1024 * 1024; // all parts: the agent refuses bodies over 10 MB

    struct EncodedImage
    {
        QByteArray data;   // the encoded image
        QString mediaType; // image/png, image/jpeg, …
        QSize original;    // pixels of the file (invalid when unknown)
        QSize sent;        // pixels sent
        QString error;     // why the image cannot be sent; empty on success
    };
    // Reads the image at `path`, downscales it so its longest side is at most maxSide and re-encodes it
    // (PNG when it has transparency, else JPEG) so that it stays under maxBytes when possible.
    using ImageEncoder = std::function<EncodedImage(const QString &path, int maxSide, qint64 maxBytes)>;
    // The process's image encoder. The window installs one built on QImage (ui/ImageEncoding); without it
    // (the headless program has no image codecs) PNG, JPEG, GIF and WebP files are sent as they are.
    static void setImageEncoder(ImageEncoder encoder);
    static EncodedImage encodeImage(const QString &path, int maxSide, qint64 maxBytes);

    QString text;      // the input when it is a string
    QJsonArray parts;  // otherwise: the content parts of the user message
    QStringList notes; // one sentence per attachment: how it was sent
    QString error;     // the input cannot be sent: why (names the file)

    bool ok() const { return error.isEmpty(); }
    bool isParts() const { return !parts.isEmpty(); }
    // "input" for POST /v1/runs: the text, or [{"role":"user","content":[parts]}].
    QJsonValue wireValue() const;

    // `input` as stored (text or ContentBlock array).
    static AgentInput build(const QJsonValue &input, bool agentReadsLocalFiles);

    // When the message is written: each attachment block gets "delivery" for this agent, after the checks
    // that need no encoding (a binary or too large text file, an unreadable image). Returns "" or the
    // sentence saying why the message cannot be sent to this agent.
    static QString planDelivery(QJsonArray &blocks, bool agentReadsLocalFiles);
};

} // namespace caduceus::chat
