#include "ui/meeting/room_controls.h"

#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QTableView>

#include "ui/meeting/admission_dialog.h"
#include "ui/meeting/participant_model.h"

namespace parley::ui {

RoomControls::RoomControls(QTableView* people, ParticipantModel* model, QWidget* parent)
    : QWidget(parent), people_(people), model_(model) {
  setObjectName(QStringLiteral("roomControls"));
  auto* row = new QHBoxLayout(this);
  row->setContentsMargins(0, 0, 0, 0);
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("roomLockStatus"));
  status_->setAccessibleName(tr("Room status"));
  lock_ = new QPushButton(tr("&Lock room"), this);
  lock_->setObjectName(QStringLiteral("lockRoomButton"));
  lock_->setCheckable(true);
  lock_->setAccessibleName(tr("Lock room"));
  lock_->setToolTip(tr("When locked, no one new can join; the people here stay."));
  admission_ = new QPushButton(tr("&Who may join…"), this);
  admission_->setObjectName(QStringLiteral("admissionButton"));
  admission_->setAccessibleName(tr("Who may join"));
  remove_ = new QPushButton(tr("&Remove"), this);
  remove_->setObjectName(QStringLiteral("removeParticipantButton"));
  remove_->setAccessibleName(tr("Remove the selected participant"));
  remove_->setToolTip(
      tr("Removes the selected person from the room. They cannot come back "
         "until you let them in again."));
  row->addWidget(status_, 1);
  row->addWidget(lock_);
  row->addWidget(admission_);
  row->addWidget(remove_);

  connect(lock_, &QPushButton::clicked, this, [this](bool checked) {
    // Shown as it is until the server confirms (setState).
    lock_->setChecked(state_.locked);
    Q_EMIT lockRequested(checked);
  });
  connect(admission_, &QPushButton::clicked, this, &RoomControls::openAdmissionDialog);
  connect(remove_, &QPushButton::clicked, this, &RoomControls::requestRemove);
  people_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(people_, &QTableView::customContextMenuRequested, this, &RoomControls::showContextMenu);
  connect(people_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &RoomControls::updateControls);
  connect(model_, &QAbstractItemModel::modelReset, this, &RoomControls::updateControls);
  connect(model_, &QAbstractItemModel::rowsRemoved, this, &RoomControls::updateControls);
  updateControls();
}

void RoomControls::setState(const client::RoomStateInfo& state) {
  state_ = state;
  model_->setOwner(QString::fromStdString(state.owner));
  updateControls();
}

const client::ParticipantInfo* RoomControls::removable() const {
  if (!state_.you_are_owner) {
    return nullptr;
  }
  const auto rows = people_->selectionModel()->selectedRows();
  if (rows.isEmpty()) {
    return nullptr;
  }
  const int row = rows.front().row();
  if (row < 0 || row >= static_cast<int>(model_->people().size()) || model_->isSelf(row)) {
    return nullptr;
  }
  const auto& person = model_->people()[static_cast<std::size_t>(row)];
  // Another connection of the owner's own account is the owner too.
  if (person.user == state_.owner) {
    return nullptr;
  }
  return &person;
}

void RoomControls::updateControls() {
  const QString owner = QString::fromStdString(state_.owner);
  QString text;
  if (state_.locked) {
    // Words, not a lock glyph: not every system font has one.
    text = tr("Locked: no one new can join");
  } else if (state_.you_are_owner &&
             (!state_.admitted_accounts.empty() || !state_.admitted_groups.empty())) {
    text = tr("Only listed people can join");
  } else {
    text = tr("Open");
  }
  if (state_.you_are_owner) {
    text += tr(" · you own this room");
  } else if (!owner.isEmpty()) {
    text += tr(" · owner: %1").arg(owner);
  }
  status_->setText(text);
  QFont font = status_->font();
  font.setBold(state_.locked);
  status_->setFont(font);
  lock_->setVisible(state_.you_are_owner);
  admission_->setVisible(state_.you_are_owner);
  remove_->setVisible(state_.you_are_owner);
  lock_->setChecked(state_.locked);
  lock_->setText(state_.locked ? tr("Un&lock room") : tr("&Lock room"));
  lock_->setAccessibleName(state_.locked ? tr("Unlock room") : tr("Lock room"));
  remove_->setEnabled(removable() != nullptr);
}

void RoomControls::showContextMenu(const QPoint& at) {
  if (!state_.you_are_owner) {
    return;
  }
  const QModelIndex index = people_->indexAt(at);
  if (index.isValid()) {
    people_->selectRow(index.row());
  }
  QMenu menu(people_);
  QAction* remove = menu.addAction(tr("&Remove from room"));
  remove->setObjectName(QStringLiteral("removeParticipantAction"));
  remove->setEnabled(removable() != nullptr);
  connect(remove, &QAction::triggered, this, &RoomControls::requestRemove);
  QAction* lock = menu.addAction(state_.locked ? tr("Un&lock room") : tr("&Lock room"));
  connect(lock, &QAction::triggered, this, [this] { Q_EMIT lockRequested(!state_.locked); });
  QAction* admission = menu.addAction(tr("&Who may join…"));
  connect(admission, &QAction::triggered, this, &RoomControls::openAdmissionDialog);
  menu.exec(people_->viewport()->mapToGlobal(at));
}

void RoomControls::openAdmissionDialog() {
  auto* dialog = new AdmissionDialog(state_, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &AdmissionDialog::accepted, this, [this, dialog] {
    Q_EMIT admissionRequested(dialog->accounts(), dialog->groups(), dialog->readmitted());
  });
  dialog->open();
}

void RoomControls::requestRemove() {
  if (const auto* person = removable()) {
    Q_EMIT removeRequested(person->id);
  }
}

}  // namespace parley::ui
