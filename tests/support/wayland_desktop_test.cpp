// WaylandDesktop (wayland_desktop.h) on its own: the stack comes up as the
// desktop's uid, a client run the way a test runs one reaches the portal,
// the screen shows the known picture (and the next one), the variants start,
// and nothing of the desktop is left running once the object is gone.

#include "tests/support/wayland_desktop.h"

#include <png.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/test_dir.h"

namespace {

namespace fs = std::filesystem;
using parley::test::ChildProcess;
using parley::test::RunResult;
using parley::test::WaylandDesktop;

struct Image {
  int width = 0;
  int height = 0;
  std::vector<unsigned char> rgb;
};

// Gradients across and down, each quadrant in its own colour: a shifted,
// scaled or swapped picture differs from it almost everywhere.
Image pattern(int width, int height, int variant) {
  Image image{width, height,
              std::vector<unsigned char>(static_cast<std::size_t>(width) * height * 3)};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const int quadrant = (y * 2 / height) * 2 + x * 2 / width;
      unsigned char* pixel = &image.rgb[(static_cast<std::size_t>(y) * width + x) * 3];
      pixel[0] = static_cast<unsigned char>(((quadrant + variant) % 4) * 80);
      pixel[1] = static_cast<unsigned char>(y * 255 / (height - 1));
      pixel[2] = static_cast<unsigned char>(variant == 0 ? x * 255 / (width - 1)
                                                         : 255 - x * 255 / (width - 1));
    }
  }
  return image;
}

void writePng(const std::string& path, const Image& image) {
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(image.width);
  png.height = static_cast<png_uint_32>(image.height);
  png.format = PNG_FORMAT_RGB;
  REQUIRE(png_image_write_to_file(&png, path.c_str(), 0, image.rgb.data(), 0, nullptr) != 0);
}

std::optional<Image> readPng(const std::string& path) {
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_file(&png, path.c_str()) == 0) {
    return std::nullopt;
  }
  png.format = PNG_FORMAT_RGB;
  Image image{static_cast<int>(png.width), static_cast<int>(png.height), {}};
  image.rgb.resize(static_cast<std::size_t>(png.width) * png.height * 3);
  if (png_image_finish_read(&png, nullptr, image.rgb.data(), 0, nullptr) == 0) {
    return std::nullopt;
  }
  return image;
}

// Exact but for rounding: swaybg stretches the picture 1:1 onto the output.
bool same(const Image& a, const Image& b) {
  if (a.width != b.width || a.height != b.height || a.rgb.size() != b.rgb.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.rgb.size(); ++i) {
    if (std::abs(int{a.rgb[i]} - int{b.rgb[i]}) > 2) {
      return false;
    }
  }
  return true;
}

// Polls screenshots until one shows `expected`: swaybg draws a moment after
// sway is up, and a new picture a moment after it is asked for.
bool screenShows(WaylandDesktop& desktop, const Image& expected) {
  const std::string shot = desktop.folder() + "/logs/test-shot.png";
  return parley::test::eventually(
      [&] {
        desktop.grim(shot);
        const auto seen = readPng(shot);
        return seen && same(*seen, expected);
      },
      std::chrono::seconds(30));
}

// A client as a test runs one: as the desktop's uid, with env() on top of
// the test's own environment.
RunResult runClient(WaylandDesktop& desktop, const std::vector<std::string>& argv) {
  std::vector<std::string> full = desktop.runAsPrefix();
  full.insert(full.end(), argv.begin(), argv.end());
  const std::string out = desktop.folder() + "/logs/client.out";
  const std::string err = desktop.folder() + "/logs/client.err";
  ::unlink(err.c_str());
  ChildProcess::Options options;
  options.argv = full;
  options.env = desktop.env();
  options.stdout_path = out;
  options.stderr_path = err;
  ChildProcess client(std::move(options));
  const auto code = client.waitFor(std::chrono::seconds(30));
  return RunResult{code ? *code : -1, parley::test::readFile(out), parley::test::readFile(err)};
}

RunResult getScreenCastProperty(WaylandDesktop& desktop, const std::string& property) {
  return runClient(desktop, {"/usr/bin/gdbus", "call", "--session", "--dest",
                             "org.freedesktop.portal.Desktop", "--object-path",
                             "/org/freedesktop/portal/desktop", "--method",
                             "org.freedesktop.DBus.Properties.Get",
                             "org.freedesktop.portal.ScreenCast", property});
}

// gdbus prints a uint32 property as "(<uint32 4>,)".
long uint32Reply(const std::string& out) {
  const std::string prefix = "(<uint32 ";
  return out.rfind(prefix, 0) == 0 ? std::strtol(out.c_str() + prefix.size(), nullptr, 10) : -1;
}

// A process, told apart from a later one with the same PID by its start time.
struct ProcessId {
  pid_t pid = 0;
  std::string start;
  char state = 0;
};

std::optional<ProcessId> readProcess(pid_t pid) {
  const std::string stat = parley::test::readFile("/proc/" + std::to_string(pid) + "/stat");
  const auto name_end = stat.rfind(')');
  if (name_end == std::string::npos) {
    return std::nullopt;
  }
  std::istringstream fields(stat.substr(name_end + 1));
  ProcessId process{pid, {}, 0};
  std::string field;
  fields >> process.state;
  for (int i = 4; i <= 22 && fields >> field; ++i) {  // field 22: the start time
    process.start = field;
  }
  return process;
}

bool stillRunning(const ProcessId& process) {
  const auto now = readProcess(process.pid);
  return now && now->start == process.start && now->state != 'Z' && now->state != 'X';
}

std::vector<pid_t> allPids() {
  std::vector<pid_t> pids;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos) {
      pids.push_back(static_cast<pid_t>(std::stol(name)));
    }
  }
  return pids;
}

// Every process with `run_dir` as its XDG_RUNTIME_DIR: the daemons, what
// they started (swaybg), and any client a test started for this desktop.
std::vector<ProcessId> processesOfDesktop(const std::string& run_dir) {
  const std::string marker = std::string(1, '\0') + "XDG_RUNTIME_DIR=" + run_dir + '\0';
  std::vector<ProcessId> found;
  for (const pid_t pid : allPids()) {
    const std::string environ =
        '\0' + parley::test::readFile("/proc/" + std::to_string(pid) + "/environ");
    if (environ.find(marker) != std::string::npos) {
      if (auto process = readProcess(pid); process && stillRunning(*process)) {
        found.push_back(*process);
      }
    }
  }
  return found;
}

struct Snapshot {
  std::string folder;
  std::string run_dir;
  std::vector<ProcessId> processes;
};

Snapshot snapshot(const WaylandDesktop& desktop) {
  Snapshot taken{desktop.folder(), desktop.env().at("XDG_RUNTIME_DIR"), {}};
  for (const auto& [name, pid] : desktop.pids()) {
    const auto process = readProcess(pid);
    INFO(name << " (pid " << pid << ") is not running");
    REQUIRE(process);
    taken.processes.push_back(*process);
  }
  for (const auto& process : processesOfDesktop(taken.run_dir)) {
    taken.processes.push_back(process);
  }
  return taken;
}

void requireNothingLeft(const Snapshot& before) {
  for (const auto& process : before.processes) {
    INFO("pid " << process.pid << " still runs after the desktop was stopped");
    CHECK_FALSE(stillRunning(process));
  }
  const auto left = processesOfDesktop(before.run_dir);
  for (const auto& process : left) {
    INFO("pid " << process.pid << " of the desktop's session still runs");
    CHECK_FALSE(stillRunning(process));
  }
  CHECK_FALSE(fs::exists(before.folder));
}

WaylandDesktop::Options smallDesktop(const std::string& background) {
  WaylandDesktop::Options options;
  options.width = 640;
  options.height = 360;
  options.background = background;
  return options;
}

}  // namespace

TEST_CASE("WaylandDesktop: the portal answers and the screen shows the known picture",
          "[wayland][portal]") {
  parley::testing::TempDir dir;
  const Image first = pattern(640, 360, 0);
  const Image second = pattern(640, 360, 1);
  writePng(dir.file("first.png").string(), first);
  writePng(dir.file("second.png").string(), second);
  Snapshot before;
  {
    WaylandDesktop desktop(smallDesktop(dir.file("first.png").string()));
    if (!desktop.error().empty()) {
      WARN("SKIPPED: the headless Wayland desktop is NOT tested here: " << desktop.error());
      return;
    }
    std::cout << "WaylandDesktop: up in " << desktop.startupTime().count() << " ms\n";
    const auto env = desktop.env();
    const std::string run_dir = env.at("XDG_RUNTIME_DIR");
    CHECK(env.at("DISPLAY").empty());
    CHECK(env.at("XDG_SESSION_TYPE") == "wayland");
    REQUIRE_FALSE(env.at("WAYLAND_DISPLAY").empty());
    struct stat run_stat {};
    REQUIRE(::stat(run_dir.c_str(), &run_stat) == 0);
    CHECK(run_stat.st_uid == desktop.uid());
    CHECK((run_stat.st_mode & 07777) == 0700);
    CHECK(fs::is_socket(run_dir + "/" + env.at("WAYLAND_DISPLAY")));

    const RunResult version = getScreenCastProperty(desktop, "version");
    INFO(version.out << version.err << desktop.logs());
    REQUIRE(version.exit_code == 0);
    CHECK(uint32Reply(version.out) >= 4);  // restore tokens (persist_mode)
    // xdpw offers monitors (1): the portal found its backend.
    const RunResult sources = getScreenCastProperty(desktop, "AvailableSourceTypes");
    REQUIRE(sources.exit_code == 0);
    CHECK((uint32Reply(sources.out) & 1) == 1);

    CHECK(screenShows(desktop, first));
    desktop.showImage(dir.file("second.png").string());
    CHECK(screenShows(desktop, second));

    // A program where the desktop's uid cannot reach it runs from the copy.
    const std::string hidden = parley::test::makeTempDir("wayland-test");  // mode 700
    fs::copy_file("/usr/bin/true", hidden + "/parley-true");
    const std::string exposed = desktop.exposeProgram(hidden + "/parley-true");
    fs::remove_all(hidden);
    CHECK(runClient(desktop, {exposed}).exit_code == 0);

    before = snapshot(desktop);
    // More than the daemons: swaybg, sway's child, found by its environment
    // (else the check for leftovers below would look at nothing).
    CHECK(before.processes.size() > desktop.pids().size());
    REQUIRE(desktop.pids().count("xdpw") == 1);
    const pid_t xdpw = desktop.pids().at("xdpw");
    desktop.stopPortalBackend();
    CHECK(desktop.pids().count("xdpw") == 0);
    for (const auto& process : before.processes) {
      if (process.pid == xdpw) {
        CHECK_FALSE(stillRunning(process));
      }
    }
  }
  requireNothingLeft(before);
}

TEST_CASE("WaylandDesktop: the Cancel chooser variant comes up at the default size",
          "[wayland][portal]") {
  Snapshot before;
  {
    WaylandDesktop::Options options;
    options.chooser = WaylandDesktop::Chooser::Cancel;
    WaylandDesktop desktop(options);
    if (!desktop.error().empty()) {
      WARN("SKIPPED: the headless Wayland desktop is NOT tested here: " << desktop.error());
      return;
    }
    const RunResult version = getScreenCastProperty(desktop, "version");
    INFO(version.out << version.err << desktop.logs());
    REQUIRE(version.exit_code == 0);
    CHECK(desktop.pids().count("xdpw") == 1);
    before = snapshot(desktop);
  }
  requireNothingLeft(before);
}

TEST_CASE("WaylandDesktop without the portal: its name is missing on the bus",
          "[wayland][portal]") {
  parley::testing::TempDir dir;
  writePng(dir.file("first.png").string(), pattern(320, 240, 0));
  Snapshot before;
  {
    WaylandDesktop::Options options;
    options.width = 320;
    options.height = 240;
    options.background = dir.file("first.png").string();
    options.portal = false;
    WaylandDesktop desktop(options);
    if (!desktop.error().empty()) {
      WARN("SKIPPED: the headless Wayland desktop is NOT tested here: " << desktop.error());
      return;
    }
    CHECK(desktop.pids().count("portal") == 0);
    CHECK(desktop.pids().count("xdpw") == 1);
    const RunResult version = getScreenCastProperty(desktop, "version");
    INFO(version.out << version.err);
    CHECK(version.exit_code != 0);
    CHECK(version.err.find("org.freedesktop.DBus.Error.ServiceUnknown") != std::string::npos);
    before = snapshot(desktop);
  }
  requireNothingLeft(before);
}
