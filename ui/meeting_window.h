#pragma once
// MeetingWindow: the room. Room name and connection method at the top, the
// video grid (one tile per participant), the participant list and the chat
// on the right, and the controls: mute, camera, share screen (present, and
// honest that they arrive with the media update), settings, leave. Shows
// "reconnecting" while the session recovers a dropped connection.
//
// Threads: GUI thread. Fed by AppController from SessionBridge signals; it
// never talks to the network itself.

#include <QMainWindow>
#include <map>

#include "core/client/session_observer.h"

class QGridLayout;
class QLabel;
class QTableView;
class QToolButton;

namespace parley::ui {

class ChatView;
class ParticipantModel;
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

  [[nodiscard]] ChatView* chat() const { return chat_; }
  [[nodiscard]] ParticipantModel* participants() const { return participants_; }
  [[nodiscard]] QString roomName() const { return room_; }

 Q_SIGNALS:
  void leaveRequested();
  void settingsRequested();

 protected:
  void changeEvent(QEvent* event) override;
  void closeEvent(QCloseEvent* event) override;

 private:
  void rebuildTiles();
  void updateTitle();

  QLabel* room_label_ = nullptr;
  QLabel* connection_label_ = nullptr;
  QLabel* banner_ = nullptr;
  QWidget* tiles_ = nullptr;
  QGridLayout* tile_grid_ = nullptr;
  QTableView* people_view_ = nullptr;
  ParticipantModel* participants_ = nullptr;
  ChatView* chat_ = nullptr;
  QString room_;
  QString user_;
  quint64 self_ = 0;
  bool leaving_ = false;
};

}  // namespace parley::ui
