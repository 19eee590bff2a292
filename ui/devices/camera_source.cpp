#include "ui/devices/camera_source.h"

#include <QCamera>
#include <QImage>
#include <QMediaCaptureSession>
#include <QMediaDevices>
#include <chrono>

namespace parley::ui {
namespace {
constexpr int kSendWidth = 640;

// The camera format closest to 640x480 or 1280x720 at up to 30 fps: enough
// for the 640-wide stream without making the camera work for nothing.
QCameraFormat pickFormat(const QCameraDevice& device) {
  QCameraFormat best;
  long best_score = 0;
  for (const QCameraFormat& f : device.videoFormats()) {
    const QSize s = f.resolution();
    if (s.width() < 320 || f.maxFrameRate() < 10) {
      continue;
    }
    const long score = std::abs(s.width() - 960L) + (f.maxFrameRate() >= 25 ? 0 : 400);
    if (best.isNull() || score < best_score) {
      best = f;
      best_score = score;
    }
  }
  return best;
}
}  // namespace

CameraVideoSource::CameraVideoSource(std::shared_ptr<CameraFrameSlot> slot, int width, int height,
                                     QString name)
    : slot_(std::move(slot)), width_(width), height_(height), name_(std::move(name)) {}

Result<std::optional<media::VideoFrame>> CameraVideoSource::nextFrame() {
  QVideoFrame frame;
  {
    std::lock_guard lock(slot_->mu);
    if (slot_->seq == seen_) {
      return std::optional<media::VideoFrame>{};
    }
    seen_ = slot_->seq;
    frame = slot_->frame;
  }
  // toImage() maps and converts whatever pixel format the camera gives.
  QImage image = frame.toImage().convertToFormat(QImage::Format_RGBA8888);
  if (image.isNull()) {
    return std::optional<media::VideoFrame>{};
  }
  media::PackedImageView view{image.constBits(), image.width(), image.height(),
                              static_cast<int>(image.bytesPerLine()), media::PixelFormat::Rgba};
  auto i420 = converter_.toI420(view, width_, height_);
  if (!i420) {
    return makeError(std::move(i420).error());
  }
  i420->setTimestamp(std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now().time_since_epoch()));
  return std::optional<media::VideoFrame>(std::move(*i420));
}

QCameraDevice CameraFeed::defaultCamera() { return QMediaDevices::defaultVideoInput(); }

CameraFeed::CameraFeed(const QCameraDevice& device, QObject* parent)
    : QObject(parent), device_(device) {}

CameraFeed::~CameraFeed() { stop(); }

std::unique_ptr<media::VideoSource> CameraFeed::start(QString* error) {
  stop();
  if (device_.isNull()) {
    *error = tr("no camera found");
    return nullptr;
  }
  camera_ = new QCamera(device_, this);
  const QCameraFormat format = pickFormat(device_);
  if (!format.isNull()) {
    camera_->setCameraFormat(format);
  }
  session_ = new QMediaCaptureSession(this);
  sink_ = new QVideoSink(this);
  session_->setCamera(camera_);
  session_->setVideoSink(sink_);
  // Direct: the backend may deliver on its own thread; the slot swap is cheap.
  connect(
      sink_, &QVideoSink::videoFrameChanged, this,
      [slot = slot_](const QVideoFrame& f) {
        std::lock_guard lock(slot->mu);
        slot->frame = f;
        ++slot->seq;
      },
      Qt::DirectConnection);
  connect(camera_, &QCamera::errorOccurred, this,
          [this](QCamera::Error, const QString& text) { Q_EMIT failed(text); });
  camera_->start();
  if (camera_->error() != QCamera::NoError) {
    *error = camera_->errorString();
    stop();
    return nullptr;
  }
  QSize size = format.isNull() ? QSize(640, 480) : format.resolution();
  if (size.width() <= 0 || size.height() <= 0) {
    size = QSize(640, 480);
  }
  const int height = std::max(2, (kSendWidth * size.height() / size.width()) & ~1);
  return std::make_unique<CameraVideoSource>(slot_, kSendWidth, height, device_.description());
}

void CameraFeed::stop() {
  if (camera_ != nullptr) {
    camera_->stop();
  }
  delete session_;
  delete sink_;
  delete camera_;
  session_ = nullptr;
  sink_ = nullptr;
  camera_ = nullptr;
}

}  // namespace parley::ui
