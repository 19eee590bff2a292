#pragma once
// XvfbServer: a real X server for tests (screen capture, GUI), started by
// the test on a display it picks itself (-displayfd) and stopped by PID when
// the object goes. ShownImage: a window on it showing a known picture, for
// as long as the object lives (it holds the X connection).

#include <sys/types.h>

#include <memory>
#include <string>

#include "media/video/frame_convert.h"

namespace parley::test {

class XvfbServer {
 public:
  explicit XvfbServer(const std::string& geometry = "1920x1080x24");
  ~XvfbServer();
  XvfbServer(const XvfbServer&) = delete;
  XvfbServer& operator=(const XvfbServer&) = delete;

  // ":N" once running; empty with error() set otherwise.
  [[nodiscard]] const std::string& display() const { return display_; }
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  pid_t pid_ = -1;
  std::string display_;
  std::string error_;
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
