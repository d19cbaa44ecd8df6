#include "ui/ImageEncoding.h"

#include <QBuffer>
#include <QImage>
#include <QImageReader>

namespace caduceus::ui {

namespace {
QByteArray encode(const QImage &image, const char *format, int quality)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, format, quality))
        return {};
    return bytes;
}
} // namespace

chat::AgentInput::EncodedImage encodeImageForAgent(const QString &path, int maxSide, qint64 maxBytes)
{
    chat::AgentInput::EncodedImage out;
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    // Decoding a huge image only to shrink it costs memory; the reader scales while it decodes when it can.
    if (size.isValid() && qMax(size.width(), size.height()) > maxSide)
        reader.setScaledSize(size.scaled(maxSide, maxSide, Qt::KeepAspectRatio));
    QImage image = reader.read();
    if (image.isNull()) {
        out.error = QStringLiteral("is not an image this program can read (%1)").arg(reader.errorString());
        return out;
    }
    out.original = size.isValid() ? size : image.size();
    if (reader.transformation() & QImageIOHandler::TransformationRotate90)
        out.original.transpose();
    if (qMax(image.width(), image.height()) > maxSide)
        image = image.scaled(maxSide, maxSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);

    if (image.hasAlphaChannel()) {
        out.data = encode(image, "PNG", -1);
        out.mediaType = QStringLiteral("image/png");
        // A large transparent image: smaller sides until it fits (halving keeps it quick).
        while (!out.data.isEmpty() && out.data.size() > maxBytes &&
               qMax(image.width(), image.height()) > 256) {
            image = image.scaled(image.width() / 2, image.height() / 2, Qt::KeepAspectRatio,
                                 Qt::SmoothTransformation);
            out.data = encode(image, "PNG", -1);
        }
    } else {
        if (image.format() != QImage::Format_RGB32 && image.format() != QImage::Format_RGB888)
            image = image.convertToFormat(QImage::Format_RGB32);
        out.mediaType = QStringLiteral("image/jpeg");
        for (int quality : {85, 70, 55}) {
            out.data = encode(image, "JPG", quality);
            if (out.data.isEmpty() || out.data.size() <= maxBytes)
                break;
        }
        while (!out.data.isEmpty() && out.data.size() > maxBytes &&
               qMax(image.width(), image.height()) > 256) {
            image = image.scaled(image.width() / 2, image.height() / 2, Qt::KeepAspectRatio,
                                 Qt::SmoothTransformation);
            out.data = encode(image, "JPG", 70);
        }
    }
    if (out.data.isEmpty()) {
        out.error = QStringLiteral("could not be encoded as %1").arg(out.mediaType);
        return out;
    }
    out.sent = image.size();
    return out;
}

} // namespace caduceus::ui
