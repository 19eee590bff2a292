// Screen sharing on a Wayland desktop, through the desktop portal and
// PipeWire (docs/media.md, "Sharing a screen"): a headless sway with
// xdg-desktop-portal-wlr shows a known text-heavy picture; alice, a client
// of that desktop, shares it with `parley-cli --share-screen portal`
// through a real parleyd, and bob receives it at 35 dB PSNR or better, also
// after the screen changes size mid-share. When the desktop ends the cast,
// alice's share ends and bob sees it end. A
// cancelled chooser and a desktop without a portal give messages that say
// so and what to install, and so does a portal without a screen-cast backend.
// A client stopped while the chooser is still open withdraws the question
// instead of waiting for it.

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "media/video/frame_convert.h"
#include "media/video/png_image.h"
#include "media/video/video_quality.h"
#include "tests/integration/received_picture.h"
#include "tests/media/video/desktop_image.h"
#include "tests/support/process.h"
#include "tests/support/server_fixture.h"
#include "tests/support/wayland_desktop.h"

using namespace parley::test;
using nlohmann::json;
namespace media = parley::media;

namespace {

// Waits (bounded) for a dumped picture of at least `wanted` dB and returns
// the best score seen (-1 when none came). A static screen gives a cast no
// frames until something changes on it (wlroots sends damage only), so
// while nothing has arrived the desktop shows its picture again.
double waitForSharpPicture(WaylandDesktop& desktop, const std::string& png,
                           const media::PackedImage& reference, const std::string& dumped,
                           double wanted) {
  double best = -1;
  std::filesystem::file_time_type scored{};
  auto nudge_at = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  eventually(
      [&] {
        std::error_code ec;
        const auto written = std::filesystem::last_write_time(dumped, ec);
        if (ec) {
          if (std::chrono::steady_clock::now() > nudge_at) {
            desktop.showImage(png);
            nudge_at = std::chrono::steady_clock::now() + std::chrono::seconds(3);
          }
          return false;
        }
        if (written == scored) {
          return false;  // nothing new: a PSNR of a 1080p picture is not free
        }
        scored = written;
        if (auto score = receivedPsnr(reference, dumped)) {
          best = std::max(best, *score);
        }
        return best >= wanted;
      },
      std::chrono::seconds(90));
  return best;
}

// alice as a client of `desktop`: its user, its environment, a copy of
// parley-cli and of the server's CA that user can read.
CliOptions desktopClient(WaylandDesktop& desktop, const ServerFixture& server,
                         const std::string& room) {
  CliOptions alice;
  alice.room = room;
  alice.for_seconds = CliOptions::kUntilStopped;
  alice.run_as = desktop.runAsPrefix();
  alice.program = desktop.exposeProgram(parleyCliPath());
  alice.ca = desktop.exposeFile(server.caFile());
  alice.env = desktop.env();
  alice.extra = {"--share-screen", "portal", "--stats"};
  return alice;
}

// What `parley-cli --share-screen portal` printed on a desktop made with
// `options` (and `prepare`d), and the desktop's logs; nothing when such a
// desktop cannot run here (said as a warning).
struct Refusal {
  CliRun run;
  std::string logs;
};
std::optional<Refusal> shareOn(const WaylandDesktop::Options& options, const std::string& room,
                               const std::function<void(WaylandDesktop&)>& prepare = {}) {
  WaylandDesktop desktop(options);
  if (!desktop.error().empty()) {
    WARN("skipping: " << desktop.error());
    return std::nullopt;
  }
  if (prepare) {
    prepare(desktop);
  }
  ServerFixture server;
  server.start();
  CliProcess sender(server, desktopClient(desktop, server, room));
  CliRun run = sender.wait();
  return Refusal{std::move(run), desktop.logs()};
}

bool sharingIs(const json& event, bool sharing) {
  return event.value("sharing_screen", !sharing) == sharing;
}

}  // namespace

TEST_CASE(
    "a Wayland screen shared through the desktop portal arrives sharp, and ends with the "
    "desktop's cast",
    "[integration][media][video][wayland]") {
  const std::string dir = makeTempDir("wayland-share");
  const auto picture = media::test::renderDesktop(1920, 1080);
  const std::string png = dir + "/desktop.png";
  REQUIRE(media::writePng(png, picture));
  WaylandDesktop::Options options;
  options.background = png;
  WaylandDesktop desktop(options);
  if (!desktop.error().empty()) {
    WARN("skipping: " << desktop.error());
    return;
  }
  ServerFixture server;
  server.start();

  CliOptions bob;
  bob.user = "bob";
  bob.password = "bob-pw";
  bob.room = "wayland";
  bob.for_seconds = CliOptions::kUntilStopped;
  bob.extra = {"--dump-video", dir + "/dump"};
  CliProcess receiver(server, bob);
  REQUIRE(receiver.waitForEvent("joined"));
  CliProcess sender(server, desktopClient(desktop, server, "wayland"));
  const double score =
      waitForSharpPicture(desktop, png, picture, dir + "/dump/alice-screen.png", 35.0);
  const bool full_size = sender.waitForEvent("stats", [](const json& stats) {
    for (const auto& v : stats.at("sent").at("video")) {
      if (v.at("width") == 1920 && v.at("height") == 1080) {
        return true;
      }
    }
    return false;
  });
  // The screen changes size mid-share (a new monitor mode): the frames, the
  // encoder and what bob sees follow, still sharp.
  const auto smaller = media::test::renderDesktop(1280, 720, 1);
  const std::string smaller_png = dir + "/desktop-720.png";
  REQUIRE(media::writePng(smaller_png, smaller));
  desktop.setOutputSize(1280, 720);
  desktop.showImage(smaller_png);
  const double smaller_score =
      waitForSharpPicture(desktop, smaller_png, smaller, dir + "/dump/alice-screen.png", 35.0);
  const bool resized = sender.waitForEvent("stats", [](const json& stats) {
    for (const auto& v : stats.at("sent").at("video")) {
      if (v.at("width") == 1280 && v.at("height") == 720) {
        return true;
      }
    }
    return false;
  });

  // alice announced her share on joining; nothing has said it ended yet.
  const auto media_before = receiver.events("participant_media");
  CHECK(std::none_of(media_before.begin(), media_before.end(),
                     [](const json& e) { return sharingIs(e, false); }));

  // The desktop ends the cast (its Stop button): alice's share ends, and bob
  // sees alice stop sharing; alice stays in the meeting.
  desktop.stopPortalBackend();
  const bool ended = sender.waitForEvent("share_ended");
  const bool bob_saw_end =
      receiver.waitForEvent("participant_media", [](const json& e) { return sharingIs(e, false); });
  const CliRun shared = sender.stop();
  const CliRun seen = receiver.stop();
  INFO(shared.transcript());
  INFO(seen.transcript());
  INFO(desktop.logs());
  INFO("PSNR Y " << score << " dB");
  INFO("PSNR Y after the resize " << smaller_score << " dB");
  CHECK(score >= 35.0);
  CHECK(full_size);
  CHECK(smaller_score >= 35.0);
  CHECK(resized);
  CHECK(ended);
  CHECK(bob_saw_end);
  CHECK(shared.exit_code == 0);
  CHECK(seen.exit_code == 0);
  const auto reasons = shared.eventsOf("share_ended");
  REQUIRE_FALSE(reasons.empty());
  CHECK(reasons.front().find("desktop ended the screen") != std::string::npos);
}

TEST_CASE("a chooser cancelled on the Wayland desktop says so", "[integration][media][wayland]") {
  WaylandDesktop::Options options;
  options.chooser = WaylandDesktop::Chooser::Cancel;
  const auto refused = shareOn(options, "cancel");
  if (!refused) {
    return;
  }
  INFO(refused->run.transcript());
  INFO(refused->logs);
  CHECK(refused->run.exit_code != 0);
  CHECK(refused->run.transcript().find("cancelled in the desktop's chooser") != std::string::npos);
  CHECK(refused->run.eventsOf("joined").empty());  // nothing shared, not even black
}

TEST_CASE("stopping the client while the desktop's chooser is open withdraws the question",
          "[integration][media][wayland]") {
  // Nobody answers the chooser: without withdrawing, the client would wait
  // out the chooser's 5 minutes (in the desktop client: the exit as well).
  WaylandDesktop::Options options;
  options.chooser = WaylandDesktop::Chooser::Open;
  WaylandDesktop desktop(options);
  if (!desktop.error().empty()) {
    WARN("skipping: " << desktop.error());
    return;
  }
  ServerFixture server;
  server.start();
  CliProcess sender(server, desktopClient(desktop, server, "withdraw"));
  const bool asked = eventually([&] { return desktop.chooserOpened(); }, std::chrono::seconds(60));
  // Far less than the chooser's 5 minutes, far more than a withdrawal takes.
  const CliRun run = sender.stop(std::chrono::seconds(60));
  INFO(run.transcript());
  INFO(desktop.logs());
  CHECK(asked);
  CHECK(run.exit_code == 0);
  CHECK(run.transcript().find("withdrawn before the desktop's chooser was answered") !=
        std::string::npos);
  CHECK(run.eventsOf("joined").empty());
}

TEST_CASE("a Wayland desktop without a portal says what to install",
          "[integration][media][wayland]") {
  WaylandDesktop::Options options;
  options.portal = false;
  const auto refused = shareOn(options, "noportal");
  if (!refused) {
    return;
  }
  INFO(refused->run.transcript());
  CHECK(refused->run.exit_code != 0);
  CHECK(refused->run.transcript().find("no xdg-desktop-portal") != std::string::npos);
  CHECK(refused->run.transcript().find("install xdg-desktop-portal") != std::string::npos);
}

TEST_CASE("a portal without a screen-cast backend for the desktop says what to install",
          "[integration][media][wayland]") {
  WaylandDesktop::Options options;
  options.portal_backend = false;
  const auto refused = shareOn(options, "nobackend");
  if (!refused) {
    return;
  }
  INFO(refused->run.transcript());
  INFO(refused->logs);
  CHECK(refused->run.exit_code != 0);
  CHECK(refused->run.transcript().find("no screen-cast backend") != std::string::npos);
  CHECK(refused->run.transcript().find("xdg-desktop-portal-wlr") != std::string::npos);
}

TEST_CASE("a Wayland desktop whose PipeWire is gone says so", "[integration][media][wayland]") {
  const auto refused = shareOn({}, "nopipewire", [](WaylandDesktop& desktop) {
    desktop.stopDaemon("wireplumber");
    desktop.stopDaemon("pipewire");
  });
  if (!refused) {
    return;
  }
  INFO(refused->run.transcript());
  INFO(refused->logs);
  CHECK(refused->run.exit_code != 0);
  CHECK(refused->run.transcript().find("PipeWire") != std::string::npos);
  CHECK(refused->run.transcript().find("install pipewire") != std::string::npos);
}
