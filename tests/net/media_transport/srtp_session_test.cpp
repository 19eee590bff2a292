// SrtpSession: AES-256-GCM protect/unprotect round trips, and every way a
// stranger's packet can be wrong (bad tag, replay, wrong key, truncated)
// gives SrtpFailed without touching the session's state.

#include <catch2/catch.hpp>

#include <numeric>

#include "net/media_transport/srtp_session.h"

using namespace parley;
using namespace parley::net;

namespace {

std::vector<std::byte> keying(std::uint8_t seed) {
  std::vector<std::byte> bytes(kMediaKeyingBytes);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<std::byte>((seed + i * 7) & 0xff);
  }
  return bytes;
}

std::vector<std::byte> rtp(std::uint16_t seq, std::uint32_t ssrc, std::size_t payload = 100) {
  std::vector<std::byte> p(12 + payload);
  p[0] = std::byte{0x80};
  p[1] = std::byte{111};
  p[2] = static_cast<std::byte>(seq >> 8);
  p[3] = static_cast<std::byte>(seq & 0xff);
  p[8] = static_cast<std::byte>(ssrc >> 24);
  p[9] = static_cast<std::byte>(ssrc >> 16);
  p[10] = static_cast<std::byte>(ssrc >> 8);
  p[11] = static_cast<std::byte>(ssrc);
  for (std::size_t i = 12; i < p.size(); ++i) {
    p[i] = static_cast<std::byte>(i & 0xff);
  }
  return p;
}

std::vector<std::byte> rtcpReceiverReport(std::uint32_t ssrc) {
  return {std::byte{0x80},
          std::byte{201},
          std::byte{0},
          std::byte{1},
          static_cast<std::byte>(ssrc >> 24),
          static_cast<std::byte>(ssrc >> 16),
          static_cast<std::byte>(ssrc >> 8),
          static_cast<std::byte>(ssrc)};
}

struct Leg {
  SrtpSession out;
  SrtpSession in;
};

Leg makeLeg(std::uint8_t seed) {
  auto keys = splitMediaKeys(keying(seed));
  REQUIRE(keys);
  auto out = SrtpSession::create(SrtpSession::Direction::Outbound, keys->client_write);
  auto in = SrtpSession::create(SrtpSession::Direction::Inbound, keys->client_write);
  REQUIRE(out);
  REQUIRE(in);
  return {std::move(*out), std::move(*in)};
}

}  // namespace

TEST_CASE("the exporter output is cut in RFC 5764 order", "[srtp]") {
  auto bytes = keying(1);
  auto keys = splitMediaKeys(bytes);
  REQUIRE(keys);
  CHECK(keys->client_write.key_and_salt[0] == bytes[0]);
  CHECK(keys->server_write.key_and_salt[0] == bytes[32]);
  CHECK(keys->client_write.key_and_salt[32] == bytes[64]);
  CHECK(keys->server_write.key_and_salt[32] == bytes[76]);
  CHECK_FALSE(splitMediaKeys(std::span(bytes).first(87)));
}

TEST_CASE("SRTP and SRTCP round trip with AES-256-GCM", "[srtp]") {
  auto leg = makeLeg(3);
  const auto plain = rtp(1, 0x11);
  auto packet = plain;
  REQUIRE(leg.out.protectRtp(packet));
  CHECK(packet.size() == plain.size() + 16);                                      // the GCM tag
  CHECK_FALSE(std::equal(plain.begin() + 12, plain.end(), packet.begin() + 12));  // encrypted
  auto n = leg.in.unprotectRtp(packet);
  REQUIRE(n);
  REQUIRE(*n == plain.size());
  CHECK(std::equal(plain.begin(), plain.end(), packet.begin()));

  auto rtcp = rtcpReceiverReport(0x11);
  const auto rtcp_plain = rtcp;
  REQUIRE(leg.out.protectRtcp(rtcp));
  auto m = leg.in.unprotectRtcp(rtcp);
  REQUIRE(m);
  CHECK(std::equal(rtcp_plain.begin(), rtcp_plain.end(), rtcp.begin()));
}

TEST_CASE("forged, replayed, mis-keyed and truncated packets are refused", "[srtp]") {
  auto leg = makeLeg(5);
  auto first = rtp(10, 0x22);
  REQUIRE(leg.out.protectRtp(first));
  const auto sent = first;

  SECTION("a flipped bit fails the tag") {
    auto tampered = sent;
    tampered[20] ^= std::byte{0x01};
    auto r = leg.in.unprotectRtp(tampered);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::SrtpFailed);
    // The genuine packet still passes afterwards: the session was not harmed.
    auto genuine = sent;
    CHECK(leg.in.unprotectRtp(genuine));
  }
  SECTION("the same packet twice is a replay") {
    auto once = sent;
    REQUIRE(leg.in.unprotectRtp(once));
    auto twice = sent;
    auto r = leg.in.unprotectRtp(twice);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().detail, Catch::Contains("replay"));
  }
  SECTION("another leg's keys do not open it") {
    auto other = makeLeg(6);
    auto copy = sent;
    CHECK_FALSE(other.in.unprotectRtp(copy));
  }
  SECTION("truncated packets are refused") {
    for (std::size_t len : {0, 1, 11, 12, 27}) {
      std::vector<std::byte> cut(sent.begin(), sent.begin() + static_cast<std::ptrdiff_t>(len));
      CHECK_FALSE(leg.in.unprotectRtp(cut));
    }
  }
  SECTION("an absurd size is refused before libsrtp sees it") {
    std::vector<std::byte> huge(70000, std::byte{0x80});
    CHECK_FALSE(leg.in.unprotectRtp(huge));
  }
  SECTION("an inbound session cannot protect, an outbound one cannot unprotect") {
    auto p = rtp(11, 0x22);
    CHECK_FALSE(leg.in.protectRtp(p));
    auto copy = sent;
    CHECK_FALSE(leg.out.unprotectRtp(copy));
  }
}

TEST_CASE("packets out of order within the window pass, once each", "[srtp]") {
  auto leg = makeLeg(7);
  std::vector<std::vector<std::byte>> packets;
  for (std::uint16_t seq = 100; seq < 110; ++seq) {
    auto p = rtp(seq, 0x33);
    REQUIRE(leg.out.protectRtp(p));
    packets.push_back(std::move(p));
  }
  for (int i : {3, 1, 0, 9, 2, 8, 4, 7, 5, 6}) {
    auto copy = packets[static_cast<std::size_t>(i)];
    CHECK(leg.in.unprotectRtp(copy));
  }
  auto again = packets[4];
  CHECK_FALSE(leg.in.unprotectRtp(again));
}

TEST_CASE("an outbound session keeps libsrtp's smallest window", "[srtp]") {
  // The window an outbound stream needs is only "never the same index
  // twice"; a packet forwarded more than 64 behind the newest is refused.
  auto leg = makeLeg(9);
  auto newest = rtp(1000, 0x44);
  REQUIRE(leg.out.protectRtp(newest));
  auto within = rtp(1000 - kOutboundReplayWindow + 1, 0x44);
  CHECK(leg.out.protectRtp(within));
  auto behind = rtp(1000 - 2 * kOutboundReplayWindow, 0x44);
  CHECK_FALSE(leg.out.protectRtp(behind));
  auto twice = rtp(1000, 0x44);
  CHECK_FALSE(leg.out.protectRtp(twice));
}
