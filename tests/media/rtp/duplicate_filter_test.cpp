// DuplicateFilter: the second copy of a packet (from the other path) is
// dropped, new and reordered packets pass once, sequence numbers wrap, and
// packets older than the window count as seen.

#include <catch2/catch.hpp>

#include "media/rtp/duplicate_filter.h"

using parley::media::DuplicateFilter;

TEST_CASE("each packet passes once, whichever path brings it first") {
  DuplicateFilter filter;
  CHECK_FALSE(filter.seen(1, 100));
  CHECK(filter.seen(1, 100));
  CHECK_FALSE(filter.seen(1, 101));
  CHECK_FALSE(filter.seen(2, 100));  // another stream
  CHECK_FALSE(filter.seen(1, 99));   // late, first copy
  CHECK(filter.seen(1, 99));
  CHECK_FALSE(filter.seen(1, 105));  // a gap
  CHECK_FALSE(filter.seen(1, 103));  // filled later
  CHECK(filter.seen(1, 105));
}

TEST_CASE("sequence numbers wrap") {
  DuplicateFilter filter;
  CHECK_FALSE(filter.seen(7, 65534));
  CHECK_FALSE(filter.seen(7, 65535));
  CHECK_FALSE(filter.seen(7, 0));
  CHECK_FALSE(filter.seen(7, 1));
  CHECK(filter.seen(7, 65535));
  CHECK(filter.seen(7, 0));
}

TEST_CASE("two interleaved copies of a long stream: every packet exactly once") {
  DuplicateFilter filter;
  int passed = 0;
  for (int i = 0; i < 70000; ++i) {
    const auto seq = static_cast<std::uint16_t>(i);
    passed += filter.seen(3, seq) ? 0 : 1;
    if (i >= 5) {
      // The slower path delivers the same packet five packets later.
      CHECK_FALSE(!filter.seen(3, static_cast<std::uint16_t>(i - 5)));
    }
  }
  CHECK(passed == 70000);
}

TEST_CASE("older than the window counts as seen, the slots a jump skips are free") {
  DuplicateFilter filter;
  CHECK_FALSE(filter.seen(4, 1000));
  CHECK_FALSE(filter.seen(4, 1000 + 2000));
  CHECK(filter.seen(4, 1000));        // 2000 behind: outside the window
  CHECK_FALSE(filter.seen(4, 2999));  // inside, never seen
  CHECK_FALSE(filter.seen(4, 2000));  // the slot 1000 used is clear again
}

TEST_CASE("the number of streams is bounded") {
  DuplicateFilter filter;
  for (std::uint32_t ssrc = 0; ssrc < 1000; ++ssrc) {
    CHECK_FALSE(filter.seen(ssrc, 1));
  }
  CHECK_FALSE(filter.seen(0, 1));  // forgotten long ago: passes again
}
