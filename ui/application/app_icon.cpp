#include "ui/application/app_icon.h"

#include <QFile>
#include <QSize>
#include <QString>

#include "ui/application/resources_init.h"

namespace parley::ui {

QIcon appIcon() {
  // Every window asks for it (the meeting window is built again after each
  // meeting): one for the process, whose sizes Qt loads and keeps as they
  // are drawn. GUI thread only. Never destroyed: its pixmaps must not go
  // after Qt's own statics at exit.
  static const QIcon* const kIcon = new QIcon([] {
    initResources();
    QIcon loaded;
    for (const int size : {16, 24, 32, 48, 64, 128, 256}) {
      const QString png = QStringLiteral(":/icons/parley-%1.png").arg(size);
      if (QFile::exists(png)) {
        loaded.addFile(png, QSize(size, size));
      }
    }
    if (loaded.isNull()) {
      loaded = QIcon(QStringLiteral(":/icons/parley.svg"));
    }
    return loaded;
  }());
  return *kIcon;
}

}  // namespace parley::ui
