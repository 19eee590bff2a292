#include "ui/devices/camera_preview.h"

#include <QImage>
#include <QPixmap>

namespace parley::ui {
namespace {

constexpr int kPreviewIntervalMs = 66;  // 15 frames a second

}  // namespace

CameraPreview::CameraPreview(QWidget* parent) : QLabel(parent) {
  setAlignment(Qt::AlignCenter);
  setMinimumSize(320, 180);
  setFrameShape(QFrame::StyledPanel);
  timer_.setInterval(kPreviewIntervalMs);
  connect(&timer_, &QTimer::timeout, this, &CameraPreview::pull);
}

CameraPreview::~CameraPreview() = default;

void CameraPreview::start(std::unique_ptr<media::VideoSource> source, const QString& why) {
  stop(why);
  source_ = std::move(source);
  frames_shown_ = 0;
  if (source_) {
    setText(tr("Waiting for the camera…"));
    timer_.start();
  }
}

void CameraPreview::stop(const QString& text) {
  timer_.stop();
  source_.reset();
  setPixmap({});
  setText(text);
}

void CameraPreview::pull() {
  auto frame = source_->nextFrame();
  if (!frame) {
    stop(tr("The camera stopped: %1").arg(QString::fromStdString(frame.error().detail)));
    return;
  }
  if (!frame->has_value()) {
    return;  // no new picture since the last pull
  }
  auto rgba = converter_.fromI420(**frame, media::PixelFormat::Rgba);
  if (!rgba) {
    return;
  }
  const QImage image(rgba->pixels.data(), rgba->width, rgba->height, rgba->stride(),
                     QImage::Format_RGBA8888);
  // Scaled (a copy) before `rgba` goes; mirrored as in a looking glass.
  const QImage shown =
      image.scaled(contentsRect().size(), Qt::KeepAspectRatio, Qt::SmoothTransformation)
          .mirrored(true, false);
  setPixmap(QPixmap::fromImage(shown));
  ++frames_shown_;
}

}  // namespace parley::ui
