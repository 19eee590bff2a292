#include "core/server/accounts/account_backoff.h"

#include <catch2/catch.hpp>

#include "tests/fakes/fake_clock.h"

using namespace std::chrono_literals;
using parley::server::AccountBackoff;
using parley::testing::FakeClock;

namespace {
const AccountBackoff::Policy kPolicy{.slow_after = 3,
                                     .first_delay = 100ms,
                                     .max_delay = 1000ms,
                                     .forget_after = 60s};
}  // namespace

TEST_CASE("account backoff slows after the threshold, doubling up to the cap, never more",
          "[server][account_backoff]") {
  FakeClock clock;
  AccountBackoff backoff(clock, kPolicy);
  CHECK(backoff.delayFor("alice") == 0ms);
  for (int i = 0; i < 2; ++i) {
    backoff.recordFailure("alice");
  }
  CHECK(backoff.delayFor("alice") == 0ms);  // below slow_after
  const std::vector<std::chrono::milliseconds> expected = {100ms, 200ms,  400ms,
                                                           800ms, 1000ms, 1000ms};
  for (const auto want : expected) {
    backoff.recordFailure("alice");
    CHECK(backoff.delayFor("alice") == want);
  }
  // Thousands of failures from everywhere: still only the cap (slowed, never locked).
  for (int i = 0; i < 5000; ++i) {
    backoff.recordFailure("alice");
  }
  CHECK(backoff.delayFor("alice") == 1000ms);
}

TEST_CASE("account backoff forgets an account left alone, and keeps accounts apart",
          "[server][account_backoff]") {
  FakeClock clock;
  AccountBackoff backoff(clock, kPolicy);
  for (int i = 0; i < 10; ++i) {
    backoff.recordFailure("alice");
  }
  CHECK(backoff.delayFor("alice") == 1000ms);
  // Two other accounts cannot both share alice's slot (1 in 4096 each, under
  // a random key), so at least one of them is not slowed.
  CHECK((backoff.delayFor("bob") == 0ms || backoff.delayFor("carol") == 0ms));

  clock.advance(61s);
  CHECK(backoff.delayFor("alice") == 0ms);
  // The next failure starts a new count rather than continuing the old one.
  backoff.recordFailure("alice");
  CHECK(backoff.delayFor("alice") == 0ms);
}
