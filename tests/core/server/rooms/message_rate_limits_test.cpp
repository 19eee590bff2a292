#include "core/server/rooms/message_rate_limits.h"

#include <catch2/catch.hpp>

#include "tests/fakes/fake_clock.h"

using namespace std::chrono_literals;
using parley::server::MessageKind;
using parley::server::MessageRateLimits;
using parley::testing::FakeClock;
using Verdict = MessageRateLimits::Verdict;

namespace {

MessageRateLimits::Limits small() {
  return MessageRateLimits::Limits{.chat_per_s = 2,
                                   .chat_burst = 3,
                                   .presence_per_s = 1,
                                   .presence_burst = 1,
                                   .signal_per_s = 10,
                                   .signal_burst = 5,
                                   .disconnect_after = 0};
}

int allowed(MessageRateLimits& limits, MessageKind kind, int tries) {
  int n = 0;
  for (int i = 0; i < tries; ++i) {
    n += limits.admit(kind) == Verdict::Allow ? 1 : 0;
  }
  return n;
}

}  // namespace

TEST_CASE("message limits let a burst through, then the refill rate", "[server][rate_limits]") {
  FakeClock clock;
  MessageRateLimits limits(clock, small());
  CHECK(allowed(limits, MessageKind::Chat, 10) == 3);  // the burst
  clock.advance(500ms);                                // 2 a second: one more
  CHECK(allowed(limits, MessageKind::Chat, 10) == 1);
  clock.advance(250ms);  // half a token: not yet
  CHECK(allowed(limits, MessageKind::Chat, 1) == 0);
  clock.advance(250ms);  // the fractions add up
  CHECK(allowed(limits, MessageKind::Chat, 1) == 1);
  // A long silence fills the bucket to its burst, no further.
  clock.advance(24h);
  CHECK(allowed(limits, MessageKind::Chat, 10) == 3);
}

TEST_CASE("message limits keep kinds apart", "[server][rate_limits]") {
  FakeClock clock;
  MessageRateLimits limits(clock, small());
  CHECK(allowed(limits, MessageKind::Chat, 10) == 3);
  // Chat used up does not hold back presence or signalling.
  CHECK(allowed(limits, MessageKind::Presence, 10) == 1);
  CHECK(allowed(limits, MessageKind::Signal, 10) == 5);
}

TEST_CASE("message limits disconnect only a run of refusals far past the limit",
          "[server][rate_limits]") {
  FakeClock clock;
  auto config = small();
  config.disconnect_after = 4;
  MessageRateLimits limits(clock, config);
  CHECK(allowed(limits, MessageKind::Chat, 3) == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(limits.admit(MessageKind::Chat) == Verdict::OverLimit);
  }
  // One let through ends the run: a steady sender at the limit is not a flooder.
  clock.advance(500ms);
  CHECK(limits.admit(MessageKind::Chat) == Verdict::Allow);
  for (int i = 0; i < 3; ++i) {
    CHECK(limits.admit(MessageKind::Chat) == Verdict::OverLimit);
  }
  CHECK(limits.admit(MessageKind::Chat) == Verdict::Disconnect);
}
