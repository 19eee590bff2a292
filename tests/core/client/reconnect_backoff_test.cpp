#include "core/client/reconnect_backoff.h"

#include <catch2/catch.hpp>
#include <vector>

using namespace std::chrono_literals;
using parley::client::BackoffPolicy;
using parley::client::ReconnectBackoff;

TEST_CASE("backoff doubles from 250 ms up to 10 s without jitter", "[client][backoff]") {
  ReconnectBackoff backoff;
  const std::vector<std::chrono::milliseconds> expected{250ms,  500ms,  1000ms,  2000ms,
                                                        4000ms, 8000ms, 10000ms, 10000ms};
  for (auto want : expected) {
    CHECK(backoff.next(0.5) == want);
  }
  CHECK(backoff.attempts() == 8);
}

TEST_CASE("backoff jitter stays within +-20%", "[client][backoff]") {
  struct Case {
    double random;
    std::chrono::milliseconds first;
  };
  const std::vector<Case> cases{{0.0, 200ms}, {0.25, 225ms}, {0.5, 250ms},
                                {1.0, 300ms}, {-3.0, 200ms}, {7.0, 300ms}};
  for (const auto& c : cases) {
    ReconnectBackoff backoff;
    INFO("random " << c.random);
    CHECK(backoff.next(c.random) == c.first);
    CHECK(backoff.nominal() == 500ms);  // jitter does not change the growth
  }
  ReconnectBackoff capped;
  for (int i = 0; i < 20; ++i) {
    (void)capped.next(0.5);
  }
  CHECK(capped.next(1.0) == 12000ms);
  CHECK(capped.next(0.0) == 8000ms);
}

TEST_CASE("backoff reset starts small again", "[client][backoff]") {
  ReconnectBackoff backoff(BackoffPolicy{100ms, 3.0, 1000ms, 0.0});
  CHECK(backoff.next(0.9) == 100ms);
  CHECK(backoff.next(0.9) == 300ms);
  CHECK(backoff.next(0.9) == 900ms);
  CHECK(backoff.next(0.9) == 1000ms);
  backoff.reset();
  CHECK(backoff.next(0.9) == 100ms);
}
