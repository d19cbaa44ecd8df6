#pragma once

#include <QFont>
#include <QObject>
#include <QtQml/qqmlregistration.h>

namespace caduceus::ui {

// The platform's UI and fixed-width fonts (QML has no portable name for "the monospace font").
class SystemFonts : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(QString generalFamily READ generalFamily CONSTANT)
    Q_PROPERTY(QString fixedFamily READ fixedFamily CONSTANT)
    Q_PROPERTY(qreal generalPointSize READ generalPointSize CONSTANT)

public:
    explicit SystemFonts(QObject *parent = nullptr);

    QString generalFamily() const { return m_general.family(); }
    QString fixedFamily() const { return m_fixed.family(); }
    qreal generalPointSize() const { return m_general.pointSizeF(); }

private:
    QFont m_general;
    QFont m_fixed;
};

} // namespace caduceus::ui
