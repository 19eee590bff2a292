// Which screen grabber suits the desktop session (portal_screen_capture.h).
#include <cstdlib>

#include "media/video/portal_screen_capture.h"

namespace parley::media {

ScreenGrabber screenGrabberFor(const DesktopSession& session) {
  // The login manager's word first; a Wayland socket alone (a session
  // started by hand) also means Wayland.
  if (session.session_type == "x11") {
    return ScreenGrabber::X11;
  }
  if (session.session_type == "wayland" || !session.wayland_display.empty()) {
    return ScreenGrabber::Portal;
  }
  return ScreenGrabber::X11;
}

ScreenGrabber screenGrabberForThisSession() {
#if defined(__linux__) || defined(__FreeBSD__)
  const char* type = std::getenv("XDG_SESSION_TYPE");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  return screenGrabberFor({type != nullptr ? type : "", wayland != nullptr ? wayland : ""});
#else
  return ScreenGrabber::Platform;
#endif
}

}  // namespace parley::media
