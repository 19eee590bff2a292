#pragma once
// VideoTile: one participant's place in the meeting's video grid. Until the
// media update brings cameras and screen sharing, it shows the person's
// initials and says the camera is off.
//
// Threads: GUI thread.

#include <QWidget>

namespace parley::ui {

class VideoTile final : public QWidget {
  Q_OBJECT
 public:
  VideoTile(const QString& name, bool self, QWidget* parent = nullptr);
  [[nodiscard]] QString name() const { return name_; }
  QSize sizeHint() const override { return {220, 150}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QString name_;
  bool self_;
};

}  // namespace parley::ui
