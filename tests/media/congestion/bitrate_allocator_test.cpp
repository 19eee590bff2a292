// allocateBitrate: a table of budgets and streams with the expected split,
// plus the invariants (budget respected, layers paused or within limits) over
// a sweep of budgets.

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "media/congestion/bitrate_allocator.h"

namespace parley::media {
namespace {

constexpr VideoSourceDemand kScreen{VideoSourceKind::Screen, true, kScreenLayerLimits,
                                    kLowLayerLimits};
constexpr VideoSourceDemand kCamera{VideoSourceKind::Camera, true, kCameraLayerLimits,
                                    kLowLayerLimits};
constexpr VideoSourceDemand kScreenSingle{VideoSourceKind::Screen, false, kScreenLayerLimits,
                                          kLowLayerLimits};
constexpr VideoSourceDemand kCameraSingle{VideoSourceKind::Camera, false, kCameraLayerLimits,
                                          kLowLayerLimits};

struct AllocationCase {
  const char* name;
  std::int64_t total_kbps;
  bool audio = true;
  std::vector<VideoSourceDemand> video;
  // Expected, in kbit/s.
  std::int64_t audio_kbps;
  std::vector<VideoSourceAllocation> expected;  // in kbit/s
  std::int64_t unused_kbps = 0;
};

}  // namespace

TEST_CASE("allocator: audio first then screen then camera with low layers first", "[congestion]") {
  const std::vector<AllocationCase> cases = {
      {"full budget: screen and camera low layers to max, camera high gets the rest",
       2500,
       true,
       {kScreen, kCamera},
       32,
       {{250, 1500}, {250, 468}}},
      {"typical 1.2 Mbit/s: screen high takes what the minimums leave",
       1200,
       true,
       {kScreen, kCamera},
       32,
       {{250, 718}, {100, 100}}},
      {"tight: camera's high layer pauses, screen keeps both",
       400,
       true,
       {kScreen, kCamera},
       32,
       {{118, 150}, {100, 0}}},
      {"tighter: camera pauses before the screen",
       300,
       true,
       {kScreen, kCamera},
       32,
       {{118, 150}, {0, 0}}},
      {"tighter still: only the screen's low layer",
       200,
       true,
       {kScreen, kCamera},
       32,
       {{168, 0}, {0, 0}}},
      {"under every minimum: video paused, no trickle",
       100,
       true,
       {kScreen, kCamera},
       32,
       {{0, 0}, {0, 0}},
       68},
      {"audio is served past the budget, down to its floor",
       10,
       true,
       {kScreen, kCamera},
       16,
       {{0, 0}, {0, 0}}},
      {"audio shrinks towards its floor when the budget is below its need",
       20,
       true,
       {kScreen},
       20,
       {{0, 0}}},
      {"priority is by kind, not by position",
       300,
       true,
       {kCamera, kScreen},
       32,
       {{0, 0}, {118, 150}}},
      {"camera alone: low then high, low topped up first", 300, true, {kCamera}, 32, {{168, 100}}},
      {"without simulcast one layer per source",
       1200,
       true,
       {kScreenSingle, kCameraSingle},
       32,
       {{0, 1068}, {0, 100}}},
      {"without simulcast the camera pauses first",
       250,
       true,
       {kScreenSingle, kCameraSingle},
       32,
       {{0, 218}, {0, 0}}},
      {"no audio: video gets it all", 1200, false, {kScreen, kCamera}, 0, {{250, 750}, {100, 100}}},
      {"more than everyone's max: the rest is reported unused",
       5000,
       true,
       {kScreen, kCamera},
       32,
       {{250, 1500}, {250, 880}},
       2088},
      {"nothing to send but audio", 2500, true, {}, 32, {}, 2468},
      {"a negative budget is none", -5, true, {kCamera}, 16, {{0, 0}}},
  };
  for (const AllocationCase& c : cases) {
    INFO(c.name);
    AudioDemand audio;
    audio.active = c.audio;
    const BitrateAllocation got = allocateBitrate(c.total_kbps * 1000, audio, c.video);
    CHECK(got.audio_bps == c.audio_kbps * 1000);
    REQUIRE(got.video.size() == c.expected.size());
    for (std::size_t i = 0; i < c.expected.size(); ++i) {
      INFO("source " << i);
      CHECK(got.video[i].low_bps == c.expected[i].low_bps * 1000);
      CHECK(got.video[i].high_bps == c.expected[i].high_bps * 1000);
    }
    CHECK(got.unused_bps == c.unused_kbps * 1000);
  }
}

TEST_CASE("allocator: budget respected and layers paused or within limits at every budget",
          "[congestion]") {
  const std::vector<VideoSourceDemand> video = {kCamera, kScreen, kCameraSingle};
  const AudioDemand audio;
  for (std::int64_t total = 0; total <= 4'000'000; total += 7'000) {
    INFO("total " << total);
    const BitrateAllocation got = allocateBitrate(total, audio, video);
    std::int64_t sum = got.audio_bps + got.unused_bps;
    CHECK(got.audio_bps >= audio.min_bps);
    for (std::size_t i = 0; i < video.size(); ++i) {
      const auto within = [](std::int64_t bps, LayerLimits limits) {
        return bps == 0 || (bps >= limits.min_bps && bps <= limits.max_bps);
      };
      CHECK(within(got.video[i].low_bps, video[i].low));
      CHECK(within(got.video[i].high_bps, video[i].high));
      // A high layer never runs without its low layer.
      CHECK((!video[i].simulcast || got.video[i].high_bps == 0 || got.video[i].low_bps > 0));
      sum += got.video[i].low_bps + got.video[i].high_bps;
    }
    CHECK(sum == std::max(total, audio.min_bps));
    // The screen (index 1) is never paused while a camera runs.
    if (!got.video[0].paused() || !got.video[2].paused()) {
      CHECK(got.video[1].low_bps > 0);
      CHECK(got.video[1].high_bps > 0);
    }
  }
}

}  // namespace parley::media
