#pragma once
#include <QList>
#include <QString>
#include <QStringList>

namespace caduceus::ui {

// One line of packaging/runtime-requirements.txt: a piece the window loads at run time that no linker sees
// (a QML module, an image plugin, a font) and the Debian package that brings it. The same table feeds
// scripts/deps.sh, the .deb's Depends/Recommends and RuntimeCheck, so they cannot drift apart.
struct RuntimeRequirement
{
    enum class Kind { QmlModule, ImageFormat, Font, Package };
    Kind kind = Kind::Package;
    QString name;          // "Qt.labs.folderlistmodel", "svg", "SimplifiedChinese"; empty for a Package
    QStringList packages;  // alternatives, the newer name first ("qt6-svg-plugins", "libqt6svg6")
    bool recommended = false; // false: the window breaks without it; true: it only looks wrong

    // "qt6-svg-plugins or libqt6svg6"
    QString packageText() const;
};

namespace RuntimeRequirements {
// Parses the table; on a malformed line returns what was read so far and says which line in *error.
QList<RuntimeRequirement> parse(const QString &text, QString *error = nullptr);
// The table compiled into the UI library (:/caduceus/runtime-requirements.txt).
QList<RuntimeRequirement> builtIn(QString *error = nullptr);
} // namespace RuntimeRequirements

} // namespace caduceus::ui
