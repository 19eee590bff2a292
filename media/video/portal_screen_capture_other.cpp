// The desktop portal and PipeWire exist only on Linux (and BSD) desktops.
#include "media/video/portal_screen_capture.h"

namespace parley::media {

struct PortalScreenCapture::Impl {};

PortalScreenCapture::PortalScreenCapture(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PortalScreenCapture::~PortalScreenCapture() = default;

Result<std::unique_ptr<PortalScreenCapture>> PortalScreenCapture::open(
    const PortalCaptureOptions& /*options*/) {
  return makeError(ErrorCode::MediaUnsupported,
                   "the desktop portal is for Linux desktops; this platform has its own grabber");
}

Result<std::optional<VideoFrame>> PortalScreenCapture::nextFrame() {
  return makeError(ErrorCode::MediaUnsupported, "no desktop portal on this platform");
}
int PortalScreenCapture::width() const { return 0; }
int PortalScreenCapture::height() const { return 0; }
std::string PortalScreenCapture::name() const { return "unsupported"; }
std::string PortalScreenCapture::restoreToken() const { return {}; }
PortalCaptureStats PortalScreenCapture::stats() const { return {}; }

}  // namespace parley::media
