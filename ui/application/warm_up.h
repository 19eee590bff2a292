#pragma once
// First-time work done ahead, so that it never lands on the GUI thread at
// a moment the user is waiting for. Measured in gui_bench (docs/
// benchmarks.md, issue 15 target 7): the meeting window's first build
// loaded Qt's image-format plugins on the GUI thread (about 8 ms, more while
// the media worker loaded GStreamer's), and its first paint did 9-12 ms of
// text shaping, glyphs, style pixmaps, layouts and the backing store's page
// faults in one piece, just as the user joined.

#include <functional>

class QWidget;

namespace parley::ui {

// Loads Qt's image-format plugins (dlopen). Any thread: the sign-in window
// runs it on a worker before the meeting window is built.
void loadImagePlugins();

// Paints `window` (hidden, top-level) into a scratch image ahead of its
// first showing, one part per turn of the event loop, so that its real
// first paint finds its layouts, glyphs and pixmaps ready; last, makes its
// native window and writes its backing store once, so that the first paint
// does not fault in the store's pages either. Stops by itself
// when the window is shown or destroyed: a window needed at once is never
// held back. `done`, if given, runs once it has stopped, unless the window
// was destroyed (its timer goes with it).
void paintAhead(QWidget* window, std::function<void()> done = {});

}  // namespace parley::ui
