#include "ui/application/resources_init.h"

#include <QtGlobal>

// Q_INIT_RESOURCE must be used outside any namespace.
static void parleyInitResources() {
  Q_INIT_RESOURCE(parley);
  Q_INIT_RESOURCE(parley_i18n);
#ifdef _WIN32
  Q_INIT_RESOURCE(parley_icons);  // PNGs of the icon: ui/application/app_icon.h
#endif
}

namespace parley::ui {
void initResources() {
  static const bool once = [] {
    parleyInitResources();
    return true;
  }();
  (void)once;
}
}  // namespace parley::ui
