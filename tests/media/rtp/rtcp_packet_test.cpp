#include "media/rtp/rtcp_packet.h"

#include <catch2/catch.hpp>

#include "media/rtp/rtp_packet.h"
#include "tests/media/rtp/packet_bytes.h"

using namespace parley::media;  // NOLINT(google-build-using-namespace): test of one namespace
using parley::ErrorCode;
using parley::media::test::append;
using parley::media::test::bytes;
using parley::media::test::filled;

namespace {

ReportBlock block(std::uint32_t ssrc, std::int32_t cumulative_lost) {
  return ReportBlock{ssrc, 25, cumulative_lost, 0x00011234U, 77, 0xAABBCCDDU, 65536};
}

std::vector<std::uint16_t> nackRoundTrip(const std::vector<std::uint16_t>& lost,
                                         std::size_t* items = nullptr) {
  std::vector<std::byte> out;
  appendNack(Nack{1, 2, lost}, out);
  if (items != nullptr) {
    *items = (out.size() - 12) / 4;
  }
  auto parsed = parseRtcp(out);
  REQUIRE(parsed);
  REQUIRE(parsed->nacks.size() == 1);
  return parsed->nacks[0].lost_sequences;
}

}  // namespace

TEST_CASE("RTCP sender and receiver reports round trip") {
  SenderReport sr{0x11111111U, 0x0123456789ABCDEFULL, 90000, 1000, 123456, {}};
  for (std::uint32_t i = 0; i < 31; ++i) {
    sr.report_blocks.push_back(block(i, static_cast<std::int32_t>(i) - 10));
  }
  const ReceiverReport rr{0x22222222U, {block(7, -0x800000), block(8, 0x7FFFFF), block(9, -1)}};
  const ReceiverReport empty_rr{0x33333333U, {}};

  std::vector<std::byte> out;
  appendSenderReport(sr, out);
  CHECK(out.size() == 28 + 31 * 24);
  appendReceiverReport(rr, out);
  appendReceiverReport(empty_rr, out);
  const auto parsed = parseRtcp(out);
  REQUIRE(parsed);
  REQUIRE(parsed->sender_reports.size() == 1);
  CHECK(parsed->sender_reports[0] == sr);
  REQUIRE(parsed->receiver_reports.size() == 2);
  CHECK(parsed->receiver_reports[0] == rr);
  CHECK(parsed->receiver_reports[1] == empty_rr);
  CHECK(parsed->skipped_packets == 0);
}

TEST_CASE("RTCP parses a hand-written receiver report and PLI") {
  // RR, RC=1, length 7: SSRC 1, block for SSRC 2, fraction 0x40, lost -2
  // (0xFFFFFE); then PLI from 3 about 4.
  const auto packet = bytes({0x81, 201, 0,    7,   0, 0, 0, 1, 0, 0, 0, 2, 0x40, 0xFF, 0xFF,
                             0xFE, 0,   1,    0,   5, 0, 0, 0, 9, 1, 2, 3, 4,    0,    0,
                             0x80, 0,   0x81, 206, 0, 2, 0, 0, 0, 3, 0, 0, 0,    4});
  const auto parsed = parseRtcp(packet);
  REQUIRE(parsed);
  REQUIRE(parsed->receiver_reports.size() == 1);
  const ReportBlock& b = parsed->receiver_reports[0].report_blocks.at(0);
  CHECK(b.ssrc == 2);
  CHECK(b.fraction_lost == 0x40);
  CHECK(b.cumulative_lost == -2);
  CHECK(b.extended_highest_seq == 0x10005U);
  CHECK(b.jitter == 9);
  CHECK(b.last_sr == 0x01020304U);
  CHECK(b.delay_since_last_sr == 0x8000U);
  REQUIRE(parsed->plis.size() == 1);
  CHECK(parsed->plis[0] == Pli{3, 4});

  std::vector<std::byte> built;
  appendPli(Pli{3, 4}, built);
  CHECK(built == std::vector<std::byte>(packet.end() - 12, packet.end()));
}

TEST_CASE("RTCP NACK compresses sequence lists into PID/BLP") {
  struct Case {
    const char* name;
    std::vector<std::uint16_t> lost;
    std::vector<std::uint16_t> expanded;  // what the parser gives back
    std::size_t items;
  };
  const Case cases[] = {
      {"one", {100}, {100}, 1},
      {"within one item", {100, 101, 116}, {100, 101, 116}, 1},
      {"17 apart needs two items", {100, 117}, {100, 117}, 2},
      {"across the wrap", {65534, 65535, 0, 3}, {65534, 65535, 0, 3}, 1},
      {"unsorted with duplicates", {5, 3, 5, 4, 3}, {3, 4, 5}, 1},
      {"unsorted across the wrap", {1, 65535, 0}, {65535, 0, 1}, 1},
      {"far apart", {10, 1000, 30000}, {10, 1000, 30000}, 3},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      std::size_t items = 0;
      CHECK(nackRoundTrip(c.lost, &items) == c.expanded);
      CHECK(items == c.items);
    }
  }
}

TEST_CASE("RTCP NACK wire format") {
  std::vector<std::byte> out;
  appendNack(Nack{0x0A, 0x0B, {1000, 1002, 1016}}, out);
  // BLP bit i means PID+i+1: 1002 -> bit 1, 1016 -> bit 15.
  CHECK(out == bytes({0x81, 205, 0, 3, 0, 0, 0, 0x0A, 0, 0, 0, 0x0B, 0x03, 0xE8, 0x80, 0x02}));
}

TEST_CASE("RTCP REMB encodes and decodes the bitrate") {
  struct Case {
    std::uint64_t bps;
    std::uint64_t decoded;  // rounded down to the 18-bit mantissa
  };
  const Case cases[] = {
      {0, 0},
      {262143, 262143},
      {262144, 262144},
      {1'000'000, 1'000'000},
      {1'000'001, 1'000'000},
      {2'500'000, 2'500'000},
      {(1ULL << 40U) + 1, 1ULL << 40U},
      {~0ULL, 0x3FFFFULL << 46U},
  };
  for (const Case& c : cases) {
    INFO(c.bps);
    std::vector<std::byte> out;
    appendRemb(Remb{9, c.bps, {1, 2, 3}}, out);
    const auto parsed = parseRtcp(out);
    REQUIRE(parsed);
    REQUIRE(parsed->rembs.size() == 1);
    CHECK(parsed->rembs[0].sender_ssrc == 9);
    CHECK(parsed->rembs[0].bitrate_bps == c.decoded);
    CHECK(parsed->rembs[0].ssrcs == std::vector<std::uint32_t>{1, 2, 3});
  }
}

TEST_CASE("RTCP BYE round trips with and without a reason") {
  const Bye cases[] = {
      Bye{{1}, ""},
      Bye{{1, 2, 3}, "bye"},
      Bye{{}, "left the room"},
      Bye{{4}, std::string(255, 'x')},
  };
  for (const Bye& bye : cases) {
    std::vector<std::byte> out;
    appendBye(bye, out);
    CHECK(out.size() % 4 == 0);
    const auto parsed = parseRtcp(out);
    REQUIRE(parsed);
    REQUIRE(parsed->byes.size() == 1);
    CHECK(parsed->byes[0] == bye);
  }
}

TEST_CASE("RTCP compound with every kind, unknown types skipped") {
  std::vector<std::byte> out;
  appendSenderReport(SenderReport{1, 2, 3, 4, 5, {block(6, 7)}}, out);
  // SDES with one CNAME chunk: skipped.
  append(out, bytes({0x81, 202, 0, 2, 0, 0, 0, 1, 1, 1, 'a', 0}));
  appendNack(Nack{1, 6, {10, 12}}, out);
  appendPli(Pli{1, 6}, out);
  // Transport-wide CC (RTPFB FMT 15) and a non-REMB AFB: skipped.
  append(out, bytes({0x8F, 205, 0, 2, 0, 0, 0, 1, 0, 0, 0, 6}));
  append(out, bytes({0x8F, 206, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 'A', 'B', 'C', 'D'}));
  // APP: skipped.
  append(out, bytes({0x80, 204, 0, 2, 0, 0, 0, 1, 'n', 'a', 'm', 'e'}));
  appendRemb(Remb{1, 500000, {6}}, out);
  appendBye(Bye{{1}, "done"}, out);

  const auto parsed = parseRtcp(out);
  REQUIRE(parsed);
  CHECK(parsed->sender_reports.size() == 1);
  CHECK(parsed->receiver_reports.empty());
  REQUIRE(parsed->nacks.size() == 1);
  CHECK(parsed->nacks[0].lost_sequences == std::vector<std::uint16_t>{10, 12});
  CHECK(parsed->plis.size() == 1);
  CHECK(parsed->rembs.size() == 1);
  CHECK(parsed->byes.size() == 1);
  CHECK(parsed->skipped_packets == 4);
}

TEST_CASE("RTCP padding on the last packet is honoured") {
  // RR with no blocks, P=1, 4 bytes of padding (count 4).
  const auto packet = bytes({0xA0, 201, 0, 2, 0, 0, 0, 5, 0, 0, 0, 4});
  const auto parsed = parseRtcp(packet);
  REQUIRE(parsed);
  REQUIRE(parsed->receiver_reports.size() == 1);
  CHECK(parsed->receiver_reports[0].ssrc == 5);
}

TEST_CASE("RTCP rejects malformed compounds") {
  struct Case {
    const char* name;
    std::vector<std::byte> packet;
  };
  std::vector<Case> cases = {
      {"empty", {}},
      {"3 bytes", bytes({0x80, 201, 0})},
      {"version 1", bytes({0x40, 201, 0, 1, 0, 0, 0, 1})},
      {"version 0", bytes({0x00, 201, 0, 1, 0, 0, 0, 1})},
      {"length past the end", bytes({0x80, 201, 0, 2, 0, 0, 0, 1})},
      {"trailing junk after a good packet", bytes({0x80, 201, 0, 1, 0, 0, 0, 1, 0x80})},
      {"second packet cut", bytes({0x80, 201, 0, 1, 0, 0, 0, 1, 0x80, 201, 0, 1, 0, 0})},
      {"padding count 0", bytes({0xA0, 201, 0, 1, 0, 0, 0, 0})},
      {"padding larger than the packet", bytes({0xA0, 201, 0, 1, 0, 0, 0, 9})},
      {"padding eats the SSRC", bytes({0xA0, 201, 0, 1, 0, 0, 0, 4})},
      {"SR without sender info", bytes({0x80, 200, 0, 1, 0, 0, 0, 1})},
      {"SR with RC past its length", {}},
      {"RR with RC past its length", bytes({0x81, 201, 0, 1, 0, 0, 0, 1})},
      {"BYE SSRC count past its length", bytes({0x82, 203, 0, 1, 0, 0, 0, 1})},
      {"BYE reason past its length", bytes({0x81, 203, 0, 2, 0, 0, 0, 1, 5, 'a', 'b', 'c'})},
      {"NACK without FCI", bytes({0x81, 205, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2})},
      {"feedback without SSRCs", bytes({0x81, 206, 0, 1, 0, 0, 0, 1})},
      {"REMB cut after identifier",
       bytes({0x8F, 206, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 'R', 'E', 'M', 'B'})},
      {"REMB SSRCs past its length",
       bytes({0x8F, 206, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 'R', 'E', 'M', 'B', 2, 0x04, 0, 1})},
      {"REMB bitrate overflow",
       bytes({0x8F, 206, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 'R', 'E', 'M', 'B', 0, 0xFF, 0xFF, 0xFF})},
      {"too many PLIs", {}},
      {"NACK expanding past the bound", {}},
      {"oversized", {}},
  };
  append(cases[11].packet, bytes({0x81, 200, 0, 6}));
  append(cases[11].packet, filled(24, 0));
  for (std::size_t i = 0; i <= kMaxRtcpItemsPerKind; ++i) {
    appendPli(Pli{1, 2}, cases[20].packet);
  }
  {
    // 61 items of 17 lost packets each: 1037 > kMaxNackSequences.
    auto& p = cases[21].packet;
    append(p, bytes({0x81, 205, 0, 2 + 61, 0, 0, 0, 1, 0, 0, 0, 2}));
    for (int i = 0; i < 61; ++i) {
      append(p, bytes({(i * 17) >> 8, (i * 17) & 0xFF, 0xFF, 0xFF}));
    }
  }
  {
    auto& p = cases[22].packet;
    while (p.size() <= kMaxMediaPacketSize) {
      appendPli(Pli{1, 2}, p);
    }
  }
  for (const Case& c : cases) {
    SECTION(c.name) {
      const auto parsed = parseRtcp(c.packet);
      REQUIRE_FALSE(parsed);
      CHECK(parsed.error().code == ErrorCode::MediaMalformedPacket);
      CHECK_FALSE(parsed.error().detail.empty());
    }
  }
}

TEST_CASE("RTCP accepts the bounds themselves") {
  std::vector<std::byte> out;
  for (std::size_t i = 0; i < kMaxRtcpItemsPerKind; ++i) {
    appendPli(Pli{1, 2}, out);
  }
  const auto parsed = parseRtcp(out);
  REQUIRE(parsed);
  CHECK(parsed->plis.size() == kMaxRtcpItemsPerKind);
}
