#include "ui/meeting/meeting_window.h"
#include "ui/application/resources_init.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "ui/application/app_icon.h"
#include "ui/meeting/chat_view.h"
#include "ui/meeting/control_bar.h"
#include "ui/meeting/control_icons.h"
#include "ui/meeting/participant_model.h"
#include "ui/meeting/push_to_talk.h"
#include "ui/meeting/room_controls.h"
#include "ui/meeting/tile_board.h"
#include "ui/meeting/video_tile.h"

namespace parley::ui {

MeetingWindow::MeetingWindow(QWidget* parent) : QMainWindow(parent) {
  initResources();
  setObjectName(QStringLiteral("meetingWindow"));
  setWindowIcon(appIcon());
  resize(1100, 680);

  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);

  room_label_ = new QLabel(this);
  room_label_->setObjectName(QStringLiteral("roomLabel"));
  QFont big = room_label_->font();
  big.setPointSizeF(big.pointSizeF() * 1.4);
  big.setBold(true);
  room_label_->setFont(big);
  connection_label_ = new QLabel(this);
  connection_label_->setObjectName(QStringLiteral("connectionLabel"));
  connection_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  banner_ = new QLabel(this);
  banner_->setObjectName(QStringLiteral("reconnectBanner"));
  banner_->setWordWrap(true);
  banner_->setAutoFillBackground(true);
  banner_->setMargin(6);
  banner_->hide();
  layout->addWidget(room_label_);
  layout->addWidget(connection_label_);
  layout->addWidget(banner_);

  // While we share: a banner that cannot be missed, with the way out.
  sharing_banner_ = new QFrame(this);
  sharing_banner_->setObjectName(QStringLiteral("sharingBanner"));
  sharing_banner_->setAutoFillBackground(true);
  QPalette share_pal = sharing_banner_->palette();
  share_pal.setColor(QPalette::Window, QColor(200, 40, 40));
  share_pal.setColor(QPalette::WindowText, Qt::white);
  sharing_banner_->setPalette(share_pal);
  auto* share_row = new QHBoxLayout(sharing_banner_);
  share_row->setContentsMargins(10, 6, 10, 6);
  sharing_label_ = new QLabel(sharing_banner_);
  sharing_label_->setObjectName(QStringLiteral("sharingLabel"));
  QFont bold = sharing_label_->font();
  bold.setBold(true);
  sharing_label_->setFont(bold);
  auto* stop_sharing = new QPushButton(tr("Stop &sharing"), sharing_banner_);
  stop_sharing->setObjectName(QStringLiteral("stopSharingButton"));
  connect(stop_sharing, &QPushButton::clicked, this, &MeetingWindow::stopSharingRequested);
  share_row->addWidget(sharing_label_, 1);
  share_row->addWidget(stop_sharing);
  sharing_banner_->hide();
  layout->addWidget(sharing_banner_);

  auto* splitter = new QSplitter(Qt::Horizontal, this);
  participants_ = new ParticipantModel(this);
  board_ = new TileBoard(*participants_, splitter);
  connect(board_, &TileBoard::pictureAreaChanged, this, &MeetingWindow::pictureAreaChanged);
  auto* side = new QSplitter(Qt::Vertical, splitter);
  auto* people_box = new QWidget(side);
  auto* people_layout = new QVBoxLayout(people_box);
  people_layout->setContentsMargins(0, 0, 0, 0);
  people_view_ = new QTableView(people_box);
  people_view_->setTabKeyNavigation(false);  // Tab leaves the list (arrows move in it)
  people_view_->setObjectName(QStringLiteral("participantView"));
  people_view_->setModel(participants_);
  people_view_->verticalHeader()->hide();
  people_view_->horizontalHeader()->setStretchLastSection(false);
  people_view_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  people_view_->horizontalHeader()->setSectionResizeMode(ParticipantModel::Name,
                                                         QHeaderView::Stretch);
  people_view_->setWordWrap(false);
  people_view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  people_view_->setAccessibleName(tr("Participants"));
  room_controls_ = new RoomControls(people_view_, participants_, people_box);
  people_layout->addWidget(room_controls_);
  people_layout->addWidget(people_view_);
  chat_ = new ChatView(side);
  connect(chat_, &ChatView::unreadChanged, this, [this] { updateTitle(); });
  side->addWidget(people_box);
  side->addWidget(chat_);
  side->setStretchFactor(1, 3);
  splitter->addWidget(board_);
  splitter->addWidget(side);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);
  splitter->setSizes({620, 460});
  layout->addWidget(splitter, 1);
  setCentralWidget(central);

  // Controls. Until the devices are known they are disabled and say so.
  // The actions live on the window (their shortcuts work wherever the
  // focus is in it); the bar at the bottom and the menus show them.
  auto action = [this](const QString& text, const char* name, const QString& keys) {
    auto* a = new QAction(text, this);
    a->setObjectName(QString::fromLatin1(name));
    if (!keys.isEmpty()) {
      a->setShortcut(QKeySequence(keys));
    }
    addAction(a);
    return a;
  };
  mute_ = action(tr("&Mute"), "muteAction", tr("Ctrl+D"));
  mute_->setCheckable(true);
  mute_->setEnabled(false);
  connect(mute_, &QAction::triggered, this,
          [this](bool checked) { Q_EMIT muteRequested(checked); });
  camera_ = action(tr("Start &camera"), "cameraAction", tr("Ctrl+E"));
  camera_->setCheckable(true);
  camera_->setEnabled(false);
  connect(camera_, &QAction::triggered, this,
          [this](bool checked) { Q_EMIT cameraRequested(checked); });
  share_ = action(tr("Sh&are screen…"), "shareAction", tr("Ctrl+Shift+S"));
  share_->setEnabled(false);
  connect(share_, &QAction::triggered, this, [this] {
    if (sharing_.isEmpty()) {
      Q_EMIT shareRequested();
    } else {
      Q_EMIT stopSharingRequested();
    }
  });
  chat_toggle_ = action(tr("Cha&t"), "chatAction", tr("Ctrl+Shift+C"));
  chat_toggle_->setCheckable(true);
  chat_toggle_->setChecked(true);
  // With both the chat and the participants hidden the pictures take the
  // whole width.
  auto side_shown = [this, side] {
    side->setVisible(chat_toggle_->isChecked() || people_toggle_->isChecked());
  };
  connect(chat_toggle_, &QAction::toggled, this, [this, side_shown](bool shown) {
    chat_->setVisible(shown);
    side_shown();
    chat_->setReading(shown && isActiveWindow());
    updateTitle();
  });
  people_toggle_ = action(tr("&Participants"), "participantsAction", tr("Ctrl+Shift+P"));
  people_toggle_->setCheckable(true);
  people_toggle_->setChecked(true);
  connect(people_toggle_, &QAction::toggled, this, [people_box, side_shown](bool shown) {
    people_box->setVisible(shown);
    side_shown();
  });
  leave_ = action(tr("&Leave"), "leaveAction", tr("Ctrl+W"));
  connect(leave_, &QAction::triggered, this, &MeetingWindow::beginLeaving);
  auto* settings = action(tr("Se&ttings…"), "meetingSettingsAction", {});
  settings->setShortcut(QKeySequence::Preferences);
  connect(settings, &QAction::triggered, this, &MeetingWindow::settingsRequested);

  // Someone speaking while muted is told so, as Teams does, just above the
  // controls where Unmute is.
  muted_warning_ = new QLabel(
      tr("You are muted: the others do not hear you. Unmute (Ctrl+D), or hold Space to talk."),
      central);
  muted_warning_->setObjectName(QStringLiteral("mutedWarning"));
  muted_warning_->setAlignment(Qt::AlignCenter);
  muted_warning_->setWordWrap(true);
  muted_warning_->setMargin(6);
  muted_warning_->setStyleSheet(
      QStringLiteral("QLabel { background-color: #fff4ce; color: #3b2f00; border-radius: 6px; }"));
  muted_warning_->hide();
  layout->addWidget(muted_warning_);
  controls_ = new ControlBar({{mute_, "muteButton"},
                              {camera_, "cameraButton"},
                              {share_, "shareButton"},
                              {chat_toggle_, "chatButton"},
                              {people_toggle_, "participantsButton"}},
                             {leave_, "leaveButton"}, central);
  layout->addWidget(controls_);

  auto* meeting_menu = menuBar()->addMenu(tr("M&eeting"));
  meeting_menu->addActions({mute_, camera_, share_});
  meeting_menu->addSeparator();
  meeting_menu->addAction(settings);
  meeting_menu->addSeparator();
  meeting_menu->addAction(leave_);
  auto* view_menu = menuBar()->addMenu(tr("&View"));
  view_menu->addActions({chat_toggle_, people_toggle_});
  view_menu->addSeparator();
  auto* layouts = new QActionGroup(this);
  speaker_view_ = view_menu->addAction(tr("&Speaker view"));
  speaker_view_->setObjectName(QStringLiteral("speakerViewAction"));
  grid_view_ = view_menu->addAction(tr("&Grid view"));
  grid_view_->setObjectName(QStringLiteral("gridViewAction"));
  for (QAction* a : {speaker_view_, grid_view_}) {
    a->setCheckable(true);
    layouts->addAction(a);
  }
  speaker_view_->setChecked(true);
  connect(speaker_view_, &QAction::triggered, this, [this] { setTileLayout(TileLayout::Speaker); });
  connect(grid_view_, &QAction::triggered, this, [this] { setTileLayout(TileLayout::Grid); });
  view_menu->addSeparator();
  actual_size_ = view_menu->addAction(tr("Shared screen at &100 %"));
  actual_size_->setObjectName(QStringLiteral("screenActualSizeAction"));
  actual_size_->setCheckable(true);
  actual_size_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
  actual_size_->setToolTip(
      tr("Every pixel of a shared screen on one of yours, scrolled when larger; "
         "off: fitted to the space there is"));
  connect(actual_size_, &QAction::toggled, board_, &TileBoard::setScreensActualSize);
  pop_out_ = view_menu->addAction(tr("&Pop out the shared screen"));
  pop_out_->setObjectName(QStringLiteral("popOutScreenAction"));
  pop_out_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
  connect(pop_out_, &QAction::triggered, board_, [this] { board_->popOutScreen(); });
  actual_size_->setEnabled(false);
  pop_out_->setEnabled(false);
  connect(board_, &TileBoard::screensChanged, this, [this](bool any) {
    actual_size_->setEnabled(any);
    pop_out_->setEnabled(any);
  });
  auto* help_menu = menuBar()->addMenu(tr("&Help"));
  auto* keys = help_menu->addAction(tr("&Keyboard shortcuts"));
  keys->setObjectName(QStringLiteral("shortcutsAction"));
  connect(keys, &QAction::triggered, this,
          [this] { QMessageBox::information(this, tr("Keyboard shortcuts"), shortcutsText()); });

  // A tray icon (where the desktop has a tray) keeps mute and leave at hand
  // while the window is covered.
  if (QSystemTrayIcon::isSystemTrayAvailable()) {
    tray_ = new QSystemTrayIcon(appIcon(), this);
    tray_->setObjectName(QStringLiteral("meetingTray"));
    auto* tray_menu = new QMenu(this);
    auto* show_window = tray_menu->addAction(tr("Show the meeting"));
    connect(show_window, &QAction::triggered, this, [this] {
      showNormal();
      raise();
      activateWindow();
    });
    tray_menu->addSeparator();
    tray_menu->addActions({mute_, leave_});
    tray_->setContextMenu(tray_menu);
    connect(tray_, &QSystemTrayIcon::activated, show_window, &QAction::trigger);
    // Shown from the join on: the next meeting's window is built ahead,
    // hidden, and must not put an icon in the tray meanwhile.
  }

  push_to_talk_ = new PushToTalk(
      this, [this] { return mute_->isEnabled() && own_.audio_muted; },
      [this](bool talk) { Q_EMIT muteRequested(!talk); });
  setDevices({}, {}, {}, tr("starting…"));
  updateTitle();
}

void MeetingWindow::setSelf(quint64 participant_id, const QString& user) {
  self_ = participant_id;
  user_ = user;
  participants_->setSelf(participant_id);
  chat_->setSelf(participant_id);
  board_->setSelf(participant_id, user);
}

void MeetingWindow::setConnection(const QString& text) {
  connection_label_->setText(tr("Connected %1").arg(text));
  // The route alone ("direct to chat.example.org:443", "via proxy:8080
  // (HTTP proxy)"), without the cipher, for the title.
  route_ = text.section(QStringLiteral(", "), 0, 0);
  updateTitle();
}

void MeetingWindow::chatArrived(const client::ChatInfo& c) {
  const bool news = chat_->addChat(c);
  const bool unseen = !isActiveWindow() || !chat_toggle_->isChecked();
  if (!news || c.sender_participant_id == self_ || !unseen || leaving_) {
    return;
  }
  ++notifications_;
  QApplication::alert(this);
  if (tray_ != nullptr && tray_->isVisible()) {
    tray_->showMessage(tr("%1 in %2").arg(QString::fromStdString(c.sender), room_),
                       QString::fromStdString(c.text), QSystemTrayIcon::Information, 5000);
  }
}

void MeetingWindow::joined(const QString& room,
                           const std::vector<client::ParticipantInfo>& people) {
  room_ = room;
  if (tray_ != nullptr && !leaving_) {
    tray_->show();
  }
  room_label_->setText(tr("Room: %1").arg(room));
  if (banner_->isVisible()) {
    banner_->hide();
    chat_->addNotice(tr("Reconnected; messages sent meanwhile follow."));
  }
  chat_->setInputEnabled(true);
  participants_->reset(people);
  // The server lists us with what we announced; keep our latest state.
  participants_->setMedia(self_, own_);
  participants_->setSelfPath(path_);
  board_->rebuild();
  updateTitle();
}

void MeetingWindow::participantJoined(const client::ParticipantInfo& person) {
  participants_->add(person);
  chat_->addNotice(tr("%1 joined").arg(QString::fromStdString(person.user)));
  board_->rebuild();
}

void MeetingWindow::participantLeft(const client::ParticipantInfo& person, const QString& reason) {
  participants_->remove(person.id);
  board_->dropPicture(QString::fromStdString(person.user), false);
  board_->dropPicture(QString::fromStdString(person.user), true);
  chat_->addNotice(reason.isEmpty()
                       ? tr("%1 left").arg(QString::fromStdString(person.user))
                       : tr("%1 left (%2)").arg(QString::fromStdString(person.user), reason));
  board_->rebuild();
}

void MeetingWindow::setRoomState(const client::RoomStateInfo& state) {
  const bool was_locked = room_controls_->state().locked;
  const bool first = room_controls_->state().room.empty();
  room_controls_->setState(state);
  if (!first && was_locked != state.locked) {
    chat_->addNotice(state.locked ? tr("The room is locked: no one new can join.")
                                  : tr("The room is unlocked."));
  }
}

void MeetingWindow::reconnecting(const QString& reason, int retry_in_ms) {
  QPalette pal = banner_->palette();
  pal.setColor(QPalette::Window, QColor(255, 200, 80));
  pal.setColor(QPalette::WindowText, Qt::black);
  banner_->setPalette(pal);
  if (reason.startsWith(QLatin1String("network_changed"))) {
    // Reconnecting at once, on whatever network there is now.
    banner_->setText(
        tr("Reconnecting: network changed. Messages you write are sent when it is "
           "back."));
    banner_->setToolTip(reason);
  } else {
    banner_->setText(tr("Reconnecting… the connection dropped (%1); next try in %2 s. Messages "
                        "you write are sent when it is back.")
                         .arg(reason)
                         .arg(std::ceil(retry_in_ms / 1000.0)));
    banner_->setToolTip({});
  }
  banner_->show();
}

void MeetingWindow::setDevices(const QString& microphone, const QString& speakers,
                               const QString& camera, const QString& media_error) {
  microphone_ = microphone;
  speakers_ = speakers;
  camera_name_ = camera;
  media_error_ = media_error;
  const bool media = media_error.isEmpty();
  mute_->setEnabled(media && !microphone.isEmpty());
  camera_->setEnabled(media && !camera.isEmpty());
  share_->setEnabled(media);
  if (!media) {
    mute_->setToolTip(tr("No audio: %1").arg(media_error));
    camera_->setToolTip(tr("No video: %1").arg(media_error));
    share_->setToolTip(tr("No video: %1").arg(media_error));
  } else {
    share_->setToolTip(
        withShortcut(tr("Share a screen or a window with everyone in the room"), share_));
  }
  setOwnMedia(own_);
}

void MeetingWindow::setOwnMedia(const client::MediaStateInfo& media) {
  own_ = media;
  const bool media_ok = media_error_.isEmpty();
  if (media_ok && microphone_.isEmpty()) {
    mute_->setText(tr("No microphone"));
    mute_->setToolTip(
        tr("No microphone was found: the others cannot hear you. You hear them "
           "when speakers are there."));
  } else if (media_ok) {
    mute_->setText(media.audio_muted ? tr("Un&mute") : tr("&Mute"));
    mute_->setToolTip(withShortcut(
        media.audio_muted
            ? tr("You are muted: nobody hears you (%1). Hold Space to talk.").arg(microphone_)
            : tr("Everyone hears you (%1)").arg(microphone_),
        mute_));
  }
  mute_->setChecked(media.audio_muted);
  if (!media.audio_muted) {
    muted_warning_->hide();
    loud_run_ = 0;
  }
  if (media_ok && camera_name_.isEmpty()) {
    camera_->setText(tr("No camera"));
    camera_->setToolTip(tr("No camera was found on this computer."));
  } else if (media_ok) {
    camera_->setText(media.camera_on ? tr("Stop &camera") : tr("Start &camera"));
    camera_->setToolTip(withShortcut(media.camera_on
                                         ? tr("Everyone sees you (%1)").arg(camera_name_)
                                         : tr("Let everyone see you (%1)").arg(camera_name_),
                                     camera_));
  }
  camera_->setChecked(media.camera_on);
  updateControlIcons();
  if (self_ != 0) {
    participants_->setMedia(self_, media);
    board_->refreshStatus(user_);
  }
  updateStatus();
}

void MeetingWindow::setSharing(const QString& name) {
  sharing_ = name;
  if (name.isEmpty()) {
    sharing_banner_->hide();
    share_->setText(tr("Sh&are screen…"));
  } else {
    sharing_label_->setText(tr("You are sharing %1. Everyone in the room sees it.").arg(name));
    sharing_banner_->show();
    share_->setText(tr("Stop sh&aring"));
  }
}

void MeetingWindow::participantPath(quint64 participant_id, const QString& path) {
  participants_->setPath(participant_id, path);
  if (participant_id == self_) {
    peer_path_ = path;
    updateStatus();
  }
}

void MeetingWindow::participantMedia(quint64 participant_id, const client::MediaStateInfo& media) {
  const client::ParticipantInfo* before = nullptr;
  bool was_sharing = false;
  for (const auto& p : participants_->people()) {
    if (p.id == participant_id) {
      before = &p;
      was_sharing = p.media.sharing_screen;
    }
  }
  if (before == nullptr || !participants_->setMedia(participant_id, media)) {
    return;
  }
  const client::ParticipantInfo* now = nullptr;
  for (const auto& p : participants_->people()) {
    if (p.id == participant_id) {
      now = &p;
    }
  }
  const QString user = QString::fromStdString(now->user);
  if (!media.camera_on) {
    board_->dropPicture(user, false);
  }
  if (!media.sharing_screen) {
    board_->dropPicture(user, true);
  }
  if (was_sharing != media.sharing_screen) {
    board_->rebuild();
  } else {
    board_->refreshStatus(user);
  }
}

void MeetingWindow::remoteVideo(const QString& user, bool screen, const QImage& image) {
  board_->showPicture(user, screen, image);
}

ScreenWindow* MeetingWindow::screenWindow(const QString& user) const {
  return board_->screenWindow(user);
}

QSize MeetingWindow::pictureArea(const QString& user, bool screen) const {
  return board_->pictureArea(user, screen);
}

VideoTile* MeetingWindow::tile(const QString& user, bool screen) const {
  return board_->tile(user, screen);
}

void MeetingWindow::setActiveSpeaker(const QString& user) { board_->setActiveSpeaker(user); }

void MeetingWindow::setMediaPath(const QString& path) {
  path_ = path;
  participants_->setSelfPath(path);
  updateStatus();
}

void MeetingWindow::mediaNotice(const QString& text) {
  chat_->addNotice(text);
  statusBar()->showMessage(text, 8000);
}

void MeetingWindow::updateStatus() {
  if (leaving_) {
    statusBar()->showMessage(tr("Leaving the room…"));
    return;
  }
  QStringList parts;
  if (!media_error_.isEmpty()) {
    parts << tr("Media: %1").arg(media_error_);
  } else {
    parts << (microphone_.isEmpty() ? tr("No microphone") : tr("Microphone: %1").arg(microphone_));
    parts << (speakers_.isEmpty() ? tr("No speakers") : tr("Speakers: %1").arg(speakers_));
    if (peer_path_ == QLatin1String("peer-to-peer")) {
      parts << tr("media peer-to-peer");
    } else if (peer_path_ == QLatin1String("relayed (TURN)")) {
      parts << tr("media relayed (TURN)");
    } else if (path_ == QLatin1String("udp")) {
      parts << tr("media over UDP");
    } else if (path_ == QLatin1String("tcp")) {
      parts << tr("media inside the TLS connection (TCP)");
    } else if (path_ == QLatin1String("probing")) {
      parts << tr("media: trying UDP…");
    }
  }
  statusBar()->showMessage(parts.join(QStringLiteral(" · ")));
}

void MeetingWindow::setTileLayout(TileLayout layout) {
  (layout == TileLayout::Speaker ? speaker_view_ : grid_view_)->setChecked(true);
  board_->setLayout(layout);
}

void MeetingWindow::updateTitle() {
  const int unread = chat_->unreadCount();
  chat_toggle_->setText(unread > 0 && !chat_toggle_->isChecked() ? tr("Cha&t (%1)").arg(unread)
                                                                 : tr("Cha&t"));
  chat_toggle_->setToolTip(
      withShortcut(chat_toggle_->isChecked() ? tr("Hide the chat") : tr("Show the chat"),
                   chat_toggle_));
  QString title = room_.isEmpty()    ? tr("Parley")
                  : route_.isEmpty() ? tr("%1 — Parley").arg(room_)
                                     : tr("%1 — %2 — Parley").arg(room_, route_);
  if (tray_ != nullptr) {
    tray_->setToolTip(title);
  }
  if (unread > 0) {
    title = QStringLiteral("(%1) ").arg(unread) + title;
  }
  setWindowTitle(title);
}

void MeetingWindow::changeEvent(QEvent* event) {
  if (event->type() == QEvent::ActivationChange) {
    chat_->setReading(isActiveWindow() && chat_toggle_->isChecked());
    updateTitle();
  }
  if (event->type() == QEvent::PaletteChange) {
    updateControlIcons();  // a switch between light and dark
  }
  QMainWindow::changeEvent(event);
}

void MeetingWindow::setInputLevel(int dbov) {
  // -60 dBov and below reads as silence, 0 dBov fills the bar.
  const double level = std::clamp((60.0 - dbov) / 60.0, 0.0, 1.0);
  board_->setOwnLevel(level);
  // Speech, not a click or a breath: three loud tenths of a second in a row
  // show the warning; three quiet seconds or unmuting hide it.
  constexpr int kSpeechDbov = 40;
  const bool muted = own_.audio_muted && mute_->isEnabled();
  if (muted && dbov <= kSpeechDbov) {
    ++loud_run_;
    quiet_run_ = 0;
  } else {
    loud_run_ = 0;
    ++quiet_run_;
  }
  if (loud_run_ >= 3 && !leaving_) {
    muted_warning_->show();
  } else if (!muted || quiet_run_ >= 30) {
    muted_warning_->hide();
  }
}

void MeetingWindow::updateControlIcons() {
  controls_->applyStyle();
  const QColor text = palette().color(QPalette::WindowText);
  const QColor on_red = Qt::white;
  const bool muted = mute_->isChecked();
  mute_->setIcon(
      controlIcon(muted ? QStringLiteral("microphone-muted") : QStringLiteral("microphone"),
                  muted ? on_red : text));
  camera_->setIcon(
      controlIcon(camera_->isChecked() ? QStringLiteral("camera") : QStringLiteral("camera-off"),
                  text));
  share_->setIcon(controlIcon(QStringLiteral("share"), text));
  chat_toggle_->setIcon(controlIcon(QStringLiteral("chat"), text));
  people_toggle_->setIcon(controlIcon(QStringLiteral("participants"), text));
  leave_->setIcon(controlIcon(QStringLiteral("leave"), leave_->isEnabled() ? on_red : text));
}

QString MeetingWindow::withShortcut(const QString& text, const QAction* action) {
  const QString keys = action->shortcut().toString(QKeySequence::NativeText);
  return keys.isEmpty() ? text : tr("%1 (%2)").arg(text, keys);
}

QString MeetingWindow::shortcutsText() const {
  QString text;
  for (const QAction* a :
       {mute_, camera_, share_, chat_toggle_, people_toggle_, actual_size_, pop_out_, leave_}) {
    text += tr("%1: %2\n")
                .arg(a->shortcut().toString(QKeySequence::NativeText),
                     a->text().remove(QLatin1Char('&')));
  }
  text += tr("Space (hold): talk while muted (push-to-talk)\n");
  return text;
}

void MeetingWindow::closeEvent(QCloseEvent* event) {
  beginLeaving();
  event->accept();
}

void MeetingWindow::beginLeaving() {
  if (leaving_) {
    return;
  }
  leaving_ = true;
  // Until the server confirms (bounded by the session's leave timeout) the
  // window stays, answering, and says what is happening; the controls that
  // would act on the room are off.
  for (QAction* a : {mute_, camera_, share_, leave_}) {
    a->setEnabled(false);
  }
  updateControlIcons();
  chat_->setInputEnabled(false);
  muted_warning_->hide();
  if (tray_ != nullptr) {
    tray_->hide();
  }
  statusBar()->showMessage(tr("Leaving the room…"));
  Q_EMIT leaveRequested();
}

}  // namespace parley::ui
