// ReturnAddress on virtual time: an address is used only after its check is
// answered; one check is outstanding at a time, resent at most every
// kResend to the same address, and expires after kLifetime.

#include <catch2/catch.hpp>

#include "core/server/media/return_address.h"

using namespace parley;
using namespace parley::server;
using asio::ip::udp;

namespace {

udp::endpoint at(const char* address, std::uint16_t port) {
  return {asio::ip::make_address(address), port};
}

}  // namespace

TEST_CASE("an address is confirmed only by the answer to its own check", "[server][media]") {
  ReturnAddress ra;
  const Clock::TimePoint t0{std::chrono::hours(1)};
  const auto first = at("127.0.0.1", 4000);
  const auto other = at("127.0.0.2", 4000);
  CHECK_FALSE(ra.hasAddress());
  CHECK_FALSE(ra.confirmed(first));  // the first address of a leg needs the check too

  auto nonce = ra.checkFor(first, t0);
  REQUIRE(nonce);
  CHECK_FALSE(ra.answer(other, *nonce, t0));      // right nonce, wrong address
  CHECK_FALSE(ra.answer(first, *nonce + 1, t0));  // right address, wrong nonce
  CHECK_FALSE(ra.hasAddress());
  CHECK(ra.answer(first, *nonce, t0));
  CHECK(ra.confirmed(first));
  CHECK_FALSE(ra.answer(first, *nonce, t0));  // answered once; a replay of it counts for nothing

  // A new address: the old one stays in use until the new one answers.
  auto second = ra.checkFor(other, t0);
  REQUIRE(second);
  CHECK(ra.confirmed(first));
  CHECK_FALSE(ra.confirmed(other));
  CHECK(ra.answer(other, *second, t0 + std::chrono::milliseconds(300)));
  CHECK(ra.confirmed(other));
  CHECK_FALSE(ra.confirmed(first));
}

TEST_CASE("checks are limited to one outstanding, resent slowly, and expire", "[server][media]") {
  ReturnAddress ra;
  const Clock::TimePoint t0{std::chrono::hours(1)};
  const auto a = at("127.0.0.2", 4000);
  const auto b = at("127.0.0.3", 4000);
  auto nonce = ra.checkFor(a, t0);
  REQUIRE(nonce);
  CHECK_FALSE(ra.checkFor(a, t0));                           // no burst
  CHECK_FALSE(ra.checkFor(b, t0 + ReturnAddress::kResend));  // another address waits
  auto again = ra.checkFor(a, t0 + ReturnAddress::kResend);  // the same check, resent
  REQUIRE(again);
  CHECK(*again == *nonce);
  CHECK_FALSE(ra.checkFor(a, t0 + ReturnAddress::kResend * 3 / 2));

  // Expired: its answer no longer counts, and another address may be checked.
  const auto late = t0 + ReturnAddress::kLifetime;
  CHECK_FALSE(ra.answer(a, *nonce, late));
  auto for_b = ra.checkFor(b, late);
  REQUIRE(for_b);
  CHECK_FALSE(ra.answer(a, *nonce, late));
  CHECK(ra.answer(b, *for_b, late));
  CHECK(ra.confirmed(b));
}
