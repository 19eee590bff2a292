#pragma once
// The desktop camera as a media::VideoSource. CameraFeed runs the Qt
// Multimedia side (QCamera -> QMediaCaptureSession -> QVideoSink) and keeps
// the newest QVideoFrame in a shared slot; CameraVideoSource, owned by the
// call's camera VideoSender, takes that frame on the encode thread and
// converts it to I420 at the size the stream sends (640 wide, the camera's
// aspect), so the GUI thread never converts pictures.
//
//   QCamera -> QVideoSink --(frame thread: store newest)--> [slot]
//                                  encode thread: nextFrame() -> QImage -> I420
//
// Threads: CameraFeed on the GUI thread (QVideoSink may report frames on a
// backend thread: the slot has a mutex, held only to swap a ref-counted
// frame); CameraVideoSource on the encode thread. Ownership: MeetingMedia
// owns the feed; the source holds the slot shared, so either may go first.

#include <QCameraDevice>
#include <QObject>
#include <QVideoFrame>
#include <QVideoSink>
#include <memory>
#include <mutex>

#include "media/video/frame_convert.h"
#include "media/video/video_source.h"

class QCamera;
class QMediaCaptureSession;

namespace parley::ui {

struct CameraFrameSlot {
  std::mutex mu;
  QVideoFrame frame;      // guarded by mu
  std::uint64_t seq = 0;  // guarded by mu: bumped per new frame
};

class CameraVideoSource final : public media::VideoSource {
 public:
  CameraVideoSource(std::shared_ptr<CameraFrameSlot> slot, int width, int height, QString name);
  Result<std::optional<media::VideoFrame>> nextFrame() override;
  [[nodiscard]] int width() const override { return width_; }
  [[nodiscard]] int height() const override { return height_; }
  [[nodiscard]] std::string name() const override { return name_.toStdString(); }

 private:
  std::shared_ptr<CameraFrameSlot> slot_;
  int width_;
  int height_;
  QString name_;
  std::uint64_t seen_ = 0;
  media::FrameConverter converter_;
};

class CameraFeed final : public QObject {
  Q_OBJECT
 public:
  // The system's default camera, or null device when there is none.
  static QCameraDevice defaultCamera();

  CameraFeed(const QCameraDevice& device, QObject* parent = nullptr);
  ~CameraFeed() override;

  // Starts the camera and returns the source for the call (sending at
  // 640 wide). Null with *error when the camera cannot start.
  std::unique_ptr<media::VideoSource> start(QString* error);
  void stop();

 Q_SIGNALS:
  // A camera error after start (unplugged, busy), in words.
  void failed(const QString& reason);

 private:
  QCameraDevice device_;
  std::shared_ptr<CameraFrameSlot> slot_ = std::make_shared<CameraFrameSlot>();
  QCamera* camera_ = nullptr;
  QMediaCaptureSession* session_ = nullptr;
  QVideoSink* sink_ = nullptr;
};

}  // namespace parley::ui
