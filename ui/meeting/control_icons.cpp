#include "ui/meeting/control_icons.h"

#include <QFile>
#include <QPainter>
#include <QPixmap>

#include "ui/application/resources_init.h"

namespace parley::ui {
namespace {

// Logical sizes the control bar asks for, each also at 1.5x and 2x.
constexpr int kSizes[] = {16, 24, 32, 48};
constexpr double kScales[] = {1.0, 1.5, 2.0};

// The icon's shape filled with `colour`: the SVGs are single-colour
// symbolic icons, so their alpha is the shape.
QPixmap tinted(const QIcon& source, int pixels, const QColor& colour) {
  QPixmap pixmap = source.pixmap(QSize(pixels, pixels));
  if (pixmap.isNull()) {
    return pixmap;
  }
  QPainter painter(&pixmap);
  painter.setCompositionMode(QPainter::CompositionMode_SourceIn);
  painter.fillRect(pixmap.rect(), colour);
  return pixmap;
}

}  // namespace

QIcon controlIcon(const QString& name, const QColor& colour) {
  initResources();
  // The Windows build's Qt reads no SVG: there its build rendered PNGs
  // (ui/CMakeLists.txt).
  const QString png = QStringLiteral(":/icons/controls/%1.png").arg(name);
  const QString path =
      QFile::exists(png) ? png : QStringLiteral(":/icons/controls/%1.svg").arg(name);
  if (!QFile::exists(path)) {
    return {};
  }
  const QIcon source(path);
  QIcon icon;
  for (const int size : kSizes) {
    for (const double scale : kScales) {
      QPixmap pixmap = tinted(source, static_cast<int>(size * scale), colour);
      if (pixmap.isNull()) {
        return {};  // this Qt cannot read SVG: buttons keep their text
      }
      pixmap.setDevicePixelRatio(scale);
      icon.addPixmap(pixmap, QIcon::Normal, QIcon::Off);
    }
  }
  return icon;
}

}  // namespace parley::ui
