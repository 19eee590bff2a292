#pragma once
// ScreenWindow: a shared screen popped out of the meeting window into a
// window of its own (to put on a second monitor, or make as large as the
// desktop), fitted or at 100 %. The meeting window feeds it the same
// pictures as the screen's tile and closes it when the sharing ends.
//
// Threads: GUI thread.

#include <QWidget>

class QImage;
class QToolButton;

namespace parley::ui {

class ScreenView;

class ScreenWindow final : public QWidget {
  Q_OBJECT
 public:
  explicit ScreenWindow(const QString& user, QWidget* parent = nullptr);
  void setImage(const QImage& image);
  void setStatus(const QString& status);
  [[nodiscard]] ScreenView* view() const { return view_; }
  [[nodiscard]] QString user() const { return user_; }

 private:
  QString user_;
  ScreenView* view_ = nullptr;
  QToolButton* fit_ = nullptr;
  QToolButton* actual_ = nullptr;
};

}  // namespace parley::ui
