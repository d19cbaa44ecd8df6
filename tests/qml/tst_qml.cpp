// Runs every tst_*.qml in this folder against the statically linked Caduceus QML module.
#include <QClipboard>
#include <QGuiApplication>
#include <QImage>
#include <QInputMethodEvent>
#include <QMimeData>
#include <QQmlContext>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QTemporaryDir>
#include <QUrl>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(CaduceusPlugin)

// What QML tests cannot do on their own: drive an input method and fill the clipboard with files.
class QmlTestHelper : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    Q_INVOKABLE void compose(QQuickItem *item, const QString &preedit)
    {
        QInputMethodEvent event(preedit, {});
        QCoreApplication::sendEvent(item, &event);
    }

    Q_INVOKABLE void commit(QQuickItem *item, const QString &text)
    {
        QInputMethodEvent event;
        event.setCommitString(text);
        QCoreApplication::sendEvent(item, &event);
    }

    Q_INVOKABLE void setClipboardFiles(const QStringList &paths)
    {
        auto *mime = new QMimeData;
        QList<QUrl> urls;
        for (const QString &path : paths)
            urls.append(QUrl::fromLocalFile(path));
        mime->setUrls(urls);
        QGuiApplication::clipboard()->setMimeData(mime);
    }

    Q_INVOKABLE void setClipboardText(const QString &text) { QGuiApplication::clipboard()->setText(text); }

    Q_INVOKABLE void setClipboardImage(int width, int height, bool withText)
    {
        auto *mime = new QMimeData;
        QImage image(width, height, QImage::Format_RGB32);
        image.fill(Qt::darkCyan);
        mime->setImageData(image);
        if (withText)
            mime->setText(QStringLiteral("A1\tB1"));
        QGuiApplication::clipboard()->setMimeData(mime);
    }

    Q_INVOKABLE QSize imageSize(const QString &path) const { return QImage(path).size(); }

    Q_INVOKABLE QString temporaryDirectory() const { return m_temporary.path(); }

private:
    QTemporaryDir m_temporary;
};

class Setup : public QObject
{
    Q_OBJECT

public slots:
    void applicationAvailable() { QQuickStyle::setStyle(QStringLiteral("Basic")); }

    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
        engine->rootContext()->setContextProperty(QStringLiteral("TestHelper"), new QmlTestHelper(engine));
    }
};

QUICK_TEST_MAIN_WITH_SETUP(caduceus_qml, Setup)

#include "tst_qml.moc"
