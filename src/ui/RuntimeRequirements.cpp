#include "RuntimeRequirements.h"

#include <QFile>
#include <QRegularExpression>

namespace caduceus::ui {

QString RuntimeRequirement::packageText() const
{
    return packages.join(QStringLiteral(" or "));
}

namespace RuntimeRequirements {

QList<RuntimeRequirement> parse(const QString &text, QString *error)
{
    static const QRegularExpression blanks(QStringLiteral("\\s+"));
    static const QRegularExpression packageName(QStringLiteral("^[a-z0-9][a-z0-9+.-]+$"));
    QList<RuntimeRequirement> requirements;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const QStringList fields = line.split(blanks);
        auto fail = [&](const QString &why) {
            if (error)
                *error = QStringLiteral("line %1: %2: %3").arg(i + 1).arg(why, line);
            return requirements;
        };
        if (fields.size() != 4)
            return fail(QStringLiteral("expected 4 columns (kind name package need)"));
        RuntimeRequirement requirement;
        const QString &kind = fields.at(0);
        if (kind == QLatin1String("qml"))
            requirement.kind = RuntimeRequirement::Kind::QmlModule;
        else if (kind == QLatin1String("image"))
            requirement.kind = RuntimeRequirement::Kind::ImageFormat;
        else if (kind == QLatin1String("font"))
            requirement.kind = RuntimeRequirement::Kind::Font;
        else if (kind == QLatin1String("package"))
            requirement.kind = RuntimeRequirement::Kind::Package;
        else
            return fail(QStringLiteral("unknown kind \"%1\"").arg(kind));
        if (fields.at(1) != QLatin1String("-"))
            requirement.name = fields.at(1);
        if (requirement.name.isEmpty() != (requirement.kind == RuntimeRequirement::Kind::Package))
            return fail(QStringLiteral("a package line has \"-\" as its name, every other line a name"));
        requirement.packages = fields.at(2).split(QLatin1Char('|'));
        for (const QString &package : std::as_const(requirement.packages)) {
            if (!packageName.match(package).hasMatch())
                return fail(QStringLiteral("\"%1\" is not a Debian package name").arg(package));
        }
        if (fields.at(3) == QLatin1String("recommends"))
            requirement.recommended = true;
        else if (fields.at(3) != QLatin1String("depends"))
            return fail(QStringLiteral("need is \"depends\" or \"recommends\", not \"%1\"").arg(fields.at(3)));
        requirements.append(requirement);
    }
    if (error)
        error->clear();
    return requirements;
}

QList<RuntimeRequirement> builtIn(QString *error)
{
    QFile file(QStringLiteral(":/caduceus/runtime-requirements.txt"));
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("the requirements table is not compiled into this program");
        return {};
    }
    return parse(QString::fromUtf8(file.readAll()), error);
}

} // namespace RuntimeRequirements

} // namespace caduceus::ui
