// RepairShare (core/server/media/repair_share.h) on virtual time: the layer
// plan keeps free what a receiver's repair takes next to its video,
// smoothed, capped at the repair budget's share, and given back when the
// loss ends.

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>

#include "core/server/media/repair_share.h"

using namespace parley;  // NOLINT(google-build-using-namespace)
using namespace std::chrono_literals;
using server::RepairShare;

namespace {

constexpr std::uint64_t kBudget = 1'000'000;

// `seconds` of video at `video_bytes_per_s` and repair at
// `repair_bytes_per_s`, fed every 10 ms; the plan asks every 500 ms.
// Returns the last video budget it got.
std::uint64_t run(RepairShare& share, Clock::TimePoint& now, int seconds,
                  std::size_t video_bytes_per_s, std::size_t repair_bytes_per_s) {
  std::uint64_t last = 0;
  for (int tick = 1; tick <= seconds * 100; ++tick) {
    now += 10ms;
    if (video_bytes_per_s > 0) {
      share.onVideo(video_bytes_per_s / 100, now);
    }
    if (repair_bytes_per_s > 0) {
      share.onRepair(repair_bytes_per_s / 100, now);
    }
    if (tick % 50 == 0) {
      last = share.videoBudget(kBudget, now);
    }
  }
  return last;
}

}  // namespace

TEST_CASE("Without repair the layers get the whole budget", "[server][repair]") {
  RepairShare share(0.25);
  Clock::TimePoint now{1s};
  CHECK(run(share, now, 5, 100'000, 0) == kBudget);
  CHECK(share.share() == 0);
}

TEST_CASE("Repair at 8 % of the video is kept free, reached over a few plans", "[server][repair]") {
  RepairShare share(0.25);
  Clock::TimePoint now{1s};
  run(share, now, 2, 100'000, 0);  // a clean start: the meters hold a full second
  // The first plan after the loss starts moves only part of the way.
  const auto first = run(share, now, 1, 100'000, 8'000);
  CHECK(first < kBudget);
  CHECK(first > static_cast<std::uint64_t>(kBudget / 1.08) + 10'000);
  // After a few seconds: layers and their repair together within the budget.
  const auto settled = run(share, now, 8, 100'000, 8'000);
  CHECK(settled == Approx(kBudget / 1.08).epsilon(0.005));
  CHECK(share.share() == Approx(0.08).epsilon(0.03));
}

TEST_CASE("Repair beyond the repair budget's share counts only up to it", "[server][repair]") {
  RepairShare share(0.25);
  Clock::TimePoint now{1s};
  // A receiver asking for half its video again (the server would not send
  // it: the repair budget stops at a quarter).
  const auto settled = run(share, now, 10, 100'000, 50'000);
  CHECK(settled == Approx(kBudget / 1.25).epsilon(0.01));
}

TEST_CASE("A pause keeps the share, and the end of the loss gives the room back",
          "[server][repair]") {
  RepairShare share(0.25);
  Clock::TimePoint now{1s};
  run(share, now, 8, 100'000, 10'000);
  const double lossy = share.share();
  CHECK(lossy == Approx(0.10).epsilon(0.03));
  // No video for three seconds (a screen share paused): nothing to measure
  // once the meters' last second is empty, so the share stays.
  run(share, now, 3, 0, 0);
  CHECK(share.share() == Approx(lossy).epsilon(0.05));
  // Video again, clean: the share decays and the budget comes back.
  const auto clean = run(share, now, 10, 100'000, 0);
  CHECK(share.share() < 0.001);
  CHECK(clean > kBudget - 1'000);
}
