#include "ui/gui_test_support.h"

#include <QApplication>
#include <QDir>
#include <QPixmap>

namespace parley::test {

TempSettings::TempSettings() = default;

void screenshot(QWidget* widget, const QString& name) {
  const QString dir = qEnvironmentVariable("PARLEY_SCREENSHOT_DIR");
  if (dir.isEmpty() || widget == nullptr) {
    return;
  }
  QDir().mkpath(dir);
  QApplication::processEvents();
  widget->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
}

}  // namespace parley::test
