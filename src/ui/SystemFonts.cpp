#include "ui/SystemFonts.h"

#include <QFontDatabase>

namespace caduceus::ui {

SystemFonts::SystemFonts(QObject *parent)
    : QObject(parent),
      m_general(QFontDatabase::systemFont(QFontDatabase::GeneralFont)),
      m_fixed(QFontDatabase::systemFont(QFontDatabase::FixedFont))
{
}

} // namespace caduceus::ui
