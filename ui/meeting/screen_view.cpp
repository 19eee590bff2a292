#include "ui/meeting/screen_view.h"

#include <QScrollBar>

#include "ui/meeting/video_tile.h"

namespace parley::ui {

ScreenView::ScreenView(VideoTile* tile, QWidget* parent) : QScrollArea(parent), tile_(tile) {
  setFrameShape(QFrame::NoFrame);
  setAlignment(Qt::AlignCenter);
  setWidget(tile_);
  setWidgetResizable(true);
  setFocusPolicy(Qt::StrongFocus);  // arrow keys scroll at 100 %
  setAccessibleName(tr("Shared screen of %1").arg(tile_->name()));
  horizontalScrollBar()->setAccessibleName(tr("Scroll the shared screen sideways"));
  verticalScrollBar()->setAccessibleName(tr("Scroll the shared screen up and down"));
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ScreenView::setActualSize(bool actual) {
  // Fitted, the tile follows the area's size; at 100 % it has the picture's
  // own size and the area scrolls.
  setWidgetResizable(!actual);
  tile_->setActualSize(actual);
}

bool ScreenView::actualSize() const { return tile_->actualSize(); }

}  // namespace parley::ui
