// The window's image encoder for a remote agent (chat::AgentInput): images are downscaled so the longest
// side is at most 2048 px, opaque ones become JPEG, transparent ones PNG, and the size limit holds.
#include "ui/ImageEncoding.h"

#include <QImage>
#include <QPainter>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using caduceus::chat::AgentInput;
using caduceus::ui::encodeImageForAgent;

class ImageEncodingTest : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString save(const QImage &image, const char *name)
    {
        const QString path = m_dir.filePath(QLatin1String(name));
        if (!image.save(path))
            qFatal("cannot save %s", name);
        return path;
    }
    static QImage noise(int width, int height, QImage::Format format)
    {
        QImage image(width, height, format);
        QRandomGenerator random(42);
        for (int y = 0; y < height; ++y) {
            auto *line = reinterpret_cast<quint32 *>(image.scanLine(y));
            for (int x = 0; x < width; ++x)
                line[x] = random.generate() | (format == QImage::Format_ARGB32 ? 0x80000000u : 0xff000000u);
        }
        return image;
    }

private Q_SLOTS:
    void largePhotoIsDownscaledToJpeg()
    {
        QImage photo(4000, 3000, QImage::Format_RGB32);
        photo.fill(Qt::darkCyan);
        QPainter(&photo).fillRect(0, 0, 2000, 1500, Qt::yellow);
        const AgentInput::EncodedImage out = encodeImageForAgent(
            save(photo, "photo.png"), AgentInput::MaxImageSide, AgentInput::MaxImageBytes);
        QVERIFY2(out.error.isEmpty(), qPrintable(out.error));
        QCOMPARE(out.mediaType, QStringLiteral("image/jpeg"));
        QCOMPARE(out.original, QSize(4000, 3000));
        QCOMPARE(out.sent, QSize(2048, 1536));
        QVERIFY(out.data.startsWith("\xff\xd8\xff"));
        QCOMPARE(QImage::fromData(out.data).size(), QSize(2048, 1536));
    }

    void smallTransparentImageStaysPngAtItsSize()
    {
        QImage icon(64, 48, QImage::Format_ARGB32);
        icon.fill(Qt::transparent);
        QPainter(&icon).fillRect(8, 8, 16, 16, Qt::red);
        const AgentInput::EncodedImage out =
            encodeImageForAgent(save(icon, "icon.png"), AgentInput::MaxImageSide, AgentInput::MaxImageBytes);
        QVERIFY2(out.error.isEmpty(), qPrintable(out.error));
        QCOMPARE(out.mediaType, QStringLiteral("image/png"));
        QCOMPARE(out.sent, QSize(64, 48));
        const QImage back = QImage::fromData(out.data);
        QCOMPARE(back.pixelColor(0, 0).alpha(), 0);
        QCOMPARE(back.pixelColor(10, 10), QColor(Qt::red));
    }

    void sizeLimitIsKept()
    {
        // Noise does not compress: the encoder must lower the quality, then the size, to fit.
        const qint64 limit = 200 * 1024;
        const AgentInput::EncodedImage out = encodeImageForAgent(
            save(noise(1600, 1200, QImage::Format_RGB32), "noise.png"), AgentInput::MaxImageSide, limit);
        QVERIFY2(out.error.isEmpty(), qPrintable(out.error));
        QVERIFY2(out.data.size() <= limit, qPrintable(QString::number(out.data.size())));
        QVERIFY(out.sent.width() < 1600);
        const AgentInput::EncodedImage alpha =
            encodeImageForAgent(save(noise(1600, 1200, QImage::Format_ARGB32), "noise-alpha.png"),
                                AgentInput::MaxImageSide, limit);
        QVERIFY2(alpha.error.isEmpty(), qPrintable(alpha.error));
        QCOMPARE(alpha.mediaType, QStringLiteral("image/png"));
        QVERIFY2(alpha.data.size() <= limit, qPrintable(QString::number(alpha.data.size())));
    }

    void notAnImageIsRefused()
    {
        const QString path = m_dir.filePath(QStringLiteral("fake.png"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not an image at all");
        file.close();
        const AgentInput::EncodedImage out =
            encodeImageForAgent(path, AgentInput::MaxImageSide, AgentInput::MaxImageBytes);
        QVERIFY(out.data.isEmpty());
        QVERIFY2(out.error.startsWith(QLatin1String("is not an image")), qPrintable(out.error));
    }
};

QTEST_MAIN(ImageEncodingTest)
#include "tst_image_encoding.moc"
