#pragma once
// ShareDialog: "what do you want to share?" A list of the screens, then the
// windows, of the X display (media::listShareableTargets, read by the caller,
// off the GUI thread: it may come after the dialog, which says it is looking
// until then), with Share and Cancel. When nothing can be listed (no X
// display, another platform) it says why and offers nothing to share.
//
// Threads: GUI thread. Ownership: a modal child of the meeting window,
// deleted on close.

#include <QDialog>
#include <optional>
#include <vector>

#include "media/video/screen_capture.h"

class QDialogButtonBox;
class QLabel;
class QListWidget;

namespace parley::ui {

class ShareDialog final : public QDialog {
  Q_OBJECT
 public:
  // `error` non-empty: listing failed, shown instead of the list.
  ShareDialog(std::vector<media::ShareableTarget> targets, const QString& error,
              QWidget* parent = nullptr);
  // Empty, "looking for screens and windows" until setTargets().
  explicit ShareDialog(QWidget* parent = nullptr);
  // Replaces the list (`error` non-empty: listing failed, shown instead).
  void setTargets(std::vector<media::ShareableTarget> targets, const QString& error);

  [[nodiscard]] const std::vector<media::ShareableTarget>& targets() const { return targets_; }
  // The selected target (none while nothing is selected).
  [[nodiscard]] std::optional<media::ShareableTarget> selected() const;
  // Selects row `index` of the list (keyboard users and tests).
  void select(int index);

 Q_SIGNALS:
  void shareChosen(const parley::media::ShareableTarget& target);

 private:
  std::vector<media::ShareableTarget> targets_;
  QListWidget* list_ = nullptr;
  QLabel* note_ = nullptr;
  QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace parley::ui
