// The portal's grant and PipeWire's frames as one VideoSource.
#include "media/video/portal_screen_capture.h"

#include <algorithm>
#include <utility>

#include "media/video/portal/pipewire_screen_stream.h"
#include "media/video/portal/screencast_portal.h"

namespace parley::media {

struct PortalScreenCapture::Impl {
  std::unique_ptr<ScreenCastPortal> portal;
  std::unique_ptr<PipeWireScreenStream> stream;
  std::chrono::milliseconds interval{66};
  std::optional<VideoFrame> last;
  int width = 0;
  int height = 0;
  std::string restore_token;
  std::uint32_t node_id = 0;
};

PortalScreenCapture::PortalScreenCapture(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
// The stream goes before the portal: closing the portal session first would
// end the stream under PipeWire's feet.
PortalScreenCapture::~PortalScreenCapture() {
  if (impl_) {
    impl_->stream.reset();
  }
}

Result<std::unique_ptr<PortalScreenCapture>> PortalScreenCapture::open(
    const PortalCaptureOptions& options) {
  if (options.framerate < 1 || options.framerate > 60) {
    return makeError(ErrorCode::MediaUnsupported,
                     "screen capture frame rate out of range (1..60): " +
                         std::to_string(options.framerate));
  }
  if (auto pipewire = PipeWireScreenStream::checkDaemon(); !pipewire) {
    return makeError(std::move(pipewire).error());
  }
  auto portal = ScreenCastPortal::connect();
  if (!portal) {
    return makeError(std::move(portal).error());
  }
  PortalRequest request;
  request.allow_windows = options.allow_windows;
  request.embed_cursor = options.embed_cursor;
  request.restore_token = options.restore_token;
  request.chooser_timeout = options.chooser_timeout;
  request.withdraw = options.withdraw;
  auto grant = (*portal)->start(request);
  if (!grant) {
    return makeError(std::move(grant).error());
  }
  auto stream = PipeWireScreenStream::connect(grant->pipewire_fd, grant->node_id);
  if (!stream) {
    return makeError(std::move(stream).error());
  }
  auto impl = std::make_unique<Impl>();
  impl->portal = std::move(*portal);
  impl->stream = std::move(*stream);
  impl->interval = std::chrono::milliseconds(1000 / options.framerate);
  impl->width = grant->width;
  impl->height = grant->height;
  impl->restore_token = grant->restore_token;
  impl->node_id = grant->node_id;
  return std::unique_ptr<PortalScreenCapture>(new PortalScreenCapture(std::move(impl)));
}

Result<std::optional<VideoFrame>> PortalScreenCapture::nextFrame() {
  Impl& p = *impl_;
  if (p.portal->sessionClosed()) {
    return makeError(ErrorCode::CaptureFailed,
                     "the desktop ended the screen share (its own Stop button or indicator)");
  }
  auto frame = p.stream->takeFrame(p.interval);
  if (auto why = p.stream->ended()) {
    return makeError(ErrorCode::CaptureFailed, *why);
  }
  if (frame) {
    p.width = frame->width();
    p.height = frame->height();
    p.last = std::move(*frame);
  }
  if (!p.last) {
    return std::optional<VideoFrame>{};
  }
  return std::optional<VideoFrame>(p.last->clone());
}

int PortalScreenCapture::width() const { return impl_->width; }
int PortalScreenCapture::height() const { return impl_->height; }
std::string PortalScreenCapture::name() const {
  return "screen from the desktop portal (PipeWire node " + std::to_string(impl_->node_id) + ")";
}
std::string PortalScreenCapture::restoreToken() const { return impl_->restore_token; }

PortalCaptureStats PortalScreenCapture::stats() const {
  const auto s = impl_->stream->stats();
  return {s.frames_received, s.frames_skipped, s.frames_unchanged, s.size_changes,
          s.last_convert_us};
}

}  // namespace parley::media
