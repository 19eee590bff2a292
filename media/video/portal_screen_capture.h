#pragma once
// PortalScreenCapture: screen sharing on a Wayland desktop. The desktop
// portal (ScreenCastPortal) lets the person choose a screen or window in
// the desktop's own chooser, and the frames come from PipeWire
// (PipeWireScreenStream). A VideoSource like ScreenCapture, so the send
// pipeline is the same as for x11grab. On other platforms open() fails with
// MediaUnsupported.
//
// screenGrabberFor() says which grabber suits a session: on a Wayland
// desktop an X11 grabber sees only XWayland windows (black or nothing for
// the rest), so the portal is used there even when $DISPLAY is set.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/base/result.h"
#include "media/video/video_source.h"

namespace parley::media {

enum class ScreenGrabber { X11, Portal, Platform };

struct DesktopSession {
  std::string session_type;     // $XDG_SESSION_TYPE
  std::string wayland_display;  // $WAYLAND_DISPLAY
};
ScreenGrabber screenGrabberFor(const DesktopSession& session);
// From this process's environment (Linux); Platform elsewhere.
ScreenGrabber screenGrabberForThisSession();

struct PortalCaptureOptions {
  bool allow_windows = true;
  bool embed_cursor = true;
  // From restoreToken() of an earlier share in this meeting: the portal may
  // then share the same thing again without asking.
  std::string restore_token;
  std::chrono::seconds chooser_timeout{300};
  // Set from any thread to give up while the desktop's chooser is open
  // (PortalRequest::withdraw): open() then fails at once.
  std::shared_ptr<std::atomic<bool>> withdraw;
  int framerate = 15;  // 1..60: how often nextFrame() offers a frame
};

struct PortalCaptureStats {
  std::uint64_t frames_received = 0;
  std::uint64_t frames_skipped = 0;
  std::uint64_t frames_unchanged = 0;  // repeats of the last picture, not converted
  std::uint64_t size_changes = 0;
  // Conversion time of the last frame (PipeWire's buffer to I420), us.
  std::int64_t last_convert_us = 0;
};

class PortalScreenCapture final : public VideoSource {
 public:
  // Asks the portal (blocks while its chooser is open) and connects to the
  // granted PipeWire stream. CaptureFailed saying which part is missing or
  // that the person cancelled; MediaUnsupported off Linux.
  static Result<std::unique_ptr<PortalScreenCapture>> open(const PortalCaptureOptions& options);

  ~PortalScreenCapture() override;
  PortalScreenCapture(const PortalScreenCapture&) = delete;
  PortalScreenCapture& operator=(const PortalScreenCapture&) = delete;

  // The newest frame, waiting at most one frame interval for a new one;
  // the last frame again when the screen did not change (compositors send
  // frames only on damage, and a receiver that joins later still needs a
  // key frame); nullopt before the first. CaptureFailed once the desktop
  // ended the cast (its own Stop button) or PipeWire went away.
  Result<std::optional<VideoFrame>> nextFrame() override;
  [[nodiscard]] int width() const override;
  [[nodiscard]] int height() const override;
  [[nodiscard]] std::string name() const override;

  // Empty when the portal offers no restore.
  [[nodiscard]] std::string restoreToken() const;
  [[nodiscard]] PortalCaptureStats stats() const;

  struct Impl;

 private:
  explicit PortalScreenCapture(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::media
