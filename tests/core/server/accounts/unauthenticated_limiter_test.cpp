#include "core/server/accounts/unauthenticated_limiter.h"

#include <catch2/catch.hpp>
#include <vector>

using parley::server::UnauthenticatedLimiter;
using namespace std::chrono_literals;

namespace {

asio::ip::address addr(const char* text) { return asio::ip::make_address(text); }

}  // namespace

TEST_CASE("unauthenticated limiter: IPv4 by address, IPv6 by /64", "[server][unauthenticated]") {
  CHECK(UnauthenticatedLimiter::sourceOf(addr("192.0.2.7")) == "192.0.2.7");
  CHECK(UnauthenticatedLimiter::sourceOf(addr("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::/64");
  CHECK(UnauthenticatedLimiter::sourceOf(addr("2001:db8:1:2:bbbb::9")) == "2001:db8:1:2::/64");
  CHECK(UnauthenticatedLimiter::sourceOf(addr("2001:db8:1:3::1")) == "2001:db8:1:3::/64");
  CHECK(UnauthenticatedLimiter::sourceOf(addr("::ffff:192.0.2.7")) == "192.0.2.7");
}

TEST_CASE("unauthenticated limiter: caps per source and in total, tickets give back",
          "[server][unauthenticated]") {
  auto limiter = UnauthenticatedLimiter::create({.per_source = 2, .total = 3});
  std::vector<UnauthenticatedLimiter::Ticket> held;
  for (int i = 0; i < 2; ++i) {
    auto a = limiter->admit(addr("2001:db8::1"));
    REQUIRE_FALSE(a.refused);
    held.push_back(std::move(a.ticket));
  }
  // Another address in the same /64 is the same source.
  auto same = limiter->admit(addr("2001:db8::ffff"));
  REQUIRE(same.refused);
  CHECK(*same.refused == UnauthenticatedLimiter::Refusal::PerSource);
  CHECK_FALSE(same.ticket.held());

  auto other = limiter->admit(addr("192.0.2.1"));
  REQUIRE_FALSE(other.refused);
  CHECK(limiter->total() == 3);
  auto full = limiter->admit(addr("192.0.2.2"));
  REQUIRE(full.refused);
  CHECK(*full.refused == UnauthenticatedLimiter::Refusal::Total);

  held.front().release();
  held.front().release();  // twice gives back once
  CHECK(limiter->fromSource("2001:db8::/64") == 1);
  other.ticket = {};  // a moved-over ticket gives back too
  CHECK(limiter->total() == 1);
  held.clear();
  CHECK(limiter->total() == 0);
  CHECK_FALSE(limiter->admit(addr("2001:db8::1")).refused);
}

TEST_CASE("unauthenticated limiter: a refusal is logged once per source and interval",
          "[server][unauthenticated]") {
  auto limiter = UnauthenticatedLimiter::create(
      {.per_source = 1, .total = 10, .log_interval = 60s, .max_logged_sources = 2});
  const parley::Clock::TimePoint t0{};
  CHECK(limiter->logRefusal("192.0.2.1", t0).log);
  CHECK_FALSE(limiter->logRefusal("192.0.2.1", t0 + 1s).log);
  CHECK_FALSE(limiter->logRefusal("192.0.2.1", t0 + 59s).log);
  auto again = limiter->logRefusal("192.0.2.1", t0 + 60s);
  CHECK(again.log);
  CHECK(again.suppressed == 2);

  CHECK(limiter->logRefusal("192.0.2.2", t0 + 60s).log);
  // Two sources remembered: a third shares one line with every other.
  auto third = limiter->logRefusal("192.0.2.3", t0 + 61s);
  CHECK(third.log);
  CHECK(third.source == "other sources");
  CHECK_FALSE(limiter->logRefusal("192.0.2.4", t0 + 62s).log);
  // Once the remembered ones expire, a new source gets its own line again.
  auto later = limiter->logRefusal("192.0.2.5", t0 + 200s);
  CHECK(later.log);
  CHECK(later.source == "192.0.2.5");
}
