#pragma once
// VideoTile: one picture in the meeting's video grid: a participant's
// camera (or their initial while the camera is off), or a screen someone
// shares. The newest remote picture is set by the meeting window; the tile
// draws it scaled to fit, keeping its aspect, with the name and the state
// ("muted", "camera off", "sharing") along the bottom.
//
// Threads: GUI thread.

#include <QImage>
#include <QWidget>

namespace parley::ui {

class VideoTile final : public QWidget {
  Q_OBJECT
 public:
  VideoTile(const QString& name, bool self, bool screen, QWidget* parent = nullptr);
  [[nodiscard]] QString name() const { return name_; }
  [[nodiscard]] bool isScreen() const { return screen_; }
  QSize sizeHint() const override { return screen_ ? QSize(480, 300) : QSize(220, 150); }

  void setImage(const QImage& image);
  // A shared screen at 100 %: the tile takes the picture's own size (one
  // picture pixel per screen pixel, also at 200 % scaling) inside its
  // scroll area (ScreenView) instead of fitting the picture to the tile.
  void setActualSize(bool actual);
  [[nodiscard]] bool actualSize() const { return actual_size_; }
  void clearImage();
  [[nodiscard]] bool hasPicture() const { return !image_.isNull(); }
  [[nodiscard]] const QImage& image() const { return image_; }
  // What the label says on the right ("muted", "camera off", ...).
  void setStatus(const QString& status);
  [[nodiscard]] QString status() const { return status_; }
  // Our own tile: the microphone's level, 0 (silence) to 1, as a bar along
  // the bottom, so a person sees the microphone hears them.
  void setLevel(double level);
  // The active speaker's tile: a green frame.
  void setSpeaking(bool speaking);
  [[nodiscard]] bool speaking() const { return speaking_; }
  [[nodiscard]] double level() const { return level_; }

 Q_SIGNALS:
  // Double-clicked (a shared screen pops out into its own window).
  void activated();
  // The space the picture is drawn in, in device pixels, changed: pictures
  // larger than it are converted at this size on the decode thread, never
  // at full size to be shrunk here. Empty: any size (a screen at 100 %).
  void pictureAreaChanged(QSize device_pixels);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  void updateAccessibleName();
  void fitToPicture();
  void announcePictureArea();
  [[nodiscard]] QRectF levelRect() const;

  QString name_;
  bool self_;
  bool screen_;
  QImage image_;
  QString status_;
  double level_ = 0;
  bool speaking_ = false;
  bool actual_size_ = false;
  QSize announced_{-1, -1};  // the picture area last announced
};

}  // namespace parley::ui
