#pragma once
// Parley's icon for windows and the sign-in logo. Where Qt has its SVG icon
// engine (Linux) it is the SVG; the Windows build's Qt has no qt6-svg
// (scripts/windows-deps says why), so there it is PNGs rendered from the same
// SVG at build time (ui/CMakeLists.txt).

#include <QIcon>

namespace parley::ui {
QIcon appIcon();
}
