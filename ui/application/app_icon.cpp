#include "ui/application/app_icon.h"

#include <QFile>
#include <QSize>
#include <QString>

#include "ui/application/resources_init.h"

namespace parley::ui {

QIcon appIcon() {
  initResources();
  QIcon icon;
  for (const int size : {16, 24, 32, 48, 64, 128, 256}) {
    const QString png = QStringLiteral(":/icons/parley-%1.png").arg(size);
    if (QFile::exists(png)) {
      icon.addFile(png, QSize(size, size));
    }
  }
  if (icon.isNull()) {
    icon = QIcon(QStringLiteral(":/icons/parley.svg"));
  }
  return icon;
}

}  // namespace parley::ui
