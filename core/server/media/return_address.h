#pragma once
// ReturnAddress: where the server sends one participant's UDP media, and the
// check that moves it. An authenticated packet proves who sent it, not where
// the answer would go: a member (or anyone replaying its packets first)
// could put a third party's address as the source and have the room's
// downlink sent there. So an address is used only after the client answered
// a check sent to it (net/media_transport/address_check.h), as ICE consent
// freshness does; until then the downlink keeps going where it went before.
//
// One check is outstanding at a time, for one address; it is resent to that
// same address (same nonce) at most every kResend, and expires after
// kLifetime, after which another address may get one. So a leg costs at
// most a few checks a second, whatever arrives.
//
// Threads: plain data, owned by the router's Leg, used on the media strand.

#include <chrono>
#include <cstdint>
#include <optional>

#include <asio/ip/udp.hpp>

#include "core/base/clock.h"

namespace parley::server {

class ReturnAddress {
 public:
  static constexpr auto kResend = std::chrono::milliseconds(250);
  static constexpr auto kLifetime = std::chrono::seconds(2);

  // True when `from` is the confirmed address.
  [[nodiscard]] bool confirmed(const asio::ip::udp::endpoint& from) const {
    return has_address_ && from == address_;
  }
  [[nodiscard]] bool hasAddress() const { return has_address_; }
  [[nodiscard]] const asio::ip::udp::endpoint& address() const { return address_; }

  // An authenticated packet came from `from`, which is not confirmed: the
  // nonce to send there now, or nullopt when the limits above say wait.
  std::optional<std::uint64_t> checkFor(const asio::ip::udp::endpoint& from, Clock::TimePoint now);

  // An answer carrying `nonce` came from `from`. True (and `from` becomes
  // the address) only when it matches the outstanding check: same nonce,
  // same address, not expired.
  bool answer(const asio::ip::udp::endpoint& from, std::uint64_t nonce, Clock::TimePoint now);

  // For benchmarks that inject datagrams without a socket to answer from.
  void confirmForTest(const asio::ip::udp::endpoint& address) {
    has_address_ = true;
    address_ = address;
  }

 private:
  struct Check {
    asio::ip::udp::endpoint to;
    std::uint64_t nonce = 0;
    Clock::TimePoint first_sent{};
    Clock::TimePoint last_sent{};
  };
  bool has_address_ = false;
  asio::ip::udp::endpoint address_;
  std::optional<Check> outstanding_;
};

}  // namespace parley::server
