// Video through a real parleyd: a known picture shared by one parley-cli
// (--share-screen file:IMAGE.png, or an Xvfb display) arrives at another
// (--dump-video) with PSNR of at least 35 dB; a camera keeps flowing when a
// VP8-only participant joins and the room switches codec.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "media/video/desktop_image.h"
#include "media/video/frame_convert.h"
#include "media/video/png_image.h"
#include "media/video/video_quality.h"
#include "support/process.h"
#include "support/server_fixture.h"
#include "support/xvfb_server.h"

using namespace parley::test;
using nlohmann::json;
namespace media = parley::media;

namespace {

std::string dump(const CliRun& run) {
  std::string out = "exit " + std::to_string(run.exit_code) + "\n";
  for (const auto& l : run.lines) {
    out += l + "\n";
  }
  return out + run.err;
}

void waitJoined(const CliProcess& process) {
  for (int i = 0; i < 400 && !process.sawEvent("joined"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

// Luma PSNR of what the receiver dumped against the picture that was shared.
double receivedPsnr(const media::PackedImage& reference, const std::string& dumped) {
  auto received = media::readPng(dumped);
  INFO("reading " << dumped);
  REQUIRE(received);
  media::FrameConverter converter;
  auto ref = converter.toI420(media::view(reference));
  auto got = converter.toI420(media::view(*received));
  REQUIRE(ref);
  REQUIRE(got);
  auto score = media::psnr(*ref, *got);
  REQUIRE(score);
  return score->y;
}

// The last stats line's first sender, parsed.
json lastSender(const CliRun& run) {
  const auto stats = run.eventsOf("stats");
  REQUIRE_FALSE(stats.empty());
  const auto last = json::parse(stats.back());
  REQUIRE_FALSE(last.at("sent").at("video").empty());
  return last.at("sent").at("video")[0];
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
  bob.for_seconds = 9;
  bob.extra = {"--dump-video", dir + "/dump", "--stats"};
  CliProcess receiver(server, bob);
  waitJoined(receiver);
  CliOptions alice;
  alice.room = "share";
  alice.for_seconds = 6;
  alice.extra = {"--share-screen", "file:" + dir + "/desktop.png", "--stats"};
  const CliRun sender = runCli(server, alice);
  const CliRun heard = receiver.wait();
  INFO(dump(sender));
  INFO(dump(heard));
  REQUIRE(sender.exit_code == 0);
  REQUIRE(heard.exit_code == 0);
  const auto screen = lastSender(sender);
  CHECK(screen.at("width") == 1920);
  CHECK(screen.at("height") == 1080);
  // The receiver saw the full layer at full size, and it is sharp.
  const double score = receivedPsnr(desktop, dir + "/dump/alice-screen.png");
  INFO("PSNR Y " << score << " dB");
  CHECK(score >= 35.0);
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
  bob.for_seconds = 9;
  bob.extra = {"--dump-video", dir + "/dump"};
  CliProcess receiver(server, bob);
  waitJoined(receiver);
  CliOptions alice;
  alice.room = "x11";
  alice.for_seconds = 6;
  alice.extra = {"--share-screen", x.display(), "--stats"};
  const CliRun sender = runCli(server, alice);
  const CliRun heard = receiver.wait();
  INFO(dump(sender));
  INFO(dump(heard));
  REQUIRE(sender.exit_code == 0);
  const auto rgba = parley::media::test::renderDesktop(1920, 1080);
  const double score = receivedPsnr(rgba, dir + "/dump/alice-screen.png");
  INFO("PSNR Y " << score << " dB");
  CHECK(score >= 35.0);
}

TEST_CASE("the room switches to VP8 when a VP8-only participant joins",
          "[integration][media][video]") {
  ServerFixture server;
  server.start();
  const std::string dir = makeTempDir("codec");
  CliOptions alice;
  alice.room = "codec";
  alice.for_seconds = 10;
  alice.extra = {"--send-video", "synthetic", "--stats"};
  CliProcess sender(server, alice);
  waitJoined(sender);
  CliOptions bob;
  bob.user = "bob";
  bob.password = "bob-pw";
  bob.room = "codec";
  bob.for_seconds = 8;
  bob.extra = {"--dump-video", dir + "/bob", "--stats"};
  CliProcess receiver(server, bob);
  waitJoined(receiver);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  CliOptions carol;
  carol.user = "carol";
  carol.password = "carol-pw";
  carol.room = "codec";
  carol.for_seconds = 4;
  carol.extra = {"--video-decoders", "VP8", "--dump-video", dir + "/carol", "--stats"};
  const CliRun vp8_only = runCli(server, carol);
  const CliRun bob_run = receiver.wait();
  const CliRun alice_run = sender.wait();
  INFO(dump(alice_run));
  INFO(dump(vp8_only));
  REQUIRE(alice_run.exit_code == 0);
  REQUIRE(vp8_only.exit_code == 0);
  // Everyone heard the switch; alice's camera encodes VP8 from then on.
  CHECK_FALSE(bob_run.eventsOf("video_codec").empty());
  CHECK(json::parse(bob_run.eventsOf("video_codec").front()).at("codec") == "VP8");
  bool vp9_before = false;
  bool vp8_after = false;
  for (const auto& line : alice_run.eventsOf("stats")) {
    const auto stats = json::parse(line);
    if (stats.at("sent").at("video").empty()) {
      continue;
    }
    const auto codec = stats.at("sent").at("video")[0].at("codec");
    vp9_before = vp9_before || (!vp8_after && codec == "VP9");
    vp8_after = vp8_after || codec == "VP8";
  }
  CHECK(vp9_before);
  CHECK(vp8_after);
  // The VP8-only participant decoded alice's camera.
  const auto carol_stats = json::parse(vp8_only.eventsOf("stats").back());
  bool decoded = false;
  for (const auto& stream : carol_stats.at("streams")) {
    decoded = decoded || (stream.at("kind") == "video" && stream.at("frames").get<int>() > 0);
  }
  CHECK(decoded);
  CHECK(std::filesystem::exists(dir + "/carol/alice-video.png"));
}
