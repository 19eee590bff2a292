#include "tests/support/wayland_desktop.h"

#include <dirent.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#ifndef PARLEY_XDPW_SHM_SHIM
#error "PARLEY_XDPW_SHM_SHIM: the built xdpw_shm_shim.so (tests/support/CMakeLists.txt)"
#endif

namespace parley::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

// nobody: a uid with a passwd entry on every Debian (dbus-daemon refuses a
// uid it cannot look up), and not root (sway refuses root).
constexpr uid_t kDesktopUid = 65534;
constexpr const char* kOutput = "HEADLESS-1";
constexpr const char* kXdpw = "/usr/libexec/xdg-desktop-portal-wlr";
constexpr const char* kWlrPortal = "/usr/share/xdg-desktop-portal/portals/wlr.portal";
// Images shown go into sway's config and swaymsg commands unquoted: under a
// plain name, whatever the caller's file is called.
constexpr const char* kImageName = "image.png";

struct Requirement {
  const char* path;
  const char* package;
};
constexpr Requirement kRequirements[] = {
    {"/usr/bin/dbus-daemon", "dbus-daemon"},
    {"/usr/bin/sway", "sway"},
    {"/usr/bin/swaymsg", "sway"},
    {"/usr/bin/swaybg", "swaybg"},
    {"/usr/bin/pipewire", "pipewire-bin"},
    {"/usr/bin/pw-cli", "pipewire-bin"},
    {"/usr/bin/wireplumber", "wireplumber"},
    {"/usr/libexec/xdg-permission-store", "xdg-desktop-portal"},
    {"/usr/libexec/xdg-desktop-portal", "xdg-desktop-portal"},
    {kXdpw, "xdg-desktop-portal-wlr"},
    {kWlrPortal, "xdg-desktop-portal-wlr"},
    {"/usr/bin/gdbus", "libglib2.0-bin"},
    {"/usr/bin/setpriv", "util-linux"},
};

// A process, told apart from a later one with the same PID by its start time.
struct ProcessId {
  pid_t pid = 0;
  unsigned long long start = 0;
};

struct ProcStat {
  char state = 0;
  pid_t ppid = 0;
  unsigned long long start = 0;
};

// From /proc/PID/stat; nullopt once the process is gone.
std::optional<ProcStat> readStat(pid_t pid) {
  const std::string text = readFile("/proc/" + std::to_string(pid) + "/stat");
  const auto name_end = text.rfind(')');  // the name may hold spaces and ')'
  if (name_end == std::string::npos) {
    return std::nullopt;
  }
  std::istringstream fields(text.substr(name_end + 1));
  ProcStat stat;
  std::string skip;
  fields >> stat.state >> stat.ppid;
  for (int field = 5; field < 22; ++field) {  // field 22 is the start time
    fields >> skip;
  }
  fields >> stat.start;
  if (!fields) {
    return std::nullopt;
  }
  return stat;
}

bool alive(const ProcessId& process) {
  const auto stat = readStat(process.pid);
  return stat && stat->start == process.start && stat->state != 'Z' && stat->state != 'X';
}

std::vector<pid_t> allPids() {
  std::vector<pid_t> pids;
  if (DIR* dir = ::opendir("/proc")) {
    while (const dirent* entry = ::readdir(dir)) {
      char* end = nullptr;
      const long pid = std::strtol(entry->d_name, &end, 10);
      if (pid > 0 && *end == '\0') {
        pids.push_back(static_cast<pid_t>(pid));
      }
    }
    ::closedir(dir);
  }
  return pids;
}

// Everything `root` started that still runs (sway's swaybg, say): a daemon
// that ends leaves its children to init, where no PID list would find them.
std::vector<ProcessId> descendantsOf(pid_t root) {
  std::multimap<pid_t, ProcessId> children;
  for (const pid_t pid : allPids()) {
    if (const auto stat = readStat(pid)) {
      children.emplace(stat->ppid, ProcessId{pid, stat->start});
    }
  }
  std::vector<ProcessId> found;
  std::vector<pid_t> queue{root};
  while (!queue.empty() && found.size() < 10000) {
    const pid_t parent = queue.back();
    queue.pop_back();
    const auto [begin, end] = children.equal_range(parent);
    for (auto it = begin; it != end; ++it) {
      found.push_back(it->second);
      queue.push_back(it->second.pid);
    }
  }
  return found;
}

// SIGTERM, a bounded wait, then SIGKILL; by PID and start time only.
void endAll(const std::vector<ProcessId>& processes, std::chrono::seconds timeout) {
  const auto anyAlive = [&] { return std::any_of(processes.begin(), processes.end(), alive); };
  for (const auto& process : processes) {
    if (alive(process)) {
      ::kill(process.pid, SIGTERM);
    }
  }
  if (!eventually([&] { return !anyAlive(); }, timeout)) {
    for (const auto& process : processes) {
      if (alive(process)) {
        ::kill(process.pid, SIGKILL);
      }
    }
  }
}

std::string tail(const std::string& text, std::size_t max) {
  return text.size() <= max ? text : "[...]" + text.substr(text.size() - max);
}

// The lines of `text` that mention `word`, each after a newline: the
// loader's one line on a refused preload comes first, far above a log's end.
std::string linesWith(const std::string& text, const std::string& word) {
  std::istringstream lines(text);
  std::string found;
  for (std::string line; std::getline(lines, line);) {
    if (line.find(word) != std::string::npos) {
      found += "\n" + line;
    }
  }
  return found;
}

bool isSocket(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

// The names in `dir` that are sockets and start with `prefix`.
std::vector<std::string> socketsIn(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && isSocket(entry.path().string())) {
      names.push_back(name);
    }
  }
  return names;
}

// The folder's path goes unquoted into sway's and dbus-daemon's configs and
// swaymsg commands: only characters none of them treats specially.
bool plainPath(const std::string& path) {
  return std::all_of(path.begin(), path.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '/' || c == '.' || c == '_' ||
           c == '-';
  });
}

void writeConfig(const std::string& path, const std::string& text) {
  writeFile(path, text);
  if (readFile(path) != text) {
    throw std::runtime_error("WaylandDesktop: cannot write " + path);
  }
}

std::string busConfig(const std::string& run_dir, const std::string& services_dir,
                      bool root_clients) {
  // No D-Bus activation (an empty servicedir, not the system's): a service
  // the bus started itself would not be in the PID list, and would not have
  // this desktop's environment.
  return "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
         " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
         "<busconfig>\n"
         "  <type>session</type>\n"
         "  <listen>unix:path=" +
         run_dir + "/bus</listen>\n" +
         "  <auth>EXTERNAL</auth>\n"
         "  <servicedir>" +
         services_dir + "</servicedir>\n" + "  <policy context=\"default\">\n" +
         // A session bus admits only its owner; an in-process GUI test
         // (root) is let in by name.
         (root_clients ? "    <allow user=\"root\"/>\n" : "") +
         "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
         "    <allow eavesdrop=\"true\"/>\n"
         "    <allow own=\"*\"/>\n"
         "  </policy>\n"
         "</busconfig>\n";
}

std::string swayConfig(int width, int height, const std::string& background,
                       const std::string& extra) {
  std::string output = std::string("output ") + kOutput + " {\n" + "    mode " +
                       std::to_string(width) + "x" + std::to_string(height) + "@60Hz\n" +
                       "    position 0 0\n    scale 1\n";
  if (!background.empty()) {
    output += "    bg " + background + " stretch\n";
  }
  // No Xwayland, no borders, and no swaynag (a process of its own) on a
  // config error: the error is in sway's log.
  return output + "}\nxwayland disable\ndefault_border none\nfocus_follows_mouse no\n" +
         "swaynag_command -\n" + extra;
}

std::string xdpwConfig(WaylandDesktop::Chooser chooser, const std::string& opened_marker) {
  // max_fps 30: what a real desktop's portal would do, and less work for a
  // busy machine.
  if (chooser == WaylandDesktop::Chooser::Open) {
    // xdpw waits for the chooser's answer (popen: through sh); the marker
    // says it is up. The sleep dies with xdpw (pdeathsig), so stopping the
    // desktop by its daemons' PIDs leaves nothing behind.
    return "[screencast]\nchooser_type=simple\nchooser_cmd=touch " + opened_marker +
           "; exec setpriv --pdeathsig KILL sleep 600\nmax_fps=30\n";
  }
  if (chooser == WaylandDesktop::Chooser::Cancel) {
    // The chooser prints no output's name: xdpw takes that as the user
    // cancelling, and SelectSources answers 1.
    return "[screencast]\nchooser_type=simple\nchooser_cmd=true\nmax_fps=30\n";
  }
  return std::string("[screencast]\noutput_name=") + kOutput + "\nchooser_type=none\nmax_fps=30\n";
}

}  // namespace

WaylandDesktop::WaylandDesktop() : WaylandDesktop(Options{}) {}

WaylandDesktop::WaylandDesktop(Options options) {
  if (!findPrograms()) {
    return;
  }
  // From here on the stack is installed, so it not coming up is a failure,
  // never a skip: the tests that need it would otherwise lose their
  // coverage quietly.
  try {
    makeFolder(options);
    startAll(options);
  } catch (...) {
    // The destructor does not run for a constructor that throws.
    stopAll();
    if (!keep_folder_ && !folder_.empty()) {
      std::error_code ec;
      fs::remove_all(folder_, ec);
    }
    throw;
  }
  startup_time_ = std::chrono::duration_cast<milliseconds>(steady_clock::now() - created_);
}

WaylandDesktop::~WaylandDesktop() {
  stopAll();
  if (!folder_.empty()) {
    std::error_code ec;
    fs::remove_all(folder_, ec);
  }
}

bool WaylandDesktop::findPrograms() {
  switch_user_ = ::geteuid() == 0;
  uid_ = switch_user_ ? kDesktopUid : ::geteuid();
  gid_ = ::getegid();
  if (switch_user_) {
    const passwd* entry = ::getpwuid(kDesktopUid);
    if (entry == nullptr) {
      error_ = "no passwd entry for uid " + std::to_string(kDesktopUid) +
               " (nobody), which the desktop runs as: dbus-daemon refuses a uid it cannot look up";
      return false;
    }
    gid_ = entry->pw_gid;
  }
  std::string missing;
  std::set<std::string> packages;
  for (const auto& requirement : kRequirements) {
    if (::access(requirement.path, R_OK) != 0) {
      missing += std::string(missing.empty() ? "" : ", ") + requirement.path;
      packages.insert(requirement.package);
    }
  }
  if (!missing.empty()) {
    std::string install;
    for (const auto& package : packages) {
      install += " " + package;
    }
    error_ = "the headless Wayland desktop is not installed: no " + missing + " (apt-get install" +
             install + ")";
    return false;
  }
  return true;
}

void WaylandDesktop::makeFolder(const Options& options) {
  if (options.width < 16 || options.height < 16 || options.width > 8192 || options.height > 8192) {
    throw std::invalid_argument("WaylandDesktop: no output of " + std::to_string(options.width) +
                                "x" + std::to_string(options.height));
  }
  if (::access(PARLEY_XDPW_SHM_SHIM, R_OK) != 0) {
    throw std::runtime_error(std::string("WaylandDesktop: the xdpw shim is not built: ") +
                             PARLEY_XDPW_SHM_SHIM);
  }
  folder_ = makeTempDir("wayland");
  run_dir_ = folder_ + "/run";
  if (!plainPath(folder_)) {
    throw std::runtime_error("WaylandDesktop: " + folder_ +
                             " has characters sway's config would need quoted (TMPDIR?)");
  }
  if ((run_dir_ + "/sway-ipc.4294967295.4294967295.sock").size() >=
      sizeof(sockaddr_un{}.sun_path)) {
    throw std::runtime_error("WaylandDesktop: " + run_dir_ + " is too long for socket paths");
  }
  // The folder and what the test writes (logs, configs, copies) stay the
  // test's (root's): the desktop's uid reads them but cannot swap them for
  // links to elsewhere. It owns only the folders the daemons write to.
  own(folder_, 0755, false);
  for (const char* dir : {"/files", "/files/portals", "/files/dbus-services", "/logs"}) {
    fs::create_directory(folder_ + dir);
    own(folder_ + dir, 0755, false);
  }
  fs::copy_file(kWlrPortal, folder_ + "/files/portals/wlr.portal");
  fs::copy_file(PARLEY_XDPW_SHM_SHIM, folder_ + "/files/xdpw_shm_shim.so");
  std::string background;
  if (!options.background.empty()) {
    background = expose(options.background, 0644, kImageName);
  }
  writeConfig(folder_ + "/files/dbus.conf",
              busConfig(run_dir_, folder_ + "/files/dbus-services", options.root_clients));
  writeConfig(folder_ + "/files/sway.conf",
              swayConfig(options.width, options.height, background, options.sway_config));
  writeConfig(folder_ + "/files/xdpw.conf", xdpwConfig(options.chooser, chooserMarker()));
  for (const char* file : {"/files/portals/wlr.portal", "/files/xdpw_shm_shim.so",
                           "/files/dbus.conf", "/files/sway.conf", "/files/xdpw.conf"}) {
    own(folder_ + file, 0644, false);
  }
  // XDG_RUNTIME_DIR is private to its owner (mode 700), as on a real login.
  for (const char* dir : {"/run", "/home", "/config", "/data", "/state", "/cache"}) {
    fs::create_directory(folder_ + dir);
    own(folder_ + dir, std::string(dir) == "/run" ? 0700 : 0755, true);
  }
}

void WaylandDesktop::own(const std::string& path, int mode, bool desktop_owns) const {
  const uid_t owner = desktop_owns ? uid_ : ::geteuid();
  const gid_t group = desktop_owns ? gid_ : ::getegid();
  if (::chown(path.c_str(), owner, group) != 0 ||
      ::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) {
    throw std::runtime_error("WaylandDesktop: cannot set the owner or mode of " + path + ": " +
                             std::strerror(errno));
  }
}

void WaylandDesktop::startAll(const Options& options) {
  startBus();
  startSway(options);
  startPipeWire();
  startPortals(options);
}

void WaylandDesktop::startBus() {
  Daemon& bus =
      start("dbus", {"/usr/bin/dbus-daemon", "--config-file=" + folder_ + "/files/dbus.conf",
                     "--nofork", "--nopidfile"});
  waitReady(bus, "listen on " + run_dir_ + "/bus", [&] { return isSocket(run_dir_ + "/bus"); });
}

void WaylandDesktop::startSway(const Options& options) {
  Daemon& sway = start("sway", {"/usr/bin/sway", "-c", folder_ + "/files/sway.conf"});
  waitReady(sway, "open its Wayland and IPC sockets", [&] {
    const auto ipc = socketsIn(run_dir_, "sway-ipc.");
    const auto wayland = socketsIn(run_dir_, "wayland-");
    if (ipc.size() != 1 || wayland.size() != 1) {
      return false;
    }
    sway_socket_ = run_dir_ + "/" + ipc.front();
    wayland_display_ = wayland.front();
    return true;
  });
  // The output has its size once sway has applied the config (and with it
  // started swaybg for the background).
  waitReady(sway,
            "show " + std::string(kOutput) + " at " + std::to_string(options.width) + "x" +
                std::to_string(options.height),
            [&] { return outputHasSize(options.width, options.height); });
}

bool WaylandDesktop::outputHasSize(int width, int height) {
  const RunResult outputs = run({"/usr/bin/swaymsg", "-r", "-t", "get_outputs"});
  if (outputs.exit_code != 0) {
    return false;
  }
  const auto json = nlohmann::json::parse(outputs.out, nullptr, false);
  if (!json.is_array()) {
    return false;
  }
  return std::any_of(json.begin(), json.end(), [&](const nlohmann::json& output) {
    const auto mode = output.find("current_mode");
    return output.value("name", "") == kOutput && mode != output.end() && mode->is_object() &&
           mode->value("width", 0) == width && mode->value("height", 0) == height;
  });
}

void WaylandDesktop::startPipeWire() {
  Daemon& pipewire = start("pipewire", {"/usr/bin/pipewire"});
  waitReady(pipewire, "listen on " + run_dir_ + "/pipewire-0",
            [&] { return isSocket(run_dir_ + "/pipewire-0"); });
  // Without WirePlumber nothing links a client's stream to the portal's
  // node: the stream stays paused and gets no frames.
  Daemon& wireplumber = start("wireplumber", {"/usr/bin/wireplumber"});
  waitReady(wireplumber, "connect to PipeWire", [&] {
    const RunResult clients = run({"/usr/bin/pw-cli", "ls", "Client"});
    return clients.exit_code == 0 && clients.out.find("WirePlumber") != std::string::npos;
  });
}

void WaylandDesktop::startPortals(const Options& options) {
  // The permission store keeps the restore tokens of persist_mode casts (in
  // data/flatpak/db): without it a restore_token is never given.
  Daemon& store = start("permission-store", {"/usr/libexec/xdg-permission-store", "--replace"});
  waitReady(store, "own org.freedesktop.impl.portal.PermissionStore",
            [&] { return busHasName("org.freedesktop.impl.portal.PermissionStore"); });

  if (!options.portal_backend) {
    // The portal without a backend for this desktop: it starts, and has
    // nothing to cast with.
    Daemon& portal =
        start("portal", {"/usr/libexec/xdg-desktop-portal", "-v"}, {}, options.root_clients);
    waitReady(portal, "own org.freedesktop.portal.Desktop",
              [&] { return busHasName("org.freedesktop.portal.Desktop"); });
    return;
  }
  Daemon& xdpw = start("xdpw", {kXdpw, "-l", "DEBUG", "-c", folder_ + "/files/xdpw.conf"},
                       {{"LD_PRELOAD", folder_ + "/files/xdpw_shm_shim.so"}});
  waitReady(xdpw, "own org.freedesktop.impl.portal.desktop.wlr",
            [&] { return busHasName("org.freedesktop.impl.portal.desktop.wlr"); });
  // The loader only warns when it cannot preload (and xdpw runs on, unable
  // to cast): a refused shim must fail here, not as "Start answered 2" later.
  const std::string maps = readFile("/proc/" + std::to_string(xdpw.process->pid()) + "/maps");
  if (maps.find("/files/xdpw_shm_shim.so") == std::string::npos) {
    fail(xdpw, "runs without " + folder_ + "/files/xdpw_shm_shim.so preloaded" +
                   linesWith(readFile(xdpw.log), "LD_PRELOAD"));
  }

  if (options.portal) {
    // For root clients the portal runs as root too: it opens each caller's
    // /proc/PID/root to tell sandboxed apps from host ones, and refuses
    // (AccessDenied) a caller whose /proc entry it cannot open.
    Daemon& portal =
        start("portal", {"/usr/libexec/xdg-desktop-portal", "-v"}, {}, options.root_clients);
    waitReady(portal, "own org.freedesktop.portal.Desktop",
              [&] { return busHasName("org.freedesktop.portal.Desktop"); });
  }
}

WaylandDesktop::Daemon& WaylandDesktop::start(const std::string& name,
                                              const std::vector<std::string>& argv,
                                              const std::map<std::string, std::string>& extra_env,
                                              bool as_test_user) {
  Daemon daemon;
  daemon.name = name;
  daemon.program = argv.front();
  daemon.log = folder_ + "/logs/" + name + ".log";
  ChildProcess::Options process;
  process.argv = command(argv, extra_env, as_test_user);
  process.stdout_path = daemon.log + ".out";
  process.stderr_path = daemon.log;
  daemon.process = std::make_unique<ChildProcess>(std::move(process));
  daemons_.push_back(std::move(daemon));
  return daemons_.back();
}

void WaylandDesktop::waitReady(Daemon& daemon, const std::string& what,
                               const std::function<bool()>& ready) {
  bool ended = false;
  const bool done = eventually(
      [&] {
        if (!daemon.process->running()) {
          ended = true;
          return true;
        }
        return ready();
      },
      kStartTimeout);
  if (ended) {
    fail(daemon, "ended before it would " + what);
  }
  if (!done) {
    fail(daemon, "did not " + what + " within " + std::to_string(kStartTimeout.count()) + " s");
  }
  timeline_ +=
      daemon.name + ": " + what + " after " +
      std::to_string(
          std::chrono::duration_cast<milliseconds>(steady_clock::now() - created_).count()) +
      " ms\n";
}

void WaylandDesktop::fail(Daemon& daemon, const std::string& what) {
  std::string message = "WaylandDesktop: " + daemon.name + " (" + daemon.program + ") " + what;
  if (const auto status = daemon.process->waitFor(milliseconds(0))) {
    message += "; it exited with status " + std::to_string(*status);
  }
  message += "\nReady before it:\n" + timeline_;
  message += "The end of its log (" + daemon.log + "; the folder is kept):\n" +
             tail(readFile(daemon.log), 3000);
  const std::string out = readFile(daemon.log + ".out");
  if (!out.empty()) {
    message += "\nThe end of its output:\n" + tail(out, 1000);
  }
  // The constructor stops everything, and leaves the folder for a look.
  keep_folder_ = true;
  throw std::runtime_error(message);
}

bool WaylandDesktop::busHasName(const std::string& name) {
  const RunResult reply =
      run({"/usr/bin/gdbus", "call", "--session", "--dest", "org.freedesktop.DBus", "--object-path",
           "/org/freedesktop/DBus", "--method", "org.freedesktop.DBus.NameHasOwner", name});
  return reply.exit_code == 0 && reply.out.find("true") != std::string::npos;
}

RunResult WaylandDesktop::run(const std::vector<std::string>& argv, std::chrono::seconds timeout) {
  requireRunning();
  // Output files in the test's own (root's) folder: one command at a time.
  const std::string out = folder_ + "/logs/run.out";
  const std::string err = folder_ + "/logs/run.err";
  ::unlink(err.c_str());  // ChildProcess appends to stderr's file
  ChildProcess::Options options;
  options.argv = command(argv, {});
  options.stdout_path = out;
  options.stderr_path = err;
  ChildProcess child(std::move(options));
  const auto code = child.waitFor(timeout);  // the destructor kills one still running
  return RunResult{code ? *code : -1, readFile(out), readFile(err)};
}

std::vector<std::string> WaylandDesktop::command(
    const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env,
    bool as_test_user) const {
  // env -i: nothing of the test's environment (its DISPLAY, a desktop's
  // WAYLAND_DISPLAY, ASAN_OPTIONS, PATH entries the uid cannot reach). Each
  // exec keeps the PID, so the PID recorded is the daemon's.
  std::vector<std::string> full = as_test_user ? std::vector<std::string>{} : runAsPrefix();
  full.insert(full.end(), {"/usr/bin/env", "-i"});
  for (const auto& [key, value] : daemonEnv()) {
    full.push_back(key + "=" + value);
  }
  for (const auto& [key, value] : extra_env) {
    full.push_back(key + "=" + value);  // env -i lets a later assignment win
  }
  full.insert(full.end(), argv.begin(), argv.end());
  return full;
}

std::map<std::string, std::string> WaylandDesktop::env() const {
  if (folder_.empty()) {
    return {};
  }
  return {
      {"HOME", folder_ + "/home"},
      {"XDG_RUNTIME_DIR", run_dir_},
      {"XDG_CONFIG_HOME", folder_ + "/config"},
      {"XDG_DATA_HOME", folder_ + "/data"},
      {"XDG_STATE_HOME", folder_ + "/state"},
      {"XDG_CACHE_HOME", folder_ + "/cache"},
      // Matches UseIn= in wlr.portal: xdg-desktop-portal 1.16 picks its
      // backend by it (there is no portals.conf before 1.17).
      {"XDG_CURRENT_DESKTOP", "sway"},
      {"XDG_SESSION_TYPE", "wayland"},
      {"DBUS_SESSION_BUS_ADDRESS", "unix:path=" + run_dir_ + "/bus"},
      {"WAYLAND_DISPLAY", wayland_display_},
      {"SWAYSOCK", sway_socket_},
      // A client must not find an X server instead (xvfb-run around the tests).
      {"DISPLAY", ""},
  };
}

std::map<std::string, std::string> WaylandDesktop::daemonEnv() const {
  auto vars = env();
  vars.erase("DISPLAY");
  if (wayland_display_.empty()) {  // sway is not up yet
    vars.erase("WAYLAND_DISPLAY");
    vars.erase("SWAYSOCK");
  }
  // Only the portal backends in this folder: none of the machine's others
  // (gtk, gnome) answers for this desktop.
  vars["XDG_DESKTOP_PORTAL_DIR"] = folder_ + "/files/portals";
  // No GPU and no input devices: headless output, software rendering.
  vars["WLR_BACKENDS"] = "headless";
  vars["WLR_HEADLESS_OUTPUTS"] = "1";
  vars["WLR_LIBINPUT_NO_DEVICES"] = "1";
  vars["WLR_RENDERER"] = "pixman";
  vars["PATH"] = "/usr/bin:/bin";
  return vars;
}

std::vector<std::string> WaylandDesktop::runAsPrefix() const {
  if (!switch_user_) {
    return {};
  }
  // --pdeathsig: a uid change clears the parent-death signal ChildProcess
  // sets, and the desktop must die with a test that crashes.
  return {"/usr/bin/setpriv",
          "--reuid=" + std::to_string(uid_),
          "--regid=" + std::to_string(gid_),
          "--clear-groups",
          "--pdeathsig=KILL",
          "--"};
}

std::map<std::string, pid_t> WaylandDesktop::pids() const {
  std::map<std::string, pid_t> running;
  for (const auto& daemon : daemons_) {
    if (!daemon.stopped) {
      running[daemon.name] = daemon.process->pid();
    }
  }
  return running;
}

std::string WaylandDesktop::logs(std::size_t per_daemon) {
  std::string text = "WaylandDesktop in " + folder_ + ":\n" + timeline_;
  for (auto& daemon : daemons_) {
    const auto status = daemon.process->waitFor(milliseconds(0));
    text += "== " + daemon.name + " (pid " + std::to_string(daemon.process->pid()) + ", " +
            (status ? "exited with status " + std::to_string(*status) : std::string("running")) +
            "), " + daemon.log + ":\n" + tail(readFile(daemon.log), per_daemon) + "\n";
  }
  return text;
}

std::string WaylandDesktop::exposeProgram(const std::string& path) {
  requireRunning();
  return expose(path, 0755, fs::path(path).filename().string());
}

std::string WaylandDesktop::exposeFile(const std::string& path) {
  requireRunning();
  return expose(path, 0644, fs::path(path).filename().string());
}

std::string WaylandDesktop::expose(const std::string& path, int mode, const std::string& name) {
  // A folder of its own per copy: the copy keeps its name (a program may
  // look at its argv[0]), and a second copy never replaces a file in use.
  const std::string dir = folder_ + "/files/" + std::to_string(++copies_);
  fs::create_directory(dir);
  own(dir, 0755, false);
  const std::string copy = dir + "/" + name;
  std::error_code ec;
  fs::copy_file(path, copy, ec);
  if (ec) {
    throw std::runtime_error("WaylandDesktop: cannot copy " + path + " to " + copy + ": " +
                             ec.message());
  }
  own(copy, mode, false);
  return copy;
}

void WaylandDesktop::showImage(const std::string& png) {
  requireRunning();
  const std::string copy = expose(png, 0644, kImageName);
  // sway restarts swaybg even for the image already shown, so this always
  // damages the screen (there may be a frame of sway's grey in between).
  const RunResult shown = run({"/usr/bin/swaymsg", "output", kOutput, "bg", copy, "stretch"});
  if (shown.exit_code != 0) {
    throw std::runtime_error("WaylandDesktop: swaymsg output " + std::string(kOutput) + " bg " +
                             copy + " failed (" + std::to_string(shown.exit_code) +
                             "): " + shown.out + shown.err);
  }
}

void WaylandDesktop::setOutputSize(int width, int height) {
  requireRunning();
  const std::string mode = std::to_string(width) + "x" + std::to_string(height) + "@60Hz";
  const RunResult set = run({"/usr/bin/swaymsg", "output", kOutput, "mode", mode});
  if (set.exit_code != 0) {
    throw std::runtime_error("WaylandDesktop: swaymsg output " + std::string(kOutput) + " mode " +
                             mode + " failed (" + std::to_string(set.exit_code) + "): " + set.out +
                             set.err);
  }
}

void WaylandDesktop::stopPortalBackend() { stopDaemon("xdpw"); }

std::string WaylandDesktop::chooserMarker() const { return folder_ + "/state/chooser-open"; }

bool WaylandDesktop::chooserOpened() const {
  std::error_code ec;
  return fs::exists(chooserMarker(), ec);
}

void WaylandDesktop::stopDaemon(const std::string& name) {
  requireRunning();
  Daemon* daemon = find(name);
  if (daemon == nullptr || daemon->stopped) {
    throw std::runtime_error("WaylandDesktop: " + name + " is not running");
  }
  stop(*daemon);
  if (!daemon->process->waitFor(milliseconds(0))) {
    throw std::runtime_error("WaylandDesktop: " + name + " (pid " +
                             std::to_string(daemon->process->pid()) + ") did not end");
  }
}

void WaylandDesktop::grim(const std::string& path) {
  requireRunning();
  if (::access("/usr/bin/grim", X_OK) != 0) {
    throw std::runtime_error("WaylandDesktop: grim is not installed (apt-get install grim)");
  }
  // Written where the desktop's uid may write, then copied out by the test:
  // a plain file only, never what a link there points to.
  const std::string shot = run_dir_ + "/grim.png";
  ::unlink(shot.c_str());
  const RunResult grabbed = run({"/usr/bin/grim", "-o", kOutput, "-t", "png", shot});
  std::error_code ec;
  if (grabbed.exit_code != 0 || !fs::is_regular_file(fs::symlink_status(shot, ec))) {
    throw std::runtime_error("WaylandDesktop: grim failed (" + std::to_string(grabbed.exit_code) +
                             "): " + grabbed.err);
  }
  fs::copy_file(shot, path, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    throw std::runtime_error("WaylandDesktop: cannot copy the screenshot to " + path + ": " +
                             ec.message());
  }
}

void WaylandDesktop::requireRunning() const {
  // The empty object (not installed) has no folder to work in.
  if (folder_.empty()) {
    throw std::runtime_error("WaylandDesktop: not running: " + error_);
  }
}

WaylandDesktop::Daemon* WaylandDesktop::find(const std::string& name) {
  for (auto& daemon : daemons_) {
    if (daemon.name == name) {
      return &daemon;
    }
  }
  return nullptr;
}

void WaylandDesktop::stop(Daemon& daemon) {
  if (daemon.stopped) {
    return;
  }
  daemon.stopped = true;
  if (!daemon.process->running()) {
    return;
  }
  // Its children first noted: once it is gone they belong to init.
  const auto family = descendantsOf(daemon.process->pid());
  daemon.process->signal(SIGTERM);
  if (!daemon.process->waitFor(kStopTimeout)) {
    daemon.process->signal(SIGKILL);
    daemon.process->waitFor(kStopTimeout);
  }
  endAll(family, kStopTimeout);
}

void WaylandDesktop::stopAll() {
  // Newest first: each daemon goes before what it depends on (the portal
  // before its backend, everything before the bus).
  for (auto it = daemons_.rbegin(); it != daemons_.rend(); ++it) {
    stop(*it);
  }
}

}  // namespace parley::test
