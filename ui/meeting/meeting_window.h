#pragma once
// MeetingWindow: the room. Room name and connection method at the top, the
// pictures (TileBoard: a camera tile per participant, a large tile for each
// shared screen, speaker or grid view), the participant list (muted, camera, sharing, path) and
// the chat on the right, and the controls: mute, camera, share screen,
// settings, leave. While we share, a banner says what is shared, with a
// Stop sharing button. Shows "reconnecting" while the session recovers a
// dropped connection. The media controls only ask (signals); AppController
// carries the request to MeetingMedia and reports the outcome back.
//
// Threads: GUI thread. Fed by AppController from SessionBridge signals; it
// never talks to the network itself.

#include <QImage>
#include <QMainWindow>
#include <QSize>

#include "core/client/session_observer.h"
#include "ui/meeting/tile_board.h"

class QLabel;
class QTableView;
class QAction;
class QSystemTrayIcon;
class QFrame;
class QPushButton;
class QToolButton;

namespace parley::ui {

class ChatView;
class ControlBar;
class PushToTalk;
class ParticipantModel;
class RoomControls;
class ScreenWindow;
class VideoTile;

class MeetingWindow final : public QMainWindow {
  Q_OBJECT
 public:
  explicit MeetingWindow(QWidget* parent = nullptr);

  void setSelf(quint64 participant_id, const QString& user);
  void setConnection(const QString& text);
  void joined(const QString& room, const std::vector<client::ParticipantInfo>& people);
  void participantJoined(const client::ParticipantInfo& person);
  void participantLeft(const client::ParticipantInfo& person, const QString& reason);
  void reconnecting(const QString& reason, int retry_in_ms);
  // The room's owner and lock; the owner's controls show for the owner.
  void setRoomState(const client::RoomStateInfo& state);

  // What this computer has: empty names mean none (shown as such).
  void setDevices(const QString& microphone, const QString& speakers, const QString& camera,
                  const QString& media_error);
  // Our own announced state (mute, camera, sharing).
  // Whose voice is loudest now (empty: nobody speaks): their tile is
  // framed, and in the speaker view it becomes the large one.
  void setActiveSpeaker(const QString& user);
  // Speaker view: the shared screen, or else the last speaker, large and
  // the others in a strip below. Grid view: all the same size.
  using TileLayout = TileBoard::Layout;
  void setTileLayout(TileLayout layout);
  [[nodiscard]] TileLayout tileLayout() const { return board_->layout(); }
  // A chat message for the chat view; when it is someone else's, live, and
  // the chat is hidden or the window in the background: the taskbar entry
  // asks for attention and the tray (where there is one) shows it.
  void chatArrived(const client::ChatInfo& chat);
  // How many messages were announced that way (for tests).
  [[nodiscard]] int notificationCount() const { return notifications_; }
  // The microphone's level (-dBov, 0 loudest, 127 silence), ten times a
  // second: our tile's meter, and "You are muted" when we speak while muted.
  void setInputLevel(int dbov);
  void setOwnMedia(const client::MediaStateInfo& media);
  // What we share (empty: nothing): the banner and the Share button.
  void setSharing(const QString& name);
  void participantMedia(quint64 participant_id, const client::MediaStateInfo& media);
  void participantPath(quint64 participant_id, const QString& path);
  // The newest picture of `user`'s camera or screen (GUI thread, queued from decode).
  void remoteVideo(const QString& user, bool screen, const QImage& image);
  // Our media path ("udp", "tcp", "probing", "off").
  void setMediaPath(const QString& path);
  // A media notice in the status bar (camera failed, share ended).
  void mediaNotice(const QString& text);

  // The tile of `user`'s camera or screen, or null.
  [[nodiscard]] class VideoTile* tile(const QString& user, bool screen) const;
  // The area `user`'s camera or screen is shown in now (as last announced
  // by pictureAreaChanged; empty: any size or not shown).
  [[nodiscard]] QSize pictureArea(const QString& user, bool screen) const;
  // `user`'s shared screen popped out, or null.
  [[nodiscard]] ScreenWindow* screenWindow(const QString& user) const;

  [[nodiscard]] ChatView* chat() const { return chat_; }
  [[nodiscard]] ParticipantModel* participants() const { return participants_; }
  [[nodiscard]] RoomControls* roomControls() const { return room_controls_; }
  [[nodiscard]] QString roomName() const { return room_; }
  // Leave was asked for (the window says "Leaving the room…").
  [[nodiscard]] bool leaving() const { return leaving_; }

 Q_SIGNALS:
  void leaveRequested();
  void settingsRequested();
  void muteRequested(bool muted);
  void cameraRequested(bool on);
  void shareRequested();
  void stopSharingRequested();
  // The space `user`'s camera or screen is shown in changed (device pixels;
  // empty: any size): MeetingMedia converts pictures at most this large.
  void pictureAreaChanged(const QString& user, bool screen, QSize device_pixels);

 protected:
  void changeEvent(QEvent* event) override;
  void closeEvent(QCloseEvent* event) override;

 private:
  // Leave (the action, or closing the window): once, with a Leaving state.
  void beginLeaving();
  void updateTitle();
  void updateStatus();
  // The control bar's icons for the current state and palette.
  void updateControlIcons();
  // "text (Ctrl+D)": tooltips name the shortcut.
  static QString withShortcut(const QString& text, const QAction* action);
  [[nodiscard]] QString shortcutsText() const;

  QLabel* room_label_ = nullptr;
  QLabel* connection_label_ = nullptr;
  QLabel* banner_ = nullptr;
  QFrame* sharing_banner_ = nullptr;
  QLabel* sharing_label_ = nullptr;
  QAction* mute_ = nullptr;
  QAction* camera_ = nullptr;
  QAction* share_ = nullptr;
  QAction* leave_ = nullptr;
  QAction* chat_toggle_ = nullptr;
  QAction* people_toggle_ = nullptr;
  ControlBar* controls_ = nullptr;
  PushToTalk* push_to_talk_ = nullptr;
  QLabel* muted_warning_ = nullptr;
  QSystemTrayIcon* tray_ = nullptr;  // none where the desktop has no tray
  int notifications_ = 0;
  QAction* speaker_view_ = nullptr;
  QAction* grid_view_ = nullptr;
  QAction* actual_size_ = nullptr;  // shared screens at 100 %
  QAction* pop_out_ = nullptr;
  QString route_;      // "direct to host:443", for the title
  int loud_run_ = 0;   // level samples in a row loud enough to be speech
  int quiet_run_ = 0;  // and quiet ones
  QString microphone_;
  QString speakers_;
  QString camera_name_;
  QString media_error_;
  QString path_;
  QString peer_path_;  // ours, as the server told the room ("peer-to-peer", ...)
  QString sharing_;
  client::MediaStateInfo own_;
  TileBoard* board_ = nullptr;  // the pictures (ui/meeting/tile_board.h)
  QTableView* people_view_ = nullptr;
  ParticipantModel* participants_ = nullptr;
  RoomControls* room_controls_ = nullptr;
  ChatView* chat_ = nullptr;
  QString room_;
  QString user_;
  quint64 self_ = 0;
  bool leaving_ = false;
};

}  // namespace parley::ui
