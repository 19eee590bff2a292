#include "media/rtp/rtp_packet.h"

#include <catch2/catch.hpp>

#include "tests/media/rtp/packet_bytes.h"

using parley::ErrorCode;
using parley::media::isNewerSequence;
using parley::media::isRtcp;
using parley::media::kMaxMediaPacketSize;
using parley::media::parseRtp;
using parley::media::RtpExtension;
using parley::media::RtpHeader;
using parley::media::SequenceUnwrapper;
using parley::media::writeRtp;
using parley::media::test::append;
using parley::media::test::bytes;
using parley::media::test::filled;

TEST_CASE("RTP parses a hand-written packet") {
  // V=2 P=0 X=0 CC=1, M=1 PT=96, seq 0x1234, ts 0xDEADBEEF, SSRC 0x01020304,
  // CSRC 0x0A0B0C0D, payload "hi".
  const auto packet = bytes({0x81, 0xE0, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04,
                             0x0A, 0x0B, 0x0C, 0x0D, 'h', 'i'});
  const auto view = parseRtp(packet);
  REQUIRE(view);
  CHECK(view->header.marker);
  CHECK(view->header.payload_type == 96);
  CHECK(view->header.sequence == 0x1234);
  CHECK(view->header.timestamp == 0xDEADBEEFU);
  CHECK(view->header.ssrc == 0x01020304U);
  CHECK(view->header.csrcs == std::vector<std::uint32_t>{0x0A0B0C0DU});
  CHECK_FALSE(view->header.extension);
  CHECK(view->padding == 0);
  REQUIRE(view->payload.size() == 2);
  CHECK(view->payload.data() == packet.data() + 16);
}

TEST_CASE("RTP round trips through writeRtp and parseRtp") {
  struct Case {
    const char* name;
    RtpHeader header;
    std::size_t payload_size;
  };
  RtpHeader full;
  full.marker = true;
  full.payload_type = 127;
  full.sequence = 65535;
  full.timestamp = 0xFFFFFFFFU;
  full.ssrc = 0x80000001U;
  for (std::uint32_t i = 0; i < 15; ++i) {
    full.csrcs.push_back(0x1000U + i);
  }
  full.extension = RtpExtension{0xBEDE, {0x10203040U, 0x50607080U}};
  RtpHeader empty_ext;
  empty_ext.payload_type = 111;
  empty_ext.extension = RtpExtension{0x1000, {}};
  const Case cases[] = {
      {"minimal", RtpHeader{}, 0},
      {"payload only", RtpHeader{false, 96, 7, 960, 42, {}, std::nullopt}, 100},
      {"all fields", full, 1000},
      {"empty extension", empty_ext, 1},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      const auto payload = filled(c.payload_size, 0x5A);
      std::vector<std::byte> out = bytes({1, 2, 3});  // overwritten, not appended to
      writeRtp(c.header, payload, out);
      const auto view = parseRtp(out);
      REQUIRE(view);
      CHECK(view->header == c.header);
      CHECK(std::vector<std::byte>(view->payload.begin(), view->payload.end()) == payload);
      CHECK(view->padding == 0);
    }
  }
}

TEST_CASE("RTP padding is removed from the payload") {
  auto packet = bytes({0xA0, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9});
  append(packet, bytes({'a', 'b', 'c', 0, 0, 3}));
  auto view = parseRtp(packet);
  REQUIRE(view);
  CHECK(view->padding == 3);
  CHECK(view->payload.size() == 3);

  // Padding may take everything after the header.
  packet = bytes({0xA0, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 4});
  view = parseRtp(packet);
  REQUIRE(view);
  CHECK(view->padding == 4);
  CHECK(view->payload.empty());
}

TEST_CASE("RTP accepts exactly kMaxMediaPacketSize bytes") {
  auto packet = bytes({0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9});
  append(packet, filled(kMaxMediaPacketSize - packet.size(), 1));
  CHECK(parseRtp(packet));
}

TEST_CASE("RTP rejects malformed packets") {
  const auto header = [](int b0) { return bytes({b0, 96, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}); };
  struct Case {
    const char* name;
    std::vector<std::byte> packet;
  };
  std::vector<Case> cases = {
      {"empty", {}},
      {"one byte", bytes({0x80})},
      {"11 bytes", bytes({0x80, 96, 0, 1, 0, 0, 0, 2, 0, 0, 0})},
      {"version 0", header(0x00)},
      {"version 1", header(0x40)},
      {"version 3", header(0xC0)},
      {"CSRC count past the end", header(0x81)},
      {"15 CSRCs, 14 present", header(0x8F)},
      {"extension header missing", header(0x90)},
      {"extension header cut", header(0x90)},
      {"extension past the end", header(0x90)},
      {"padding bit, nothing after header", header(0xA0)},
      {"padding count 0", header(0xA0)},
      {"padding larger than packet", header(0xA0)},
      {"padding larger than after header", header(0xA1)},
      {"oversized", header(0x80)},
  };
  append(cases[7].packet, filled(14 * 4, 0));
  append(cases[9].packet, bytes({0xBE, 0xDE, 0}));
  append(cases[10].packet, bytes({0xBE, 0xDE, 0, 2, 1, 2, 3, 4, 5, 6, 7}));
  append(cases[12].packet, bytes({1, 2, 0}));
  append(cases[13].packet, bytes({1, 2, 200}));
  append(cases[14].packet, bytes({0, 0, 0, 1, 9, 6}));  // CSRC + 2 bytes, count 6
  append(cases[15].packet, filled(kMaxMediaPacketSize + 1 - 12, 0));
  for (const Case& c : cases) {
    SECTION(c.name) {
      const auto view = parseRtp(c.packet);
      REQUIRE_FALSE(view);
      CHECK(view.error().code == ErrorCode::MediaMalformedPacket);
      CHECK_FALSE(view.error().detail.empty());
    }
  }
}

TEST_CASE("isRtcp demultiplexes per RFC 5761") {
  struct Case {
    std::vector<std::byte> packet;
    bool rtcp;
  };
  const Case cases[] = {
      {bytes({0x80, 200}), true},   // SR
      {bytes({0x81, 201}), true},   // RR
      {bytes({0x81, 206}), true},   // PSFB
      {bytes({0x80, 192}), true},   // low end of the range
      {bytes({0x80, 223}), true},   // high end
      {bytes({0x80, 191}), false},  // PT 63 with marker
      {bytes({0x80, 224}), false},  // PT 96 with marker
      {bytes({0x80, 96}), false},   // plain RTP
      {bytes({0x40, 200}), false},  // version 1
      {bytes({0x80}), false},      {{}, false},
  };
  for (const Case& c : cases) {
    CHECK(isRtcp(c.packet) == c.rtcp);
  }
}

TEST_CASE("isNewerSequence handles wraparound") {
  struct Case {
    std::uint16_t a;
    std::uint16_t b;
    bool newer;
  };
  const Case cases[] = {
      {1, 0, true},      {0, 1, false},     {5, 5, false},    {0, 65535, true},
      {65535, 0, false}, {10, 65530, true}, {32767, 0, true}, {32768, 0, true},
      {0, 32768, false}, {40000, 0, false}, {0, 40000, true}, {32769, 1, true},
  };
  for (const Case& c : cases) {
    INFO(c.a << " vs " << c.b);
    CHECK(isNewerSequence(c.a, c.b) == c.newer);
    if (c.a != c.b) {
      CHECK(isNewerSequence(c.b, c.a) != c.newer);
    }
  }
}

TEST_CASE("SequenceUnwrapper counts through wraparound and reordering") {
  SequenceUnwrapper u;
  CHECK_FALSE(u.last());
  CHECK(u.unwrap(65534) == 65534);
  CHECK(u.unwrap(65535) == 65535);
  CHECK(u.unwrap(0) == 65536);
  CHECK(u.unwrap(65535) == 65535);  // reordered, back across the wrap
  CHECK(u.unwrap(2) == 65538);
  CHECK(u.peek(1) == 65537);
  CHECK(*u.last() == 65538);
  // Many wraps forward in steps below half the space.
  std::int64_t expected = 65538;
  for (int i = 0; i < 10; ++i) {
    expected += 30000;
    CHECK(u.unwrap(static_cast<std::uint16_t>(expected & 0xFFFF)) == expected);
  }
  SequenceUnwrapper back;
  CHECK(back.unwrap(5) == 5);
  CHECK(back.unwrap(65530) == -6);  // before the first value
  back.reset();
  CHECK(back.unwrap(65530) == 65530);
}
