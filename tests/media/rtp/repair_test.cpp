// Video repair's pieces: RTX packets (RFC 4588) wrap and unwrap to the very
// original and refuse what is not one; PacketHistory gives back what it holds
// and nothing older or overwritten; NackTracker asks for each gap at once,
// again after the retry interval, stops when the packet comes or when it
// gave up, and never asks across a jump too large to repair.

#include <catch2/catch.hpp>

#include <chrono>

#include "media/rtp/nack_tracker.h"
#include "media/rtp/packet_history.h"
#include "media/rtp/payload_types.h"
#include "media/rtp/rtp_packet.h"
#include "media/rtp/rtx.h"

using namespace parley;
using namespace parley::media;
using namespace std::chrono_literals;

namespace {

std::vector<std::byte> videoPacket(std::uint16_t seq, std::uint32_t ssrc, bool marker,
                                   std::size_t payload = 100) {
  RtpHeader h;
  h.payload_type = kVp8PayloadType;
  h.sequence = seq;
  h.timestamp = 90000;
  h.ssrc = ssrc;
  h.marker = marker;
  h.extension = RtpExtension{0xBEDE, {0x10203040}};
  std::vector<std::byte> body(payload);
  for (std::size_t i = 0; i < payload; ++i) {
    body[i] = static_cast<std::byte>(i * 7);
  }
  std::vector<std::byte> out;
  writeRtp(h, body, out);
  return out;
}

Clock::TimePoint at(std::chrono::milliseconds ms) { return Clock::TimePoint(ms); }

}  // namespace

TEST_CASE("an RTX packet unwraps to the very original") {
  const auto original = videoPacket(4711, 0x120, true);
  std::vector<std::byte> rtx;
  REQUIRE(wrapRtx(original, rtxSsrcFor(0x120), 9, rtx));
  CHECK(rtx.size() == original.size() + 2);
  auto view = parseRtp(rtx);
  REQUIRE(view);
  CHECK(view->header.payload_type == kVp8PayloadType + 1);
  CHECK(view->header.ssrc == 0x128);
  CHECK(view->header.sequence == 9);
  CHECK(view->header.marker);
  CHECK(view->header.extension == RtpExtension{0xBEDE, {0x10203040}});

  std::vector<std::byte> back;
  auto unwrapped = unwrapRtx(rtx, back);
  REQUIRE(unwrapped);
  CHECK(unwrapped->media_ssrc == 0x120);
  CHECK(unwrapped->original_sequence == 4711);
  CHECK(back == original);
}

TEST_CASE("padding is left off a retransmission") {
  auto original = videoPacket(5, 0x120, false, 40);
  original[0] |= std::byte{0x20};  // P: the last 4 bytes are padding
  original.back() = std::byte{4};
  std::vector<std::byte> rtx;
  REQUIRE(wrapRtx(original, rtxSsrcFor(0x120), 1, rtx));
  std::vector<std::byte> back;
  REQUIRE(unwrapRtx(rtx, back));
  CHECK(back.size() == original.size() - 4);
  CHECK((back[0] & std::byte{0x20}) == std::byte{0});
}

TEST_CASE("what is not an RTX packet is refused with a reason") {
  std::vector<std::byte> out;
  const auto video = videoPacket(1, 0x120, false);
  // Not RTX: the original itself.
  auto plain = unwrapRtx(video, out);
  REQUIRE_FALSE(plain);
  CHECK(plain.error().code == ErrorCode::MediaMalformedPacket);
  // RTX type, but no OSN.
  RtpHeader h;
  h.payload_type = kVp8PayloadType + 1;
  h.ssrc = 0x128;
  std::vector<std::byte> empty;
  writeRtp(h, std::vector<std::byte>(1), empty);
  CHECK_FALSE(unwrapRtx(empty, out));
  // RTX type under an SSRC without the RTX bit.
  h.ssrc = 0x120;
  writeRtp(h, std::vector<std::byte>(10), empty);
  CHECK_FALSE(unwrapRtx(empty, out));
  // Truncated, and audio (no RTX format).
  CHECK_FALSE(unwrapRtx(std::span(video).first(8), out));
  h.payload_type = kOpusPayloadType;
  writeRtp(h, std::vector<std::byte>(10), empty);
  CHECK_FALSE(wrapRtx(empty, 0x128, 1, out));
  // A packet already as large as allowed has no room for the OSN.
  CHECK_FALSE(wrapRtx(videoPacket(1, 0x120, false, kMaxMediaPacketSize - 20), 0x128, 1, out));
}

TEST_CASE("the history gives back what it holds, and nothing too old or overwritten") {
  PacketHistory history;
  const auto a = videoPacket(100, 0x120, false);
  history.store(100, a, at(0ms));
  auto found = history.find(100, at(10ms));
  REQUIRE(found);
  CHECK(std::equal(found->begin(), found->end(), a.begin(), a.end()));
  CHECK_FALSE(history.find(101, at(10ms)));
  CHECK_FALSE(history.find(100, at(0ms) + PacketHistory::kMaxAge + 1ms));
  // The slot is taken over kCapacity sequence numbers later.
  history.store(static_cast<std::uint16_t>(100 + PacketHistory::kCapacity), a, at(20ms));
  CHECK_FALSE(history.find(100, at(20ms)));
  // Sequence numbers wrap.
  history.store(65535, a, at(30ms));
  history.store(0, a, at(30ms));
  CHECK(history.contains(65535, at(30ms)));
  CHECK(history.contains(0, at(30ms)));
}

TEST_CASE("a gap is asked for at once, again after the interval, and no more once it came") {
  NackTracker t;
  t.onPacket(10, at(0ms));
  t.onPacket(11, at(1ms));
  t.onPacket(14, at(2ms));  // 12 and 13 missing
  CHECK(t.due(at(2ms), 20ms) == std::vector<std::uint16_t>{12, 13});
  CHECK(t.due(at(10ms), 20ms).empty());  // not yet: a round trip and a quarter
  t.onPacket(12, at(12ms));              // the retransmission
  CHECK(t.due(at(30ms), 20ms) == std::vector<std::uint16_t>{13});
  t.onPacket(13, at(31ms));
  CHECK(t.due(at(100ms), 20ms).empty());
  CHECK(t.stats().missing == 2);
  CHECK(t.stats().recovered == 2);
  CHECK(t.stats().requested == 3);
  CHECK(t.stats().given_up == 0);
}

TEST_CASE("a packet never answered is given up after the last retry") {
  NackTracker t;
  t.onPacket(65534, at(0ms));
  t.onPacket(1, at(0ms));  // 65535 and 0 missing, across the wrap
  auto now = at(0ms);
  int asked = 0;
  for (int i = 0; i < 20; ++i) {
    asked += static_cast<int>(t.due(now, 10ms).size());
    now += 20ms;
  }
  CHECK(asked == 2 * NackTracker::kMaxRetries);
  CHECK(t.missingCount() == 0);
  CHECK(t.stats().given_up == 2);
}

TEST_CASE("a jump too large to repair is not asked for, and older gaps can be dropped") {
  NackTracker t;
  t.onPacket(100, at(0ms));
  t.onPacket(static_cast<std::uint16_t>(100 + NackTracker::kMaxGap + 2), at(1ms));
  CHECK(t.due(at(1ms), 10ms).empty());
  CHECK(t.stats().gaps_skipped == 1);

  NackTracker u;
  u.onPacket(1, at(0ms));
  u.onPacket(3, at(0ms));   // 2 missing since 0 ms
  u.onPacket(6, at(50ms));  // 4, 5 missing since 50 ms
  REQUIRE(u.oldestMissingSince() == at(0ms));
  u.forgetFoundBefore(at(10ms));
  CHECK(u.oldestMissingSince() == at(50ms));
  u.forgetBefore(5);  // a key frame starts at 5
  CHECK(u.due(at(60ms), 10ms) == std::vector<std::uint16_t>{5});
  CHECK(u.stats().given_up == 2);
}

TEST_CASE("a stream that starts over is tracked from its new start") {
  NackTracker t;
  t.onPacket(30000, at(0ms));
  t.onPacket(30002, at(0ms));  // 30001 missing
  // A new sender on the same SSRC counts from 0 again.
  t.onPacket(0, at(10ms));
  CHECK(t.stats().restarts == 1);
  CHECK(t.missingCount() == 0);
  t.onPacket(2, at(11ms));  // 1 missing in the new stream
  CHECK(t.due(at(11ms), 10ms) == std::vector<std::uint16_t>{1});
  const auto arrival = t.onPacket(1, at(15ms));
  CHECK(arrival.was_missing);
  REQUIRE(arrival.round_trip);
  CHECK(*arrival.round_trip == 4ms);
  CHECK_FALSE(t.onPacket(3, at(16ms)).was_missing);
}

TEST_CASE("what does not fit in one NACK stays due") {
  NackTracker t;
  t.onPacket(0, at(0ms));
  t.onPacket(11, at(0ms));  // 1..10 missing
  CHECK(t.due(at(0ms), 10ms, 4) == std::vector<std::uint16_t>{1, 2, 3, 4});
  CHECK(t.due(at(1ms), 10ms, 4) == std::vector<std::uint16_t>{5, 6, 7, 8});
  CHECK(t.due(at(2ms), 10ms, 4) == std::vector<std::uint16_t>{9, 10});
  CHECK(t.stats().requested == 10);
}
