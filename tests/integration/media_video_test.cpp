// Video through a real parleyd: a known picture shared by one parley-cli
// (--share-screen file:IMAGE.png, or an Xvfb display) arrives at another
// (--dump-video) with PSNR of at least 35 dB; a camera keeps flowing when a
// VP8-only participant joins and the room switches codec.

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "media/video/frame_convert.h"
#include "media/video/png_image.h"
#include "media/video/video_quality.h"
#include "tests/integration/received_picture.h"
#include "tests/media/video/desktop_image.h"
#include "tests/support/process.h"
#include "tests/support/server_fixture.h"
#include "tests/support/xvfb_server.h"

using namespace parley::test;
using nlohmann::json;
namespace media = parley::media;

namespace {

// Waits (bounded) until the receiver has dumped a picture of at least
// `wanted` dB; returns the best score seen (or -1 when none came). The
// encoder starts at a low rate and sharpens, so early pictures score less.
double waitForSharpPicture(const media::PackedImage& reference, const std::string& dumped,
                           double wanted) {
  double best = -1;
  std::filesystem::file_time_type scored{};
  eventually(
      [&] {
        std::error_code ec;
        const auto written = std::filesystem::last_write_time(dumped, ec);
        if (ec || written == scored) {
          return false;  // nothing new: a PSNR of a 1080p picture is not free
        }
        scored = written;
        if (auto score = receivedPsnr(reference, dumped)) {
          best = std::max(best, *score);
        }
        return best >= wanted;
      },
      std::chrono::seconds(60));
  return best;
}

// Whether a stats line shows a sender with `key` equal to `value`.
bool senderHas(const json& stats, const std::string& key, const json& value) {
  for (const auto& v : stats.at("sent").at("video")) {
    if (v.at(key) == value) {
      return true;
    }
  }
  return false;
}

// The first video stream alice sent, from her last stats line in the call.
json lastSender(const CliRun& run) {
  const auto last = run.lastStatsInCall();
  REQUIRE(last);
  REQUIRE_FALSE(last->at("sent").at("video").empty());
  return last->at("sent").at("video")[0];
}

}  // namespace

TEST_CASE("a shared image arrives sharp at the other client", "[integration][media][video]") {
  ServerFixture server;
  server.start();
  const std::string dir = makeTempDir("share");
  const auto desktop = parley::media::test::renderDesktop(1920, 1080);
  REQUIRE(media::writePng(dir + "/desktop.png", desktop));

  CliOptions bob;
  bob.user = "bob";
  bob.password = "bob-pw";
  bob.room = "share";
  bob.for_seconds = CliOptions::kUntilStopped;
  bob.extra = {"--dump-video", dir + "/dump", "--stats"};
  CliProcess receiver(server, bob);
  REQUIRE(receiver.waitForEvent("joined"));
  CliOptions alice;
  alice.room = "share";
  alice.for_seconds = CliOptions::kUntilStopped;
  alice.extra = {"--share-screen", "file:" + dir + "/desktop.png", "--stats"};
  CliProcess sender(server, alice);
  // The receiver saw the full layer at full size, and it is sharp.
  const double score = waitForSharpPicture(desktop, dir + "/dump/alice-screen.png", 35.0);
  const bool full_size = sender.waitForEvent("stats", [](const json& stats) {
    return senderHas(stats, "width", 1920) && senderHas(stats, "height", 1080);
  });
  const CliRun shared = sender.stop();
  const CliRun heard = receiver.stop();
  INFO(shared.transcript());
  INFO(heard.transcript());
  INFO("PSNR Y " << score << " dB");
  CHECK(score >= 35.0);
  CHECK(full_size);
  CHECK(shared.exit_code == 0);
  CHECK(heard.exit_code == 0);
  const auto screen = lastSender(shared);
  CHECK(screen.at("width") == 1920);
  CHECK(screen.at("height") == 1080);
}

TEST_CASE("a screen shared from an X display arrives sharp", "[integration][media][video]") {
  XvfbServer x;
  if (!x.error().empty()) {
    WARN("skipping: " << x.error());
    return;
  }
  const auto desktop =
      parley::media::test::renderDesktop(1920, 1080, 0, false, media::PixelFormat::Bgra);
  auto shown = ShownImage::show(x.display(), desktop, 0, 0, "parley shared desktop");
  REQUIRE(shown);
  ServerFixture server;
  server.start();
  const std::string dir = makeTempDir("x11share");
  CliOptions bob;
  bob.user = "bob";
  bob.password = "bob-pw";
  bob.room = "x11";
  bob.for_seconds = CliOptions::kUntilStopped;
  bob.extra = {"--dump-video", dir + "/dump"};
  CliProcess receiver(server, bob);
  REQUIRE(receiver.waitForEvent("joined"));
  CliOptions alice;
  alice.room = "x11";
  alice.for_seconds = CliOptions::kUntilStopped;
  alice.extra = {"--share-screen", x.display(), "--stats"};
  CliProcess sender(server, alice);
  const auto rgba = parley::media::test::renderDesktop(1920, 1080);
  const double score = waitForSharpPicture(rgba, dir + "/dump/alice-screen.png", 35.0);
  const CliRun shared = sender.stop();
  const CliRun heard = receiver.stop();
  INFO(shared.transcript());
  INFO(heard.transcript());
  INFO("PSNR Y " << score << " dB");
  CHECK(score >= 35.0);
  CHECK(shared.exit_code == 0);
  CHECK(heard.exit_code == 0);
}

TEST_CASE("the room switches to VP8 when a VP8-only participant joins",
          "[integration][media][video]") {
  ServerFixture server;
  server.start();
  const std::string dir = makeTempDir("codec");
  auto decodedVideo = [](const json& stats) {
    for (const auto& stream : stats.at("streams")) {
      if (stream.at("kind") == "video" && stream.at("frames").get<int>() > 0) {
        return true;
      }
    }
    return false;
  };
  CliOptions alice;
  alice.room = "codec";
  alice.for_seconds = CliOptions::kUntilStopped;
  alice.extra = {"--send-video", "synthetic", "--stats"};
  CliProcess sender(server, alice);
  REQUIRE(sender.waitForEvent("joined"));
  CliOptions bob;
  bob.user = "bob";
  bob.password = "bob-pw";
  bob.room = "codec";
  bob.for_seconds = CliOptions::kUntilStopped;
  bob.extra = {"--dump-video", dir + "/bob", "--stats"};
  CliProcess receiver(server, bob);
  REQUIRE(receiver.waitForEvent("joined"));
  // Before carol: alice's camera is VP9 and bob decodes it.
  CHECK(sender.waitForEvent("stats", [](const json& s) { return senderHas(s, "codec", "VP9"); }));
  CHECK(receiver.waitForEvent("stats", decodedVideo));
  CliOptions carol;
  carol.user = "carol";
  carol.password = "carol-pw";
  carol.room = "codec";
  carol.for_seconds = CliOptions::kUntilStopped;
  carol.extra = {"--video-decoders", "VP8", "--dump-video", dir + "/carol", "--stats"};
  CliProcess vp8_only(server, carol);
  REQUIRE(vp8_only.waitForEvent("joined"));
  // Everyone hears the switch; alice's camera encodes VP8 from then on, and
  // the VP8-only participant decodes it.
  CHECK(receiver.waitForEvent("video_codec", [](const json& e) { return e.at("codec") == "VP8"; }));
  CHECK(sender.waitForEvent("stats", [](const json& s) { return senderHas(s, "codec", "VP8"); }));
  CHECK(vp8_only.waitForEvent("stats", decodedVideo));
  const std::string carol_picture = dir + "/carol/alice-video.png";
  CHECK(
      eventually([&] { return std::filesystem::exists(carol_picture); }, std::chrono::seconds(60)));

  // Alice first: while carol is in the room it stays VP8.
  const CliRun alice_run = sender.stop();
  const CliRun vp8_run = vp8_only.stop();
  const CliRun bob_run = receiver.stop();
  INFO(alice_run.transcript());
  INFO(bob_run.transcript());
  INFO(vp8_run.transcript());
  CHECK(alice_run.exit_code == 0);
  CHECK(bob_run.exit_code == 0);
  CHECK(vp8_run.exit_code == 0);
  REQUIRE_FALSE(bob_run.eventsOf("video_codec").empty());
  CHECK(json::parse(bob_run.eventsOf("video_codec").front()).at("codec") == "VP8");
  // VP9 first, then VP8 and nothing else.
  bool vp9_before = false;
  bool vp8_after = false;
  bool vp9_after_vp8 = false;
  for (const auto& line : alice_run.eventsOf("stats")) {
    const auto stats = json::parse(line);
    if (stats.at("sent").at("video").empty()) {
      continue;
    }
    const auto codec = stats.at("sent").at("video")[0].at("codec");
    vp9_before = vp9_before || (!vp8_after && codec == "VP9");
    vp9_after_vp8 = vp9_after_vp8 || (vp8_after && codec == "VP9");
    vp8_after = vp8_after || codec == "VP8";
  }
  CHECK(vp9_before);
  CHECK(vp8_after);
  CHECK_FALSE(vp9_after_vp8);
}
