#include "core/server/accounts/rate_limiter.h"

#include <catch2/catch.hpp>
#include <vector>

#include "tests/fakes/fake_clock.h"

using namespace std::chrono_literals;
using parley::server::RateLimiter;
using parley::testing::FakeClock;

namespace {

// One step of a scenario: advance the clock, then act on `key`.
enum class Act { Check, Fail, Succeed, Forgive };
struct Step {
  std::chrono::milliseconds advance;
  Act act;
  std::string key;
  // For Check: expected wait (0 = allowed).
  std::chrono::milliseconds expect_wait{0};
};

struct Case {
  const char* name;
  RateLimiter::Policy policy;
  std::vector<Step> steps;
};

}  // namespace

TEST_CASE("rate limiter follows the backoff table on virtual time", "[server][rate_limiter]") {
  const RateLimiter::Policy p3{3, 10s, 100000, 3600s};
  const std::vector<Case> cases = {
      {"fresh key is allowed", p3, {{0ms, Act::Check, "user:a", 0ms}}},
      {"failures below the free allowance do not lock",
       p3,
       {{0ms, Act::Fail, "user:a"}, {0ms, Act::Fail, "user:a"}, {0ms, Act::Check, "user:a", 0ms}}},
      {"at max_failures the wait is 1 s after the last failure",
       p3,
       {{0ms, Act::Fail, "user:a"},
        {0ms, Act::Fail, "user:a"},
        {0ms, Act::Fail, "user:a"},
        {0ms, Act::Check, "user:a", 1000ms},
        {400ms, Act::Check, "user:a", 600ms},
        {600ms, Act::Check, "user:a", 0ms}}},
      {"each further failure doubles the wait",
       p3,
       {{0ms, Act::Fail, "user:a"},
        {0ms, Act::Fail, "user:a"},
        {0ms, Act::Fail, "user:a"},
        {1000ms, Act::Fail, "user:a"},
        {0ms, Act::Check, "user:a", 2000ms},
        {2000ms, Act::Fail, "user:a"},
        {0ms, Act::Check, "user:a", 4000ms}}},
      {"the wait is capped at lockout_max",
       p3,
       {{0ms, Act::Fail, "user:a"},
        {0ms, Act::Fail, "user:a"},
        {0ms, Act::Fail, "user:a"},
        {0ms, Act::Fail, "user:a"},
        {0ms, Act::Fail, "user:a"},
        {0ms, Act::Fail, "user:a"},
        {0ms, Act::Fail, "user:a"},
        {0ms, Act::Fail, "user:a"},
        {0ms, Act::Check, "user:a", 10000ms},
        {10000ms, Act::Check, "user:a", 0ms}}},
      {"a success clears the key",
       p3,
       {{0ms, Act::Fail, "user:a"},
        {0ms, Act::Fail, "user:a"},
        {0ms, Act::Fail, "user:a"},
        {0ms, Act::Succeed, "user:a"},
        {0ms, Act::Check, "user:a", 0ms}}},
      {"forgiving a failure undoes it",
       p3,
       {{0ms, Act::Fail, "addr:x"},
        {0ms, Act::Fail, "addr:x"},
        {0ms, Act::Fail, "addr:x"},
        {0ms, Act::Forgive, "addr:x"},
        {0ms, Act::Check, "addr:x", 0ms},
        {0ms, Act::Forgive, "addr:x"},
        {0ms, Act::Forgive, "addr:x"},
        {0ms, Act::Forgive, "addr:x"},
        {0ms, Act::Check, "addr:x", 0ms}}},
      {"keys are independent",
       p3,
       {{0ms, Act::Fail, "addr:1.2.3.4"},
        {0ms, Act::Fail, "addr:1.2.3.4"},
        {0ms, Act::Fail, "addr:1.2.3.4"},
        {0ms, Act::Check, "user:a", 0ms},
        {0ms, Act::Check, "addr:1.2.3.4", 1000ms}}},
      {"lockout_first sets the first wait, doubled up to the cap",
       RateLimiter::Policy{2, 25s, 100000, 3600s, 10s},
       {{0ms, Act::Fail, "user:a"},
        {0ms, Act::Fail, "user:a"},
        {0ms, Act::Check, "user:a", 10000ms},
        {0ms, Act::Fail, "user:a"},
        {0ms, Act::Check, "user:a", 20000ms},
        {0ms, Act::Fail, "user:a"},
        {0ms, Act::Check, "user:a", 25000ms}}},
      {"max_failures 0 locks from the first failure (2^1 s)",
       RateLimiter::Policy{0, 300s, 100000, 3600s},
       {{0ms, Act::Fail, "user:a"}, {0ms, Act::Check, "user:a", 2000ms}}},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      FakeClock clock;
      RateLimiter limiter(clock, c.policy);
      for (std::size_t i = 0; i < c.steps.size(); ++i) {
        const auto& step = c.steps[i];
        clock.advance(step.advance);
        switch (step.act) {
          case Act::Fail:
            limiter.recordFailure(step.key);
            break;
          case Act::Succeed:
            limiter.recordSuccess(step.key);
            break;
          case Act::Forgive:
            limiter.forgiveFailure(step.key);
            break;
          case Act::Check: {
            INFO("step " << i);
            const auto wait = limiter.check(step.key);
            if (step.expect_wait == 0ms) {
              CHECK_FALSE(wait.has_value());
            } else {
              REQUIRE(wait.has_value());
              CHECK(*wait == step.expect_wait);
            }
            break;
          }
        }
      }
    }
  }
}

TEST_CASE("rate limiter memory is bounded", "[server][rate_limiter]") {
  FakeClock clock;
  RateLimiter limiter(clock, RateLimiter::Policy{5, 300s, 100, 3600s});
  for (int i = 0; i < 1000; ++i) {
    limiter.recordFailure("addr:" + std::to_string(i));
  }
  CHECK(limiter.sizeForTest() <= 100);
  // Idle keys are forgotten once the map is full again.
  clock.advance(2h);
  limiter.recordFailure("addr:new");
  CHECK(limiter.sizeForTest() == 1);
}
