// Shows the Caduceus components with sample data. Gallery.qml is read from the source folder so it
// can be edited without rebuilding.
#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QUrl>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(CaduceusPlugin)

int main(int argc, char **argv)
{
    QGuiApplication app(argc, argv);
    QQuickStyle::setStyle(QStringLiteral("Basic"));

    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption dark(QStringLiteral("dark"), QStringLiteral("Use the dark theme."));
    const QCommandLineOption page(QStringLiteral("page"), QStringLiteral("chat, controls or approval."),
                                  QStringLiteral("name"), QStringLiteral("chat"));
    const QCommandLineOption scale(QStringLiteral("scale"), QStringLiteral("Font scale."), QStringLiteral("factor"),
                                   QStringLiteral("1.0"));
    parser.addOptions({dark, page, scale});
    parser.process(app);

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine.setInitialProperties({{QStringLiteral("darkMode"), parser.isSet(dark)},
                                 {QStringLiteral("page"), parser.value(page)},
                                 {QStringLiteral("fontScale"), parser.value(scale).toDouble()}});
    engine.load(QUrl::fromLocalFile(QStringLiteral(CADUCEUS_GALLERY_DIR "/Gallery.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;
    return QGuiApplication::exec();
}
