// FollowedStream on virtual time: which stream a delay-based estimate
// watches, as a camera and a bursty screen come, go and change places.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <vector>

#include "media/congestion/followed_stream.h"
#include "tests/fakes/fake_clock.h"

namespace parley::media {
namespace {

using std::chrono::milliseconds;

constexpr std::uint32_t kCamera = 0x1111;
constexpr std::uint32_t kScreen = 0x2222;
constexpr auto kTick = milliseconds(250);  // the client's feedback interval

}  // namespace

TEST_CASE("followed stream: the biggest with a rate, none without", "[congestion]") {
  testing::FakeClock clock;
  FollowedStream followed;
  CHECK(followed.choose({}, clock.now()) == 0);
  const std::vector<StreamRate> silent = {{kCamera, 0}, {kScreen, 0}};
  CHECK(followed.choose(silent, clock.now()) == 0);
  const std::vector<StreamRate> both = {{kCamera, 150'000}, {kScreen, 400'000}};
  CHECK(followed.choose(both, clock.now()) == kScreen);
  CHECK(followed.ssrc() == kScreen);
}

TEST_CASE("followed stream: a bursty screen does not take a steady camera's place",
          "[congestion]") {
  testing::FakeClock clock;
  FollowedStream followed;
  const std::vector<StreamRate> camera_only = {{kCamera, 150'000}};
  REQUIRE(followed.choose(camera_only, clock.now()) == kCamera);
  // The screen's frames come and go: 500 kbit/s, then nothing, every other
  // tick, for a minute. Twice the camera, but never for long without a break.
  int changes = 0;
  for (int i = 0; i < 240; ++i) {
    clock.advance(kTick);
    const std::vector<StreamRate> now = {{kCamera, 150'000}, {kScreen, i % 2 == 0 ? 500'000 : 0}};
    if (followed.choose(now, clock.now()) != kCamera) {
      ++changes;
    }
  }
  CHECK(changes == 0);
}

TEST_CASE("followed stream: one clearly bigger for 3 s takes over, not sooner", "[congestion]") {
  testing::FakeClock clock;
  FollowedStream followed;
  REQUIRE(followed.choose(std::vector<StreamRate>{{kCamera, 150'000}}, clock.now()) == kCamera);
  // Bigger, but less than twice the camera: never.
  for (int i = 0; i < 40; ++i) {
    clock.advance(kTick);
    const std::vector<StreamRate> now = {{kCamera, 150'000}, {kScreen, 290'000}};
    REQUIRE(followed.choose(now, clock.now()) == kCamera);
  }
  // Twice or more: after FollowedStream::kLeadFor without a break.
  const std::vector<StreamRate> lead = {{kCamera, 150'000}, {kScreen, 300'000}};
  const auto since = clock.now() + kTick;
  while (followed.ssrc() == kCamera) {
    clock.advance(kTick);
    followed.choose(lead, clock.now());
    REQUIRE(clock.now() - since <= FollowedStream::kLeadFor);
  }
  CHECK(clock.now() - since == FollowedStream::kLeadFor);
  CHECK(followed.ssrc() == kScreen);
  // A lead that breaks once starts counting again.
  const auto tick = [&](std::int64_t camera_bps) {
    clock.advance(kTick);
    const std::vector<StreamRate> now = {{kCamera, camera_bps}, {kScreen, 300'000}};
    return followed.choose(now, clock.now());
  };
  const auto camera_leads_for_just_under_3_s = [&] {
    for (int i = 0; i < 12; ++i) {
      REQUIRE(tick(700'000) == kScreen);
    }
  };
  camera_leads_for_just_under_3_s();
  REQUIRE(tick(100'000) == kScreen);  // the break
  camera_leads_for_just_under_3_s();
  CHECK(tick(700'000) == kCamera);
}

TEST_CASE("followed stream: a silent or vanished stream is given up", "[congestion]") {
  testing::FakeClock clock;
  FollowedStream followed;
  REQUIRE(followed.choose(std::vector<StreamRate>{{kScreen, 800'000}, {kCamera, 150'000}},
                          clock.now()) == kScreen);
  // The screen sends nothing (an unchanging page): kept for a while...
  const std::vector<StreamRate> quiet = {{kScreen, 0}, {kCamera, 150'000}};
  for (int i = 0; i < 3; ++i) {
    clock.advance(kTick);
    REQUIRE(followed.choose(quiet, clock.now()) == kScreen);
  }
  // ...then, silent for FollowedStream::kSilentFor, the camera.
  clock.advance(kTick);
  CHECK(followed.choose(quiet, clock.now()) == kCamera);
  // A stream that is no longer there at all (sharing stopped) goes at once.
  clock.advance(kTick);
  CHECK(followed.choose(std::vector<StreamRate>{{kScreen, 400'000}}, clock.now()) == kScreen);
}

}  // namespace parley::media
