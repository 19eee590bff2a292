// SpeakerSelection on virtual time: at most N voices forwarded, the loudest;
// a newcomer must be louder by the margin for the hold before it replaces
// the quietest; packets without a level always go through.

#include <catch2/catch.hpp>

#include "core/server/media/speaker_selection.h"

using namespace parley;
using namespace parley::server;
using media::AudioLevel;

namespace {

constexpr auto kFrame = std::chrono::milliseconds(20);

AudioLevel speaking(std::uint8_t dbov) { return AudioLevel{dbov, true}; }

// Every stream in `levels` sends one packet per 20 ms for `duration`;
// returns how many packets of each were forwarded.
std::vector<int> talk(SpeakerSelection& s, Clock::TimePoint& now,
                      const std::vector<std::optional<AudioLevel>>& levels,
                      std::chrono::milliseconds duration) {
  std::vector<int> forwarded(levels.size(), 0);
  for (auto t = std::chrono::milliseconds(0); t < duration; t += kFrame) {
    for (std::size_t i = 0; i < levels.size(); ++i) {
      if (s.onPacket(i, levels[i], now)) {
        ++forwarded[i];
      }
    }
    now += kFrame;
  }
  return forwarded;
}

}  // namespace

TEST_CASE("a room with at most N speakers forwards all of them", "[server][media]") {
  SpeakerSelection s(3);
  Clock::TimePoint now{std::chrono::hours(1)};
  const auto forwarded =
      talk(s, now, {speaking(20), speaking(60), AudioLevel{127, false}}, std::chrono::seconds(1));
  CHECK(forwarded == std::vector<int>{50, 50, 50});
}

TEST_CASE("only the N loudest of many speakers are forwarded", "[server][media]") {
  SpeakerSelection s(3);
  Clock::TimePoint now{std::chrono::hours(1)};
  // Streams 0-4 murmur at -70 dBov; 5, 6, 7 speak at -20. The first three
  // murmurs fill the places, the speakers take them within the first 140 ms.
  std::vector<std::optional<AudioLevel>> levels(8, speaking(70));
  levels[5] = levels[6] = levels[7] = speaking(20);
  (void)talk(s, now, levels, std::chrono::milliseconds(200));
  const auto forwarded = talk(s, now, levels, std::chrono::seconds(1));
  CHECK(forwarded == std::vector<int>{0, 0, 0, 0, 0, 50, 50, 50});
}

TEST_CASE("a newly loud speaker is switched in within 200 ms", "[server][media]") {
  SpeakerSelection s(2);
  Clock::TimePoint now{std::chrono::hours(1)};
  std::vector<std::optional<AudioLevel>> levels{speaking(30), speaking(40), speaking(90)};
  (void)talk(s, now, levels, std::chrono::seconds(2));
  CHECK_FALSE(s.isSelected(2));
  levels[2] = speaking(10);  // starts talking, loudly
  const auto start = now;
  while (!s.isSelected(2) && now - start < std::chrono::seconds(1)) {
    (void)talk(s, now, levels, kFrame);
  }
  CHECK(now - start <= std::chrono::milliseconds(200));
  CHECK(s.isSelected(0));  // the louder of the two it competed with stays
  CHECK_FALSE(s.isSelected(1));
}

TEST_CASE("speakers of about the same loudness do not flap", "[server][media]") {
  SpeakerSelection s(1);
  Clock::TimePoint now{std::chrono::hours(1)};
  // Two speakers alternate 4 dB apart every 100 ms: within the margin.
  int switches = 0;
  bool first_selected = true;
  (void)talk(s, now, {speaking(30), speaking(30)}, std::chrono::milliseconds(100));
  for (int round = 0; round < 20; ++round) {
    const bool odd = round % 2 == 1;
    (void)talk(s, now, {speaking(odd ? 34 : 30), speaking(odd ? 30 : 34)},
               std::chrono::milliseconds(100));
    if (s.isSelected(0) != first_selected) {
      ++switches;
      first_selected = s.isSelected(0);
    }
  }
  CHECK(switches == 0);
}

TEST_CASE("a short burst louder than the margin does not switch", "[server][media]") {
  SpeakerSelection s(1);
  Clock::TimePoint now{std::chrono::hours(1)};
  (void)talk(s, now, {speaking(40), speaking(60)}, std::chrono::seconds(1));
  REQUIRE(s.isSelected(0));
  // One 20 ms click on stream 1, then back to murmur: shorter than the hold.
  (void)talk(s, now, {speaking(40), speaking(0)}, kFrame);
  (void)talk(s, now, {speaking(40), speaking(60)}, std::chrono::milliseconds(200));
  CHECK(s.isSelected(0));
}

TEST_CASE("a selected speaker that goes quiet (DTX) is replaced", "[server][media]") {
  SpeakerSelection s(1);
  Clock::TimePoint now{std::chrono::hours(1)};
  (void)talk(s, now, {speaking(20)}, std::chrono::seconds(1));
  REQUIRE(s.isSelected(0));
  // Stream 0 stops sending (DTX); stream 1 speaks more quietly than 0 did.
  now += SpeakerSelection::kSilentAfter;
  std::vector<std::optional<AudioLevel>> levels{std::nullopt, speaking(50)};
  int forwarded = 0;
  for (int i = 0; i < 10; ++i) {
    forwarded += s.onPacket(1, levels[1], now) ? 1 : 0;
    now += kFrame;
  }
  CHECK(s.isSelected(1));
  CHECK(forwarded >= 4);
}

TEST_CASE("packets without a level are always forwarded and take no place", "[server][media]") {
  SpeakerSelection s(1);
  Clock::TimePoint now{std::chrono::hours(1)};
  const auto forwarded = talk(s, now, {std::nullopt, std::nullopt, speaking(20), speaking(60)},
                              std::chrono::seconds(1));
  CHECK(forwarded[0] == 50);
  CHECK(forwarded[1] == 50);
  CHECK(forwarded[2] == 50);
  CHECK(forwarded[3] == 0);
  CHECK(s.selected() == std::vector<std::uint64_t>{2});
}

TEST_CASE("a speaker who leaves frees the place", "[server][media]") {
  SpeakerSelection s(1);
  Clock::TimePoint now{std::chrono::hours(1)};
  (void)talk(s, now, {speaking(20), speaking(60)}, std::chrono::milliseconds(500));
  s.remove(0);
  CHECK(s.onPacket(1, speaking(60), now));
  CHECK(s.selected() == std::vector<std::uint64_t>{1});
}

TEST_CASE("max_speakers 0 forwards everything", "[server][media]") {
  SpeakerSelection s(0);
  Clock::TimePoint now{std::chrono::hours(1)};
  const auto forwarded =
      talk(s, now, {speaking(20), speaking(60), speaking(90)}, std::chrono::seconds(1));
  CHECK(forwarded == std::vector<int>{50, 50, 50});
}
