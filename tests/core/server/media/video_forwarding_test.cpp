// ReceiverVideoForwarding on virtual time: which simulcast layer a receiver
// gets for its budget, and that a switch waits for a key frame of the new
// layer (asking for one) so the receiver never gets an undecodable frame.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "core/server/media/rate_meter.h"
#include "core/server/media/video_forwarding.h"

using namespace parley;
using namespace parley::server;
using namespace std::chrono_literals;

namespace {

constexpr std::uint32_t kCamHigh = 0x12, kCamLow = 0x14, kScreenHigh = 0x13, kScreenLow = 0x15;

VideoSourceRates camera(std::uint64_t high, std::uint64_t low) {
  return {kCamHigh, kCamLow, false, high, low};
}
VideoSourceRates screen(std::uint64_t high, std::uint64_t low) {
  return {kScreenHigh, kScreenLow, true, high, low};
}

const Clock::TimePoint t0 = Clock::TimePoint(std::chrono::hours(100));

}  // namespace

TEST_CASE("the plan gives each source the best layer that fits, screens first", "[server][video]") {
  struct Case {
    const char* name;
    std::uint64_t budget;
    VideoLayer screen_layer;
    VideoLayer camera_layer;
  };
  // Screen 1500/250 kbit/s, camera 800/150 kbit/s; 15% headroom per layer.
  const Case cases[] = {
      {"plenty", 5'000'000, VideoLayer::High, VideoLayer::High},
      {"screen full, camera small", 2'000'000, VideoLayer::High, VideoLayer::Low},
      {"screen full, camera small, just", 1'730'000, VideoLayer::High, VideoLayer::Low},
      {"both small", 600'000, VideoLayer::Low, VideoLayer::Low},
      {"screen small only", 300'000, VideoLayer::Low, VideoLayer::None},
      {"nothing fits", 100'000, VideoLayer::None, VideoLayer::None},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    ReceiverVideoForwarding f;
    (void)f.plan(c.budget, {camera(800'000, 150'000), screen(1'500'000, 250'000)}, t0);
    CHECK(f.targetLayer(kScreenHigh) == c.screen_layer);
    CHECK(f.targetLayer(kCamHigh) == c.camera_layer);
  }
}

TEST_CASE("a screen's small layer stays within the floor when loss cut the budget",
          "[server][video]") {
  struct Case {
    const char* name;
    std::uint64_t budget;
    std::uint64_t floor;
    VideoLayer screen_layer;
    VideoLayer camera_layer;
  };
  // Screen 1500/250 kbit/s, camera 800/150 kbit/s, as above.
  const Case cases[] = {
      {"no floor: nothing fits", 100'000, 0, VideoLayer::None, VideoLayer::None},
      {"the floor holds the screen's small layer, not the camera's", 100'000, 450'000,
       VideoLayer::Low, VideoLayer::None},
      {"a floor too low for the small layer", 100'000, 200'000, VideoLayer::None, VideoLayer::None},
      {"a budget that fits more needs no floor", 600'000, 450'000, VideoLayer::Low,
       VideoLayer::Low},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    ReceiverVideoForwarding f;
    (void)f.plan(c.budget, {camera(800'000, 150'000), screen(1'500'000, 250'000)}, t0, c.floor);
    CHECK(f.targetLayer(kScreenHigh) == c.screen_layer);
    CHECK(f.targetLayer(kCamHigh) == c.camera_layer);
  }
  // Two screens: the floor is spent by the first.
  ReceiverVideoForwarding f;
  const VideoSourceRates second{0x23, 0x25, true, 1'500'000, 250'000};
  (void)f.plan(100'000, {screen(1'500'000, 250'000), second}, t0, 450'000);
  CHECK(f.targetLayer(kScreenHigh) == VideoLayer::Low);
  CHECK(f.targetLayer(0x23) == VideoLayer::None);
}

TEST_CASE("a layer switch waits for a key frame of the new layer", "[server][video]") {
  ReceiverVideoForwarding f;
  auto requests = f.plan(5'000'000, {camera(800'000, 150'000)}, t0);
  // A source planned for the first time: usually its first packet starts
  // its first key frame, so nothing is asked for yet.
  CHECK(requests.empty());
  CHECK(f.targetLayer(kCamHigh) == VideoLayer::High);
  CHECK(f.currentLayer(kCamHigh) == VideoLayer::None);

  // Delta frames of the wanted layer are not forwarded before its key
  // frame, which the first of them asks for.
  auto d = f.onPacket(kCamHigh, kCamLow, kCamHigh, false, t0 + 10ms);
  CHECK_FALSE(d.forward);
  REQUIRE(d.request_key_frame);
  CHECK(*d.request_key_frame == kCamHigh);
  d = f.onPacket(kCamHigh, kCamLow, kCamLow, true, t0 + 12ms);
  CHECK_FALSE(d.forward);  // the small layer is not what was planned
  // The key frame arrives: the switch happens on it.
  d = f.onPacket(kCamHigh, kCamLow, kCamHigh, true, t0 + 20ms);
  CHECK(d.forward);
  CHECK(f.currentLayer(kCamHigh) == VideoLayer::High);
  CHECK(f.onPacket(kCamHigh, kCamLow, kCamHigh, false, t0 + 30ms).forward);
  CHECK_FALSE(f.onPacket(kCamHigh, kCamLow, kCamLow, false, t0 + 31ms).forward);

  // The budget shrinks: the full layer goes on until the small one has a
  // key frame, which is asked for at once and then at most every 500 ms.
  requests = f.plan(400'000, {camera(800'000, 150'000)}, t0 + 1s);
  REQUIRE(requests == std::vector<std::uint32_t>{kCamLow});
  CHECK(f.onPacket(kCamHigh, kCamLow, kCamHigh, false, t0 + 1s + 10ms).forward);
  d = f.onPacket(kCamHigh, kCamLow, kCamHigh, false, t0 + 1s + 600ms);
  CHECK(d.forward);
  REQUIRE(d.request_key_frame);
  CHECK(*d.request_key_frame == kCamLow);
  CHECK_FALSE(f.onPacket(kCamHigh, kCamLow, kCamHigh, false, t0 + 1s + 700ms).request_key_frame);
  d = f.onPacket(kCamHigh, kCamLow, kCamLow, true, t0 + 1s + 800ms);
  CHECK(d.forward);
  CHECK(f.currentLayer(kCamHigh) == VideoLayer::Low);
  CHECK_FALSE(f.onPacket(kCamHigh, kCamLow, kCamHigh, false, t0 + 1s + 810ms).forward);
}

TEST_CASE("a new source whose first packet starts a key frame costs no key frame request",
          "[server][video]") {
  ReceiverVideoForwarding f;
  CHECK(f.plan(5'000'000, {screen(1'500'000, 250'000)}, t0).empty());
  const auto d = f.onPacket(kScreenHigh, kScreenLow, kScreenHigh, true, t0 + 1ms);
  CHECK(d.forward);
  CHECK_FALSE(d.request_key_frame);
  CHECK(f.currentLayer(kScreenHigh) == VideoLayer::High);
}

TEST_CASE("no budget for video stops it at once", "[server][video]") {
  ReceiverVideoForwarding f;
  (void)f.plan(5'000'000, {camera(800'000, 150'000)}, t0);
  CHECK(f.onPacket(kCamHigh, kCamLow, kCamHigh, true, t0 + 10ms).forward);
  (void)f.plan(50'000, {camera(800'000, 150'000)}, t0 + 1s);
  CHECK_FALSE(f.onPacket(kCamHigh, kCamLow, kCamHigh, false, t0 + 1s + 1ms).forward);
  CHECK_FALSE(f.onPacket(kCamHigh, kCamLow, kCamLow, true, t0 + 1s + 2ms).forward);
  // Room again: back to a layer via its key frame.
  const auto requests = f.plan(5'000'000, {camera(800'000, 150'000)}, t0 + 2s);
  CHECK(requests == std::vector<std::uint32_t>{kCamHigh});
}

TEST_CASE("the rate meter reports the last second", "[server][video]") {
  RateMeter meter;
  for (int i = 0; i < 100; ++i) {
    meter.add(1250, t0 + i * 10ms);  // 125 kB/s = 1 Mbit/s
  }
  CHECK(meter.bitsPerSecond(t0 + 995ms) == Approx(1'000'000).epsilon(0.12));
  // Silence: the rate decays to zero within a second.
  CHECK(meter.bitsPerSecond(t0 + 2500ms) == 0);
}

TEST_CASE("two streams of one rate read alike wherever their buckets start", "[server][video]") {
  // The same 100 packets a second into two meters, the second started 0.45 s
  // later (its buckets in another phase); read every 50 ms for 4 s.
  RateMeter early;
  RateMeter late;
  double worst_gap = 0;
  for (int i = 0; i < 600; ++i) {
    const auto now = t0 + i * 10ms;
    early.add(1250, now);
    if (i >= 45) {
      late.add(1250, now);
    }
    if (i >= 200 && i % 5 == 0) {
      const auto a = static_cast<double>(early.bitsPerSecond(now));
      const auto b = static_cast<double>(late.bitsPerSecond(now));
      CHECK(a == Approx(1'000'000).epsilon(0.02));
      CHECK(b == Approx(1'000'000).epsilon(0.02));
      worst_gap = std::max(worst_gap, std::abs(a - b) / 1'000'000);
    }
  }
  CHECK(worst_gap < 0.02);
}
