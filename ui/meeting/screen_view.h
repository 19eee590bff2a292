#pragma once
// ScreenView: a shared screen's tile inside a scroll area, so it can be seen
// fitted to the space there is or at 100 % (every pixel of the sharer's
// screen on one of ours, scrolled when larger), which small text needs.
// Used by the meeting window's tile grid and by ScreenWindow (popped out).
//
// Threads: GUI thread.

#include <QScrollArea>

namespace parley::ui {

class VideoTile;

class ScreenView final : public QScrollArea {
  Q_OBJECT
 public:
  // Takes `tile` (a screen's) as its content.
  explicit ScreenView(VideoTile* tile, QWidget* parent = nullptr);
  [[nodiscard]] VideoTile* tile() const { return tile_; }
  void setActualSize(bool actual);
  [[nodiscard]] bool actualSize() const;

 private:
  VideoTile* tile_;
};

}  // namespace parley::ui
