#pragma once
// XvfbServer: a real X server for tests (screen capture, GUI), started by
// the test on a display it picks itself (-displayfd) and stopped by PID when
// the object goes. When Xvfb is not installed, the object has no display and
// error() says so (the caller skips, saying so); when Xvfb is installed but
// does not come up, construction throws std::runtime_error with its output
// (a failure: a quiet skip there would lose the coverage on busy machines).
// ShownImage: a window on it showing a known picture, for as long as the
// object lives (it holds the X connection).

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "media/video/frame_convert.h"

namespace parley::test {

class XvfbServer {
 public:
  // How long Xvfb gets to report its display: far above its start-up time
  // (well under a second) even on a machine busy with sanitized tests.
  static constexpr std::chrono::seconds kStartTimeout{60};

  // Throws std::runtime_error when Xvfb is installed but does not come up.
  explicit XvfbServer(const std::string& geometry = "1920x1080x24");
  ~XvfbServer();
  XvfbServer(const XvfbServer&) = delete;
  XvfbServer& operator=(const XvfbServer&) = delete;

  // ":N" once running; empty (with error() set) only when Xvfb is not installed.
  [[nodiscard]] const std::string& display() const { return display_; }
  // Set only when Xvfb is not installed: the one case a test may skip.
  [[nodiscard]] const std::string& error() const { return error_; }
  // Xvfb's PID while it runs (-1 when not installed): a benchmark reads its
  // CPU time from /proc.
  [[nodiscard]] pid_t pid() const { return pid_; }

 private:
  [[noreturn]] void fail(const std::string& what);
  void stop();

  pid_t pid_ = -1;
  std::string display_;
  std::string error_;
  std::string log_path_;  // Xvfb's stdout and stderr
};

class ShownImage {
 public:
  // `image` in Bgra (how a 24-bit TrueColor visual stores pixels).
  static std::unique_ptr<ShownImage> show(const std::string& display,
                                          const media::PackedImage& image, int x, int y,
                                          const char* title);
  ~ShownImage();
  ShownImage(const ShownImage&) = delete;
  ShownImage& operator=(const ShownImage&) = delete;
  [[nodiscard]] unsigned long window() const { return window_; }

 private:
  ShownImage() = default;
  void* display_ = nullptr;  // Display*, kept out of the header (Xlib macros)
  unsigned long window_ = 0;
};

}  // namespace parley::test
