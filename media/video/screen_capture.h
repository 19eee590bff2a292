#pragma once
// Screen sharing capture. ScreenCapture grabs a whole screen, one window or
// a region: through FFmpeg's libavdevice on X11 (x11grab, raw packets
// decoded and converted to I420 with libswscale), through DXGI Desktop
// Duplication or GDI on Windows (media/video/win_screen_grabber.h; there
// window_id is a window handle); on macOS open() fails with
// MediaUnsupported until its grabber is written. listShareableTargets() lists what the GUI's
// chooser offers. Owned by the send pipeline of the screen share; not thread-safe, use it from one
// capture thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "media/video/video_source.h"

namespace parley::media {

struct CaptureRegion {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
};

struct ScreenCaptureOptions {
  // X display such as ":99" (empty: $DISPLAY).
  std::string display;
  // One window (X window id) instead of the whole screen. Captured through
  // x11grab's window_id where FFmpeg has it (5.1+), else as the screen
  // region the window covers (then windows on top of it show too).
  std::optional<std::uint64_t> window_id;
  // A part of the screen; ignored when window_id is set.
  std::optional<CaptureRegion> region;
  int framerate = 15;  // 1..60
  bool draw_mouse = true;
};

struct ShareableTarget {
  enum class Kind { Screen, Window };
  Kind kind = Kind::Screen;
  // Screen: the X screen number; window: the X window id.
  std::uint64_t id = 0;
  std::string name;  // "Screen 0 (1920x1080)", a window's title
  CaptureRegion geometry;
};

// What can be shared on `display` (empty: $DISPLAY): each screen, then the
// top-level windows that are mapped and have a title (from the window
// manager's _NET_CLIENT_LIST when there is one). CaptureFailed when the
// display cannot be opened; MediaUnsupported on platforms without capture.
// Synchronous (a few X round trips per window).
Result<std::vector<ShareableTarget>> listShareableTargets(const std::string& display = {});

class ScreenCapture final : public VideoSource {
 public:
  // Opens the grabber. CaptureFailed with the reason when the display is
  // not there, the window does not exist, or FFmpeg refuses the options;
  // MediaUnsupported on platforms without capture.
  static Result<std::unique_ptr<ScreenCapture>> open(const ScreenCaptureOptions& options);

  ~ScreenCapture() override;
  ScreenCapture(const ScreenCapture&) = delete;
  ScreenCapture& operator=(const ScreenCapture&) = delete;

  // The next captured frame, stamped with the grabber's capture time
  // (microseconds, monotonic). x11grab paces itself, so this blocks until
  // the next frame is due: at most one frame interval (1/framerate); it
  // never returns nullopt on X11. CaptureFailed when the display went away
  // or the window was closed.
  Result<std::optional<VideoFrame>> nextFrame() override;
  [[nodiscard]] int width() const override;
  [[nodiscard]] int height() const override;
  [[nodiscard]] std::string name() const override;

  struct Impl;

 private:
  explicit ScreenCapture(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::media
