// Screen capture on platforms where Parley has no grabber yet (macOS: the
// avfoundation grabber is still to be written; Windows has its own,
// screen_capture_win.cpp).
// TODO(video): the macOS avfoundation grabber.
#include "media/video/screen_capture.h"

namespace parley::media {
namespace {

Unexpected unsupported() {
  return makeError(ErrorCode::MediaUnsupported,
                   "screen capture is not available on this platform yet");
}

}  // namespace

struct ScreenCapture::Impl {};

Result<std::vector<ShareableTarget>> listShareableTargets(const std::string& /*display*/) {
  return unsupported();
}

ScreenCapture::ScreenCapture(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ScreenCapture::~ScreenCapture() = default;

Result<std::unique_ptr<ScreenCapture>> ScreenCapture::open(
    const ScreenCaptureOptions& /*options*/) {
  return unsupported();
}

Result<std::optional<VideoFrame>> ScreenCapture::nextFrame() { return unsupported(); }
int ScreenCapture::width() const { return 0; }
int ScreenCapture::height() const { return 0; }
std::string ScreenCapture::name() const { return "unsupported"; }

}  // namespace parley::media
