#include "tests/support/xvfb_server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>

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

// The descriptor Xvfb writes its display number to (-displayfd).
constexpr int kDisplayFd = 3;

}  // namespace

XvfbServer::XvfbServer(const std::string& geometry) {
  const std::string xvfb = findXvfb();
  if (xvfb.empty()) {
    error_ = "Xvfb is not installed (apt-get install xvfb)";
    return;
  }
  // From here on Xvfb is there, so it not coming up is a failure, never a
  // skip: the tests that need it would otherwise lose their coverage quietly.
  char log_template[] = "/tmp/parley-xvfb-XXXXXX";
  const int log_fd = ::mkostemp(log_template, O_CLOEXEC);
  if (log_fd < 0) {
    throw std::runtime_error("cannot create a log file for Xvfb: " +
                             std::string(std::strerror(errno)));
  }
  log_path_ = log_template;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    ::close(log_fd);
    fail("pipe failed: " + std::string(std::strerror(errno)));
  }
  // Both ends are close-on-exec, so children other tests' threads spawn
  // meanwhile do not keep the pipe open (which would hide Xvfb's death);
  // Xvfb gets the write end as kDisplayFd. Output first: log_fd may be
  // kDisplayFd's number.
  const std::string display_fd = std::to_string(kDisplayFd);
  const char* argv[] = {xvfb.c_str(), "-displayfd",     display_fd.c_str(), "-screen",
                        "0",          geometry.c_str(), "-nolisten",        "tcp",
                        "-noreset",   nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // Xvfb's chatter goes to a file, shown only when it fails to come up.
  posix_spawn_file_actions_adddup2(&actions, log_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
  posix_spawn_file_actions_adddup2(&actions, fds[1], kDisplayFd);
  const int rc =
      posix_spawn(&pid_, xvfb.c_str(), &actions, nullptr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  ::close(log_fd);
  if (rc != 0) {
    pid_ = -1;
    ::close(fds[0]);
    fail("cannot start " + xvfb + ": " + std::strerror(rc));
  }
  // Xvfb writes the display number once it accepts connections, and closes
  // the pipe if it dies first. Generous: Xvfb itself starts in well under a
  // second, but the machine may be busy with sanitized builds and tests.
  std::string number;
  bool complete = false;
  bool closed = false;
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (!complete) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      break;
    }
    pollfd pfd{fds[0], POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      break;
    }
    char c = 0;
    const ssize_t n = ::read(fds[0], &c, 1);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n != 1) {
      closed = true;  // Xvfb exited
      break;
    }
    if (c == '\n') {
      complete = true;
    } else {
      number += c;
    }
  }
  ::close(fds[0]);
  if (!complete || number.empty()) {
    fail(xvfb + " is installed but did not come up: " +
         (closed
              ? std::string("it ended before reporting a display")
              : "it reported no display within " + std::to_string(kStartTimeout.count()) + " s"));
  }
  display_ = ":" + number;
}

void XvfbServer::fail(const std::string& what) {
  std::string message = what;
  if (pid_ > 0) {
    // An Xvfb that closed the pipe is exiting: a moment (bounded) to reap it
    // and say how it ended. One that is still running is stopped below.
    int status = 0;
    pid_t reaped = 0;
    for (int i = 0; i < 100 && (reaped = ::waitpid(pid_, &status, WNOHANG)) == 0; ++i) {
      ::usleep(10000);
    }
    if (reaped == pid_) {
      pid_ = -1;
      message += WIFEXITED(status)
                     ? "; it exited with status " + std::to_string(WEXITSTATUS(status))
                     : "; it was killed by signal " + std::to_string(WTERMSIG(status));
    }
  }
  stop();
  if (!log_path_.empty()) {
    std::string log;
    if (FILE* f = std::fopen(log_path_.c_str(), "r")) {
      char buffer[4096];
      std::size_t n = 0;
      while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) {
        log.append(buffer, n);
      }
      std::fclose(f);
    }
    ::unlink(log_path_.c_str());
    log_path_.clear();
    // The end says why (a usage text can come before it).
    constexpr std::size_t kTail = 2000;
    if (log.size() > kTail) {
      log = "[...]" + log.substr(log.size() - kTail);
    }
    if (!log.empty()) {
      message += "; its output:\n" + log;
    }
  }
  // The destructor does not run for a constructor that throws: nothing is left behind.
  throw std::runtime_error(message);
}

void XvfbServer::stop() {
  if (pid_ <= 0) {
    return;
  }
  ::kill(pid_, SIGTERM);
  // Bounded: Xvfb ends on SIGTERM at once; if it does not, it is killed.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    ::usleep(10000);
  }
  pid_ = -1;
}

XvfbServer::~XvfbServer() {
  stop();
  if (!log_path_.empty()) {
    ::unlink(log_path_.c_str());
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
