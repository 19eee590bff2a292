// Which screen grabber a desktop session gets (portal_screen_capture.h): on
// Wayland the portal even when XWayland's DISPLAY is there, x11grab on X11.

#include <catch2/catch.hpp>

#include "media/video/portal_screen_capture.h"

using namespace parley::media;

TEST_CASE("A Wayland session shares through the portal, an X11 session through x11grab",
          "[video][capture]") {
  CHECK(screenGrabberFor({"wayland", "wayland-0"}) == ScreenGrabber::Portal);
  CHECK(screenGrabberFor({"wayland", ""}) == ScreenGrabber::Portal);
  // Started by hand, without a login manager: the socket says Wayland.
  CHECK(screenGrabberFor({"", "wayland-1"}) == ScreenGrabber::Portal);
  CHECK(screenGrabberFor({"tty", "wayland-1"}) == ScreenGrabber::Portal);
  // The login manager's word wins over a nested compositor's socket.
  CHECK(screenGrabberFor({"x11", "wayland-1"}) == ScreenGrabber::X11);
  CHECK(screenGrabberFor({"x11", ""}) == ScreenGrabber::X11);
  CHECK(screenGrabberFor({"", ""}) == ScreenGrabber::X11);
}

TEST_CASE("The portal capture refuses a frame rate out of range before asking anyone",
          "[video][capture]") {
  PortalCaptureOptions options;
  options.framerate = 0;
  auto capture = PortalScreenCapture::open(options);
  REQUIRE_FALSE(capture);
  CHECK(capture.error().code == parley::ErrorCode::MediaUnsupported);
  options.framerate = 61;
  CHECK_FALSE(PortalScreenCapture::open(options));
}
