#pragma once
// WinScreenGrabber: grabs the Windows desktop or one window as BGRA pixels.
// The whole desktop comes from DXGI Desktop Duplication when the system
// offers it (a GPU copy of what the compositor shows), else from GDI
// (BitBlt from the screen's DC); a window comes from its own DC by its
// handle (BitBlt of the client area, PrintWindow when the window is covered
// or off screen). listWindowsTargets() enumerates what the share chooser
// offers: the desktop, then visible top-level windows with a title.
//
// Windows only (media/video/sources.cmake). Threads: one capture thread per
// grabber; not thread-safe. Verified under Wine (tests/windows): the GDI
// paths; Wine has no Desktop Duplication, so that path is compiled here but
// runs only on real Windows.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "media/video/frame_convert.h"
#include "media/video/screen_capture.h"

namespace parley::media {

class WinScreenGrabber {
 public:
  // window: an HWND as an integer, or none for the whole desktop (then
  // `region`, in desktop coordinates, may narrow it).
  static Result<std::unique_ptr<WinScreenGrabber>> open(std::optional<std::uint64_t> window,
                                                        std::optional<CaptureRegion> region);
  ~WinScreenGrabber();
  WinScreenGrabber(const WinScreenGrabber&) = delete;
  WinScreenGrabber& operator=(const WinScreenGrabber&) = delete;

  // One picture, BGRA, rows top-down and tightly packed. CaptureFailed when
  // the window is gone or the desktop cannot be read (a secure desktop such
  // as the lock screen).
  Result<PackedImage> grab();
  // "DXGI desktop duplication", "GDI" or "GDI window".
  [[nodiscard]] std::string method() const;
  [[nodiscard]] int width() const;
  [[nodiscard]] int height() const;

  struct Impl;

 private:
  explicit WinScreenGrabber(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The desktop (id 0), then each visible, titled top-level window (id: its
// HWND), with its title (UTF-8) and screen rectangle.
std::vector<ShareableTarget> listWindowsTargets();

}  // namespace parley::media
