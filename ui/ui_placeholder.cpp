// parley_ui has no windows yet; the desktop-client issue fills it. The target
// links Qt so the layering check has the real shape from day one.
#include <QtGlobal>

namespace parley::ui {
const char* qtVersionForTest() { return qVersion(); }
}  // namespace parley::ui
