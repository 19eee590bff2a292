#include "ui/meeting/tile_board.h"

#include <QGridLayout>
#include <algorithm>
#include <cmath>
#include <vector>

#include "ui/meeting/participant_model.h"
#include "ui/meeting/screen_view.h"
#include "ui/meeting/screen_window.h"
#include "ui/meeting/video_tile.h"

namespace parley::ui {

TileBoard::TileBoard(const ParticipantModel& people, QWidget* parent)
    : QWidget(parent), people_(people) {
  setObjectName(QStringLiteral("videoTiles"));
  tile_grid_ = new QGridLayout(this);
}

void TileBoard::setSelf(quint64 participant_id, const QString& user) {
  self_ = participant_id;
  user_ = user;
}

void TileBoard::showPicture(const QString& user, bool screen, const QImage& image) {
  const auto* p = people_.find(user);
  if (p == nullptr) {
    return;  // left meanwhile
  }
  images_[{user, screen}] = image;
  VideoTile* t = tile(user, screen);
  if (t == nullptr && screen) {
    // Pictures can arrive just before the "sharing" announcement.
    rebuild();
    t = tile(user, screen);
  }
  if (t != nullptr) {
    t->setImage(image);
    t->setStatus(tileStatus(*p, screen));
  }
  if (auto* window = screen ? screenWindow(user) : nullptr) {
    window->setImage(image);
    window->setStatus(tileStatus(*p, screen));
  }
}

void TileBoard::dropPicture(const QString& user, bool screen) {
  images_.erase({user, screen});
  if (auto* t = screen ? nullptr : tile(user, false)) {
    t->clearImage();
  }
}

void TileBoard::refreshStatus(const QString& user) {
  const auto* p = people_.find(user);
  if (auto* t = tile(user, false); t != nullptr && p != nullptr) {
    t->setStatus(tileStatus(*p, false));
  }
}

void TileBoard::setOwnLevel(double level) {
  if (auto* t = tile(user_, false)) {
    t->setLevel(level);
  }
}

void TileBoard::setLayout(Layout layout) {
  if (layout != layout_) {
    layout_ = layout;
    rebuild();
  }
}

void TileBoard::setScreensActualSize(bool actual) {
  actual_size_ = actual;
  for (const auto& [user, view] : screen_views_) {
    view->setActualSize(actual);
  }
}

ScreenWindow* TileBoard::screenWindow(const QString& user) const {
  auto it = popouts_.find(user);
  return it == popouts_.end() ? nullptr : it->second.data();
}

QSize TileBoard::pictureArea(const QString& user, bool screen) const {
  if (screen && screenWindow(user) != nullptr) {
    return {};
  }
  auto it = picture_areas_.find({user, screen});
  return it == picture_areas_.end() ? QSize() : it->second;
}

void TileBoard::announcePictureArea(const QString& user, bool screen, QSize area) {
  picture_areas_[{user, screen}] = area;
  // A screen popped out may be shown as large as the desktop: full size.
  Q_EMIT pictureAreaChanged(user, screen, screen && screenWindow(user) != nullptr ? QSize() : area);
}

void TileBoard::popOutScreen(const QString& requested) {
  // None named: the first shared screen, the one shown large.
  const QString user = requested.isEmpty() ? first_screen_ : requested;
  if (user.isEmpty()) {
    return;
  }
  ScreenWindow* window = screenWindow(user);
  if (window == nullptr) {
    window = new ScreenWindow(user, this);
    popouts_[user] = window;
    Q_EMIT pictureAreaChanged(user, true, QSize());
    connect(window, &QObject::destroyed, this, [this, user] {
      if (auto it = popouts_.find(user); it != popouts_.end() && !it->second) {
        popouts_.erase(it);  // this window's entry (a newer one's is kept)
      }
      if (auto it = picture_areas_.find({user, true}); it != picture_areas_.end()) {
        Q_EMIT pictureAreaChanged(user, true, it->second);
      }
    });
    if (auto it = images_.find({user, true}); it != images_.end()) {
      window->setImage(it->second);
    }
    if (const auto* p = people_.find(user)) {
      window->setStatus(tileStatus(*p, true));
    }
  }
  window->show();
  window->raise();
  window->activateWindow();
}

VideoTile* TileBoard::tile(const QString& user, bool screen) const {
  auto it = tile_map_.find({user, screen});
  return it == tile_map_.end() ? nullptr : it->second;
}

QString TileBoard::tileStatus(const client::ParticipantInfo& p, bool screen) const {
  if (screen) {
    return images_.count({QString::fromStdString(p.user), true}) != 0
               ? tr("sharing")
               : tr("waiting for the picture…");
  }
  QStringList parts;
  if (p.media.audio_muted) {
    parts << tr("muted");
  }
  if (!p.media.camera_on) {
    parts << tr("camera off");
  }
  return parts.join(QStringLiteral(" · "));
}

void TileBoard::setActiveSpeaker(const QString& user) {
  if (user == speaking_) {
    return;
  }
  if (auto* t = tile(speaking_, false)) {
    t->setSpeaking(false);
  }
  speaking_ = user;
  if (user.isEmpty()) {
    return;  // silence: the speaker view keeps the last speaker large
  }
  if (auto* t = tile(user, false)) {
    t->setSpeaking(true);
  }
  if (layout_ == Layout::Speaker && user != user_ && user != focus_) {
    focus_ = user;
    rebuild();
  }
}

void TileBoard::rebuild() {
  while (QLayoutItem* item = tile_grid_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  tile_map_.clear();
  screen_views_.clear();
  first_screen_.clear();
  for (int r = 0; r < tile_grid_->rowCount(); ++r) {
    tile_grid_->setRowStretch(r, 0);
  }
  // Shared screens first: that is what a meeting looks at. Then everyone's
  // camera (or initial).
  std::vector<VideoTile*> tiles;
  std::vector<QWidget*> cells;  // what goes in the grid: a tile, or a screen's view
  const auto& people = people_.people();
  for (const auto& p : people) {
    if (!p.media.sharing_screen || p.id == self_) {
      continue;
    }
    const QString user = QString::fromStdString(p.user);
    auto* t = new VideoTile(user, false, true, this);
    t->setObjectName(QStringLiteral("screenTile:") + user);
    if (auto it = images_.find({user, true}); it != images_.end()) {
      t->setImage(it->second);
    }
    t->setStatus(tileStatus(p, true));
    connect(t, &VideoTile::activated, this, [this, user] { popOutScreen(user); });
    connect(t, &VideoTile::pictureAreaChanged, this,
            [this, user](QSize area) { announcePictureArea(user, true, area); });
    auto* view = new ScreenView(t, this);
    view->setObjectName(QStringLiteral("screenView:") + user);
    view->setActualSize(actual_size_);
    tile_map_[{user, true}] = t;
    if (screen_views_.empty()) {
      first_screen_ = user;
    }
    screen_views_[user] = view;
    tiles.push_back(t);
    cells.push_back(view);
  }
  const std::size_t screens = tiles.size();
  Q_EMIT screensChanged(screens > 0);
  // A popped-out screen whose sharing ended goes with it.
  for (auto it = popouts_.begin(); it != popouts_.end();) {
    if (it->second && screen_views_.count(it->first) != 0) {
      ++it;
      continue;
    }
    if (it->second) {
      it->second->close();
    }
    it = popouts_.erase(it);
  }
  for (std::size_t i = 0; i < people.size(); ++i) {
    const auto& p = people[i];
    const QString user = QString::fromStdString(p.user);
    auto* t = new VideoTile(user, people_.isSelf(static_cast<int>(i)), false, this);
    t->setObjectName(QStringLiteral("videoTile:") + user);
    if (auto it = images_.find({user, false}); it != images_.end() && p.media.camera_on) {
      t->setImage(it->second);
    }
    t->setStatus(tileStatus(p, false));
    t->setSpeaking(user == speaking_);
    connect(t, &VideoTile::pictureAreaChanged, this,
            [this, user](QSize area) { announcePictureArea(user, false, area); });
    tile_map_[{user, false}] = t;
    tiles.push_back(t);
    cells.push_back(t);
  }
  if (tiles.empty()) {
    return;
  }
  const int n = static_cast<int>(tiles.size());
  if (layout_ == Layout::Grid || n == 1) {
    const int columns = std::max(1, static_cast<int>(std::ceil(std::sqrt(n))));
    for (int i = 0; i < n; ++i) {
      tile_grid_->addWidget(cells[static_cast<std::size_t>(i)], i / columns, i % columns);
      tile_grid_->setRowStretch(i / columns, 1);
    }
    return;
  }
  // Speaker view: the first shared screen, else the last speaker's camera,
  // else the first camera that is not ours, large; the rest in a strip.
  std::size_t large = 0;
  if (screens == 0) {
    large = screens;
    for (std::size_t i = 0; i < tiles.size(); ++i) {
      const bool self = tiles[i]->name() == user_;
      if (!focus_.isEmpty() && tiles[i]->name() == focus_) {
        large = i;
        break;
      }
      if (!self && tiles[large]->name() == user_) {
        large = i;
      }
    }
  }
  const int strip = n - 1;
  tile_grid_->addWidget(cells[large], 0, 0, 1, strip);
  tile_grid_->setRowStretch(0, 4);
  int column = 0;
  for (std::size_t i = 0; i < tiles.size(); ++i) {
    if (i != large) {
      tile_grid_->addWidget(cells[i], 1, column++);
    }
  }
  tile_grid_->setRowStretch(1, 1);
}

}  // namespace parley::ui
