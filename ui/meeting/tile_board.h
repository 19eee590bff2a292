#pragma once
// TileBoard: the meeting window's pictures. One tile per person (their
// camera, or their initial) and one per shared screen (in a ScreenView:
// fitted or at 100 %), laid out as a speaker view (a shared screen, or else
// the last speaker, large; the others in a strip) or a grid; the active
// speaker framed; screens popped out into ScreenWindows. The tiles are
// rebuilt from the participant model when people come, go or start or stop
// sharing; the newest picture of each is kept so a rebuilt tile shows it
// at once.
//
// Threads: GUI thread.

#include <QImage>
#include <QPointer>
#include <QSize>
#include <QString>
#include <QWidget>
#include <map>
#include <utility>

#include "core/client/session_observer.h"

class QGridLayout;

namespace parley::ui {

class ParticipantModel;
class ScreenView;
class ScreenWindow;
class VideoTile;

class TileBoard final : public QWidget {
  Q_OBJECT
 public:
  enum class Layout { Speaker, Grid };

  TileBoard(const ParticipantModel& people, QWidget* parent = nullptr);

  void setSelf(quint64 participant_id, const QString& user);
  // The tiles again, from the participants (joined, left, sharing).
  void rebuild();
  // The newest picture of `user`'s camera or screen.
  void showPicture(const QString& user, bool screen, const QImage& image);
  // That picture is gone (camera off, sharing ended, left): its tile shows
  // the initial or waits.
  void dropPicture(const QString& user, bool screen);
  // The camera tile's label again, from the participant model.
  void refreshStatus(const QString& user);
  // Our own microphone's level, 0..1, on our tile.
  void setOwnLevel(double level);
  // Whose voice is loudest now (empty: nobody).
  void setActiveSpeaker(const QString& user);
  void setLayout(Layout layout);
  [[nodiscard]] Layout layout() const { return layout_; }
  // Shared screens at 100 % (scrolled) instead of fitted.
  void setScreensActualSize(bool actual);
  // `user`'s shared screen in a window of its own (raised when open); the
  // first shared screen (the one shown large) when `user` is empty.
  void popOutScreen(const QString& user = {});

  [[nodiscard]] VideoTile* tile(const QString& user, bool screen) const;
  [[nodiscard]] ScreenWindow* screenWindow(const QString& user) const;
  // The area `user`'s camera or screen is shown in now (empty: any size).
  [[nodiscard]] QSize pictureArea(const QString& user, bool screen) const;

 Q_SIGNALS:
  // See MeetingWindow::pictureAreaChanged.
  void pictureAreaChanged(const QString& user, bool screen, QSize device_pixels);
  // Whether any shared screen is shown (the screen actions apply).
  void screensChanged(bool any);

 private:
  void announcePictureArea(const QString& user, bool screen, QSize area);
  [[nodiscard]] QString tileStatus(const client::ParticipantInfo& p, bool screen) const;

  const ParticipantModel& people_;
  QGridLayout* tile_grid_ = nullptr;
  quint64 self_ = 0;
  QString user_;
  Layout layout_ = Layout::Speaker;
  bool actual_size_ = false;
  QString speaking_;  // the active speaker (empty: nobody now)
  QString focus_;     // the speaker view's large camera: the last speaker
  std::map<std::pair<QString, bool>, VideoTile*> tile_map_;
  std::map<std::pair<QString, bool>, QImage> images_;  // the newest picture of each
  std::map<QString, ScreenView*> screen_views_;        // rebuilt with the tiles
  QString first_screen_;                               // the large one, if any
  std::map<QString, QPointer<ScreenWindow>> popouts_;
  std::map<std::pair<QString, bool>, QSize> picture_areas_;  // as the tiles announced
};

}  // namespace parley::ui
