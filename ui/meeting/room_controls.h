#pragma once
// RoomControls: the room's owner and lock above the participants list. For
// everyone: whether the room is locked and who owns it. For the owner: Lock
// room, Who may join… (AdmissionDialog) and Remove for the selected
// participant, also in the list's context menu. The controls only ask
// (signals); the server answers with the new room state (setState).
//
// Threads: GUI thread.

#include <QStringList>
#include <QWidget>

#include "core/client/session_observer.h"

class QLabel;
class QPushButton;
class QTableView;

namespace parley::ui {

class ParticipantModel;

class RoomControls final : public QWidget {
  Q_OBJECT
 public:
  // `people` shows `model`; both outlive this widget (same window).
  RoomControls(QTableView* people, ParticipantModel* model, QWidget* parent = nullptr);

  void setState(const client::RoomStateInfo& state);
  [[nodiscard]] const client::RoomStateInfo& state() const { return state_; }
  // The selected participant, if the owner may remove it (not themselves).
  [[nodiscard]] const client::ParticipantInfo* removable() const;

 Q_SIGNALS:
  void lockRequested(bool locked);
  // The whole list (both empty: open to every account), and removed
  // accounts to let back in.
  void admissionRequested(const QStringList& accounts, const QStringList& groups,
                          const QStringList& readmit);
  void removeRequested(quint64 participant_id);

 private:
  void updateControls();
  void showContextMenu(const QPoint& at);
  void openAdmissionDialog();
  void requestRemove();

  QTableView* people_;
  ParticipantModel* model_;
  client::RoomStateInfo state_;
  QLabel* status_ = nullptr;
  QPushButton* lock_ = nullptr;
  QPushButton* admission_ = nullptr;
  QPushButton* remove_ = nullptr;
};

}  // namespace parley::ui
