#include "support/xvfb_server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

// Xlib last: its macros (None, Bool, Status) clash with other headers.
#include <X11/Xlib.h>
#include <X11/Xutil.h>

extern char** environ;

namespace parley::test {
namespace {

std::string findXvfb() {
  for (const char* dir : {"/usr/bin", "/usr/local/bin", "/bin"}) {
    const std::string path = std::string(dir) + "/Xvfb";
    if (::access(path.c_str(), X_OK) == 0) {
      return path;
    }
  }
  return {};
}

}  // namespace

XvfbServer::XvfbServer(const std::string& geometry) {
  const std::string xvfb = findXvfb();
  if (xvfb.empty()) {
    error_ = "Xvfb is not installed (apt-get install xvfb)";
    return;
  }
  int fds[2];
  if (::pipe(fds) != 0) {
    error_ = "pipe failed";
    return;
  }
  const std::string fd = std::to_string(fds[1]);
  const char* argv[] = {xvfb.c_str(),     "-displayfd", fd.c_str(), "-screen",  "0",
                        geometry.c_str(), "-nolisten",  "tcp",      "-noreset", nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  // Xvfb's chatter is noise in the test log.
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  const int rc =
      posix_spawn(&pid_, xvfb.c_str(), &actions, nullptr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    pid_ = -1;
    ::close(fds[0]);
    error_ = "cannot start Xvfb: " + std::string(std::strerror(rc));
    return;
  }
  // Xvfb writes the display number once it accepts connections.
  std::string number;
  pollfd pfd{fds[0], POLLIN, 0};
  while (::poll(&pfd, 1, 10000) > 0) {
    char c = 0;
    if (::read(fds[0], &c, 1) != 1 || c == '\n') {
      break;
    }
    number += c;
  }
  ::close(fds[0]);
  if (number.empty()) {
    error_ = "Xvfb did not report a display within 10 s";
    return;
  }
  display_ = ":" + number;
}

XvfbServer::~XvfbServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

std::unique_ptr<ShownImage> ShownImage::show(const std::string& display_name,
                                             const media::PackedImage& image, int x, int y,
                                             const char* title) {
  Display* d = XOpenDisplay(display_name.c_str());
  if (d == nullptr) {
    return nullptr;
  }
  std::unique_ptr<ShownImage> shown(new ShownImage());
  shown->display_ = d;
  const int screen = XDefaultScreen(d);
  XSetWindowAttributes attrs{};
  attrs.override_redirect = False;
  attrs.background_pixel = XBlackPixel(d, screen);
  const Window w =
      XCreateWindow(d, XRootWindow(d, screen), x, y, static_cast<unsigned>(image.width),
                    static_cast<unsigned>(image.height), 0, CopyFromParent, InputOutput,
                    XDefaultVisual(d, screen), CWBackPixel, &attrs);
  XStoreName(d, w, title);
  XMapWindow(d, w);
  XSync(d, False);
  XImage* ximage =
      XCreateImage(d, XDefaultVisual(d, screen), 24, ZPixmap, 0,
                   const_cast<char*>(reinterpret_cast<const char*>(image.pixels.data())),
                   static_cast<unsigned>(image.width), static_cast<unsigned>(image.height), 32,
                   image.stride());
  if (ximage == nullptr) {
    return nullptr;
  }
  XPutImage(d, w, XDefaultGC(d, screen), ximage, 0, 0, 0, 0, static_cast<unsigned>(image.width),
            static_cast<unsigned>(image.height));
  ximage->data = nullptr;  // ours, not Xlib's to free
  XDestroyImage(ximage);
  XSync(d, False);
  shown->window_ = w;
  return shown;
}

ShownImage::~ShownImage() {
  if (display_ != nullptr) {
    XCloseDisplay(static_cast<Display*>(display_));
  }
}

}  // namespace parley::test
