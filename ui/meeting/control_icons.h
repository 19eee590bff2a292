#pragma once
// The meeting window's control icons (resources/icons/controls, GNOME's
// Adwaita symbolic set), drawn in a given colour so that they follow the
// palette: dark on a light desktop, light on a dark one, white on the red
// Leave and muted buttons. Sharp at any scale: each size is drawn from the
// SVG for the screen's device pixel ratio when first drawn, and kept
// (one icon per name and colour for the process). GUI thread.

#include <QColor>
#include <QIcon>
#include <QString>

namespace parley::ui {

// `name`: microphone, microphone-muted, camera, camera-off, share, chat,
// participants, leave. A null icon when it cannot be drawn (no SVG support).
QIcon controlIcon(const QString& name, const QColor& colour);

}  // namespace parley::ui
