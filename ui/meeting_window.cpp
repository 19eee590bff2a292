#include "ui/meeting_window.h"
#include "ui/resources_init.h"

#include <QAction>
#include <QCloseEvent>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>
#include <cmath>

#include "ui/chat_view.h"
#include "ui/participant_model.h"
#include "ui/video_tile.h"

namespace parley::ui {

MeetingWindow::MeetingWindow(QWidget* parent) : QMainWindow(parent) {
  initResources();
  setObjectName(QStringLiteral("meetingWindow"));
  setWindowIcon(QIcon(QStringLiteral(":/icons/parley.svg")));
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

  auto* splitter = new QSplitter(Qt::Horizontal, this);
  tiles_ = new QWidget(splitter);
  tiles_->setObjectName(QStringLiteral("videoTiles"));
  tile_grid_ = new QGridLayout(tiles_);
  auto* side = new QSplitter(Qt::Vertical, splitter);
  participants_ = new ParticipantModel(this);
  people_view_ = new QTableView(side);
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
  chat_ = new ChatView(side);
  connect(chat_, &ChatView::unreadChanged, this, [this] { updateTitle(); });
  side->addWidget(people_view_);
  side->addWidget(chat_);
  side->setStretchFactor(1, 3);
  splitter->addWidget(tiles_);
  splitter->addWidget(side);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);
  splitter->setSizes({620, 460});
  layout->addWidget(splitter, 1);
  setCentralWidget(central);

  // Controls. Media-dependent ones are present, disabled, and say why.
  auto* bar = addToolBar(tr("Meeting"));
  bar->setObjectName(QStringLiteral("meetingToolbar"));
  bar->setMovable(false);
  bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  const QString media_note = tr("Arrives with the media update: Parley carries chat only for now.");
  auto* mute = bar->addAction(tr("&Mute"));
  mute->setObjectName(QStringLiteral("muteAction"));
  mute->setCheckable(true);
  mute->setShortcut(QKeySequence(tr("Ctrl+D")));
  mute->setEnabled(false);
  mute->setToolTip(tr("Microphone: no audio yet. %1").arg(media_note));
  auto* camera = bar->addAction(tr("&Camera"));
  camera->setObjectName(QStringLiteral("cameraAction"));
  camera->setCheckable(true);
  camera->setShortcut(QKeySequence(tr("Ctrl+E")));
  camera->setEnabled(false);
  camera->setToolTip(tr("Camera: off. %1").arg(media_note));
  auto* share = bar->addAction(tr("S&hare screen"));
  share->setObjectName(QStringLiteral("shareAction"));
  share->setEnabled(false);
  share->setToolTip(tr("Share a screen or window. %1").arg(media_note));
  bar->addSeparator();
  auto* settings = bar->addAction(tr("Se&ttings…"));
  settings->setObjectName(QStringLiteral("meetingSettingsAction"));
  settings->setShortcut(QKeySequence::Preferences);
  connect(settings, &QAction::triggered, this, &MeetingWindow::settingsRequested);
  auto* leave = bar->addAction(tr("&Leave"));
  leave->setObjectName(QStringLiteral("leaveAction"));
  leave->setShortcut(QKeySequence(tr("Ctrl+W")));
  connect(leave, &QAction::triggered, this, [this] {
    leaving_ = true;
    Q_EMIT leaveRequested();
  });
  statusBar()->showMessage(media_note);
  updateTitle();
}

void MeetingWindow::setSelf(quint64 participant_id, const QString& user) {
  self_ = participant_id;
  user_ = user;
  participants_->setSelf(participant_id);
  chat_->setSelf(participant_id);
}

void MeetingWindow::setConnection(const QString& text) {
  connection_label_->setText(tr("Connected %1").arg(text));
}

void MeetingWindow::joined(const QString& room,
                           const std::vector<client::ParticipantInfo>& people) {
  room_ = room;
  room_label_->setText(tr("Room: %1").arg(room));
  if (banner_->isVisible()) {
    banner_->hide();
    chat_->addNotice(tr("Reconnected; messages sent meanwhile follow."));
  }
  chat_->setInputEnabled(true);
  participants_->reset(people);
  rebuildTiles();
  updateTitle();
}

void MeetingWindow::participantJoined(const client::ParticipantInfo& person) {
  participants_->add(person);
  chat_->addNotice(tr("%1 joined").arg(QString::fromStdString(person.user)));
  rebuildTiles();
}

void MeetingWindow::participantLeft(const client::ParticipantInfo& person, const QString& reason) {
  participants_->remove(person.id);
  chat_->addNotice(reason.isEmpty()
                       ? tr("%1 left").arg(QString::fromStdString(person.user))
                       : tr("%1 left (%2)").arg(QString::fromStdString(person.user), reason));
  rebuildTiles();
}

void MeetingWindow::reconnecting(const QString& reason, int retry_in_ms) {
  QPalette pal = banner_->palette();
  pal.setColor(QPalette::Window, QColor(255, 200, 80));
  pal.setColor(QPalette::WindowText, Qt::black);
  banner_->setPalette(pal);
  banner_->setText(tr("Reconnecting… the connection dropped (%1); next try in %2 s. Messages "
                      "you write are sent when it is back.")
                       .arg(reason)
                       .arg(std::ceil(retry_in_ms / 1000.0)));
  banner_->show();
}

void MeetingWindow::rebuildTiles() {
  while (QLayoutItem* item = tile_grid_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  const QStringList names = participants_->names();
  const int n = static_cast<int>(names.size());
  const int columns = std::max(1, static_cast<int>(std::ceil(std::sqrt(n))));
  for (int i = 0; i < n; ++i) {
    const bool self = participants_->isSelf(i);
    tile_grid_->addWidget(new VideoTile(names[i], self, tiles_), i / columns, i % columns);
  }
}

void MeetingWindow::updateTitle() {
  const int unread = chat_->unreadCount();
  QString title = room_.isEmpty() ? tr("Parley") : tr("%1 — Parley").arg(room_);
  if (unread > 0) {
    title = QStringLiteral("(%1) ").arg(unread) + title;
  }
  setWindowTitle(title);
}

void MeetingWindow::changeEvent(QEvent* event) {
  if (event->type() == QEvent::ActivationChange) {
    chat_->setReading(isActiveWindow());
    updateTitle();
  }
  QMainWindow::changeEvent(event);
}

void MeetingWindow::closeEvent(QCloseEvent* event) {
  if (!leaving_) {
    leaving_ = true;
    Q_EMIT leaveRequested();
  }
  event->accept();
}

}  // namespace parley::ui
