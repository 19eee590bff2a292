#pragma once
// CameraPreview: the settings dialog's picture of one's own camera. It shows
// what the call would send: the same media::VideoSource the meeting's
// camera sender reads (CameraFeed's, or the test camera), pulled 15 times a
// second and drawn scaled into the label, mirrored as people expect to see
// themselves.
//
// Threads: GUI thread. A frame is 640 wide, so the conversion per pull is
// about a millisecond; the preview runs only while its page is shown.

#include <QLabel>
#include <QTimer>
#include <memory>

#include "media/video/frame_convert.h"
#include "media/video/video_source.h"

namespace parley::ui {

class CameraPreview final : public QLabel {
  Q_OBJECT
 public:
  explicit CameraPreview(QWidget* parent = nullptr);
  ~CameraPreview() override;

  // Shows frames from `source` until stop() (null: shows `why` instead).
  void start(std::unique_ptr<media::VideoSource> source, const QString& why = {});
  void stop(const QString& text = {});
  // Frames drawn since start() (tests).
  [[nodiscard]] int framesShown() const { return frames_shown_; }

 private:
  void pull();

  std::unique_ptr<media::VideoSource> source_;
  media::FrameConverter converter_;
  QTimer timer_;
  int frames_shown_ = 0;
};

}  // namespace parley::ui
