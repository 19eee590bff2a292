#pragma once
// WaylandDesktop: a private headless Wayland desktop for the portal screen
// capture tests (the spike in docs/research/wayland-portal, as a fixture).
// It starts its own D-Bus session bus, sway (headless, pixman renderer, one
// output HEADLESS-1 showing a known PNG), PipeWire, WirePlumber,
// xdg-permission-store, xdg-desktop-portal-wlr (with xdpw_shm_shim.c
// preloaded) and xdg-desktop-portal, in a fresh folder, and stops them by PID,
// newest first, when the object goes.
//
// Everything runs as uid 65534 (nobody) when the test is root: sway refuses
// root, and dbus-daemon needs a uid with a passwd entry. The session bus then
// accepts only that uid, so a client of the desktop runs with
// runAsPrefix() in front of its command and env() in its environment, and
// what it needs to read or run must be reachable by that uid
// (exposeProgram(), exposeFile()). A test that is not root runs the desktop
// as itself.
//
// Same contract as XvfbServer: when a program of the stack is not installed,
// the object is empty and error() says what is missing (the caller skips,
// saying so); when everything is installed but a daemon dies or does not come
// up, construction throws std::runtime_error with the end of its log.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace parley::test {

class WaylandDesktop {
 public:
  // How long each daemon gets to be ready: all of them are up in about half a
  // second, but the machine may be busy with sanitized builds and tests.
  static constexpr std::chrono::seconds kStartTimeout{60};
  // How long a daemon gets to end on SIGTERM before it is killed.
  static constexpr std::chrono::seconds kStopTimeout{10};

  // How xdg-desktop-portal-wlr picks what to cast.
  enum class Chooser {
    None,    // HEADLESS-1 without asking: every cast starts
    Cancel,  // a chooser that answers nothing, like a user pressing Cancel:
             // SelectSources answers 1
    Open,    // a chooser nobody answers: it stays open (chooserOpened() says
             // when it came up) until the desktop stops
  };

  struct Options {
    int width = 1920;
    int height = 1080;
    std::string background;  // a PNG shown full-screen (stretched); empty: sway's grey
    Chooser chooser = Chooser::None;
    bool portal = true;  // false: no xdg-desktop-portal, so its name is missing on the bus
    // false: xdg-desktop-portal without xdg-desktop-portal-wlr, a portal with
    // no screen-cast backend for this desktop.
    bool portal_backend = true;
    // Let root clients onto the session bus too (a GUI test that runs in the
    // test's own process, as root, next to the desktop's user); the portal
    // then runs as root as well, to be able to look at such a caller.
    bool root_clients = false;
    // More lines for sway's config (e.g. "for_window [app_id=...] floating enable").
    std::string sway_config;
  };

  WaylandDesktop();
  explicit WaylandDesktop(Options options);
  ~WaylandDesktop();
  WaylandDesktop(const WaylandDesktop&) = delete;
  WaylandDesktop& operator=(const WaylandDesktop&) = delete;

  // Set only when part of the stack is not installed (or there is no uid to
  // run it as): the one case a test may skip.
  [[nodiscard]] const std::string& error() const { return error_; }
  // The desktop's folder: run/ (XDG_RUNTIME_DIR), home/, config/, logs/,
  // files/ (configs, copies). Removed when the object goes; kept, for its
  // logs, when construction fails.
  [[nodiscard]] const std::string& folder() const { return folder_; }
  [[nodiscard]] uid_t uid() const { return uid_; }
  // What a client of this desktop needs in its environment (on top of the
  // test's own): the runtime folder, the session bus, WAYLAND_DISPLAY,
  // SWAYSOCK, XDG_* folders, and DISPLAY emptied.
  [[nodiscard]] std::map<std::string, std::string> env() const;
  // The argv prefix that runs a client as uid(): setpriv ... -- (empty when
  // the test is not root). The client dies with the test (--pdeathsig).
  [[nodiscard]] std::vector<std::string> runAsPrefix() const;
  // The PIDs of the daemons still running, by name (dbus, sway, pipewire,
  // wireplumber, permission-store, xdpw, portal).
  [[nodiscard]] std::map<std::string, pid_t> pids() const;
  // How long the constructor took to bring everything up.
  [[nodiscard]] std::chrono::milliseconds startupTime() const { return startup_time_; }
  // Each daemon's state and the end of its log, for a failing test to show.
  [[nodiscard]] std::string logs(std::size_t per_daemon = 3000);

  // Copies a program (or a file) into the folder, readable (and executable)
  // by uid(), and returns the copy's path: the build tree may be under a
  // folder that uid cannot reach.
  std::string exposeProgram(const std::string& path);
  std::string exposeFile(const std::string& path);

  // Shows `png` full-screen instead. Also the way to make the screen change:
  // a static screen gives a second cast session of the same xdpw no frames,
  // so a test waiting for one shows its image again. Throws on failure.
  void showImage(const std::string& png);
  // Gives HEADLESS-1 another mode, as when a monitor's resolution changes
  // (a cast then continues at the new size). Throws on failure.
  void setOutputSize(int width, int height);
  // Stops xdg-desktop-portal-wlr (by PID), as when the desktop ends a cast
  // (the user pressing Stop). Throws when it does not end.
  void stopPortalBackend();
  // With Chooser::Open: true once the portal has put its chooser up.
  [[nodiscard]] bool chooserOpened() const;
  // Stops one daemon by its name in pids() (e.g. "pipewire": a desktop
  // whose PipeWire went away). Throws when it is not running or does not end.
  void stopDaemon(const std::string& name);
  // A PNG screenshot of HEADLESS-1 at `path`. Throws on failure.
  void grim(const std::string& path);
  // Runs a short command (gdbus, swaymsg, pw-cli) as uid() in the daemons'
  // clean environment, its output in the folder; bounded by `timeout`
  // (exit_code -1 then).
  RunResult run(const std::vector<std::string>& argv,
                std::chrono::seconds timeout = std::chrono::seconds(30));

 private:
  [[nodiscard]] std::string chooserMarker() const;
  struct Daemon {
    std::string name;
    std::string program;
    std::string log;  // stderr; stdout goes to log + ".out"
    std::unique_ptr<ChildProcess> process;
    bool stopped = false;  // ended by us, or reaped after it died
  };

  bool findPrograms();
  void makeFolder(const Options& options);
  void startAll(const Options& options);
  void startBus();
  void startSway(const Options& options);
  void startPipeWire();
  void startPortals(const Options& options);
  bool outputHasSize(int width, int height);

  // as_test_user: run as the test's own user (root) instead of uid().
  Daemon& start(const std::string& name, const std::vector<std::string>& argv,
                const std::map<std::string, std::string>& extra_env = {},
                bool as_test_user = false);
  void waitReady(Daemon& daemon, const std::string& what, const std::function<bool()>& ready);
  [[noreturn]] void fail(Daemon& daemon, const std::string& what);
  bool busHasName(const std::string& name);
  std::vector<std::string> command(const std::vector<std::string>& argv,
                                   const std::map<std::string, std::string>& extra_env,
                                   bool as_test_user = false) const;
  std::map<std::string, std::string> daemonEnv() const;
  std::string expose(const std::string& path, int mode, const std::string& name);
  void requireRunning() const;
  void own(const std::string& path, int mode, bool desktop_owns) const;
  Daemon* find(const std::string& name);
  void stop(Daemon& daemon);
  void stopAll();

  std::string error_;
  std::string folder_;
  std::string run_dir_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  bool switch_user_ = false;  // the test is root: daemons and clients run as uid_
  std::string wayland_display_;
  std::string sway_socket_;
  std::vector<Daemon> daemons_;  // in start order
  int copies_ = 0;               // names the folders of exposed files
  bool keep_folder_ = false;     // a daemon failed: its logs stay for a look
  std::chrono::steady_clock::time_point created_ = std::chrono::steady_clock::now();
  std::chrono::milliseconds startup_time_{0};
  std::string timeline_;  // when each daemon was ready
};

}  // namespace parley::test
