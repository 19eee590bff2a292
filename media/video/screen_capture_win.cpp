// ScreenCapture on Windows: WinScreenGrabber's BGRA pictures (Desktop
// Duplication or GDI, media/video/win_screen_grabber.h) converted to I420
// and paced to the frame rate asked for. `window_id` is a window handle
// (HWND); `display` means nothing here. Only built on Windows
// (media/video/sources.cmake); the guard keeps tools that visit every file
// from compiling it elsewhere.
#if defined(_WIN32)

#include <algorithm>
#include <chrono>
#include <thread>

#include "media/video/frame_convert.h"
#include "media/video/screen_capture.h"
#include "media/video/win_screen_grabber.h"

namespace parley::media {

struct ScreenCapture::Impl {
  std::unique_ptr<WinScreenGrabber> grabber;
  FrameConverter converter;
  std::chrono::steady_clock::time_point started;
  std::chrono::steady_clock::time_point next_due;
  std::chrono::microseconds interval{0};
  int width = 0;
  int height = 0;
};

Result<std::vector<ShareableTarget>> listShareableTargets(const std::string& /*display*/) {
  return listWindowsTargets();
}

ScreenCapture::ScreenCapture(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ScreenCapture::~ScreenCapture() = default;

Result<std::unique_ptr<ScreenCapture>> ScreenCapture::open(const ScreenCaptureOptions& options) {
  if (options.framerate < 1 || options.framerate > 60) {
    return makeError(ErrorCode::InvalidArgument, "screen capture: frame rate out of range");
  }
  auto grabber = WinScreenGrabber::open(options.window_id, options.region);
  if (!grabber) {
    return makeError(grabber.error());
  }
  auto impl = std::make_unique<Impl>();
  impl->grabber = std::move(*grabber);
  impl->interval = std::chrono::microseconds(1'000'000 / options.framerate);
  impl->started = std::chrono::steady_clock::now();
  impl->next_due = impl->started;
  impl->width = impl->grabber->width();
  impl->height = impl->grabber->height();
  return std::unique_ptr<ScreenCapture>(new ScreenCapture(std::move(impl)));
}

Result<std::optional<VideoFrame>> ScreenCapture::nextFrame() {
  // Paced like x11grab: at most one frame interval of waiting.
  std::this_thread::sleep_until(impl_->next_due);
  const auto now = std::chrono::steady_clock::now();
  impl_->next_due = std::max(impl_->next_due + impl_->interval, now);
  auto image = impl_->grabber->grab();
  if (!image) {
    return makeError(image.error());
  }
  auto frame = impl_->converter.toI420(view(*image));
  if (!frame) {
    return makeError(frame.error());
  }
  impl_->width = image->width;
  impl_->height = image->height;
  frame->setTimestamp(std::chrono::duration_cast<std::chrono::microseconds>(now - impl_->started));
  return std::optional<VideoFrame>(std::move(*frame));
}

int ScreenCapture::width() const { return impl_->width; }
int ScreenCapture::height() const { return impl_->height; }
std::string ScreenCapture::name() const {
  return "Windows screen (" + impl_->grabber->method() + ")";
}

}  // namespace parley::media

#endif  // defined(_WIN32)
