#pragma once
// AdmissionDialog: the owner's "Who may join" list: accounts and groups,
// one per line (both empty: anyone with an account), and the people removed
// from the room, each of whom can be let in again.
//
// Threads: GUI thread.

#include <QDialog>
#include <QStringList>

#include "core/client/session_observer.h"

class QListWidget;
class QPlainTextEdit;

namespace parley::ui {

class AdmissionDialog final : public QDialog {
  Q_OBJECT
 public:
  AdmissionDialog(const client::RoomStateInfo& state, QWidget* parent = nullptr);

  [[nodiscard]] QStringList accounts() const;
  [[nodiscard]] QStringList groups() const;
  // Removed accounts the owner ticked to let in again.
  [[nodiscard]] QStringList readmitted() const;

 private:
  QPlainTextEdit* accounts_ = nullptr;
  QPlainTextEdit* groups_ = nullptr;
  QListWidget* removed_ = nullptr;
};

}  // namespace parley::ui
