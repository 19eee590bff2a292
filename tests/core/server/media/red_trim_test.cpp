// trimRedCopies (core/server/media/red_trim.h): the copies that reach back
// too far go, the newest stay, the RTP header and the primary are kept as
// they were, padding goes with its bit, and a payload that is not RED (or
// has nothing to drop) is left for the caller to send as it came.

#include <catch2/catch.hpp>
#include <vector>

#include "core/server/media/red_trim.h"
#include "media/rtp/payload_types.h"
#include "media/rtp/red_payload.h"
#include "media/rtp/rtp_packet.h"

using namespace parley;  // NOLINT(google-build-using-namespace)

namespace {

std::vector<std::byte> bytesOf(std::uint8_t value, std::size_t n) {
  return {n, static_cast<std::byte>(value)};
}

// A RED packet with `depth` copies (copy k back filled with byte k, the
// primary with 0xEE) and, when asked, four bytes of RTP padding.
std::vector<std::byte> redPacket(int depth, bool padded) {
  std::vector<std::vector<std::byte>> copies;
  std::vector<media::RedBlock> blocks;
  copies.reserve(static_cast<std::size_t>(depth));
  blocks.reserve(static_cast<std::size_t>(depth));
  for (int back = depth; back >= 1; --back) {
    copies.push_back(bytesOf(static_cast<std::uint8_t>(back), 10 + static_cast<std::size_t>(back)));
  }
  for (int i = 0; i < depth; ++i) {
    blocks.push_back({.payload_type = 111,
                      .timestamp_offset = static_cast<std::uint32_t>(960 * (depth - i)),
                      .data = copies[static_cast<std::size_t>(i)]});
  }
  const auto primary = bytesOf(0xEE, 40);
  std::vector<std::byte> payload(256);
  const auto size = media::writeRed(blocks, 111, primary, payload);
  REQUIRE(size);
  payload.resize(*size);
  media::RtpHeader header;
  header.payload_type = media::kRedPayloadType;
  header.sequence = 700;
  header.timestamp = 96000;
  header.ssrc = 0x1234;
  std::vector<std::byte> packet;
  media::writeRtp(header, payload, packet);
  if (padded) {
    packet[0] |= std::byte{0x20};
    packet.insert(packet.end(), {std::byte{0}, std::byte{0}, std::byte{0}, std::byte{4}});
  }
  return packet;
}

}  // namespace

TEST_CASE("trimRedCopies keeps the copies fewer than max_back back", "[server][media]") {
  const auto packet = redPacket(2, false);
  const auto rtp = media::parseRtp(packet);
  REQUIRE(rtp);
  std::vector<std::byte> out;

  SECTION("one back: no copy stays, the primary and header do") {
    REQUIRE(server::trimRedCopies(packet, *rtp, 1, out));
    const auto trimmed = media::parseRtp(out);
    REQUIRE(trimmed);
    CHECK(trimmed->header.sequence == 700);
    CHECK(trimmed->header.timestamp == 96000);
    CHECK(trimmed->header.ssrc == 0x1234);
    const auto red = media::parseRed(trimmed->payload);
    REQUIRE(red);
    CHECK(red->redundant_count == 0);
    CHECK(red->primary_payload_type == 111);
    CHECK(std::vector<std::byte>(red->primary.begin(), red->primary.end()) == bytesOf(0xEE, 40));
  }
  SECTION("two back: the newest copy (one back) stays, with its offset") {
    REQUIRE(server::trimRedCopies(packet, *rtp, 2, out));
    const auto trimmed = media::parseRtp(out);
    REQUIRE(trimmed);
    const auto red = media::parseRed(trimmed->payload);
    REQUIRE(red);
    REQUIRE(red->redundant_count == 1);
    CHECK(red->blocks[0].timestamp_offset == 960);
    CHECK(std::vector<std::byte>(red->blocks[0].data.begin(), red->blocks[0].data.end()) ==
          bytesOf(1, 11));
  }
  SECTION("three back or more: nothing to drop, the packet goes as it came") {
    CHECK_FALSE(server::trimRedCopies(packet, *rtp, 3, out));
    CHECK_FALSE(server::trimRedCopies(packet, *rtp, 4, out));
  }
}

TEST_CASE("trimRedCopies drops padding with its bit, and leaves what is not RED",
          "[server][media]") {
  std::vector<std::byte> out;
  const auto padded = redPacket(2, true);
  const auto rtp = media::parseRtp(padded);
  REQUIRE(rtp);
  REQUIRE(rtp->padding == 4);
  REQUIRE(server::trimRedCopies(padded, *rtp, 0, out));
  const auto trimmed = media::parseRtp(out);
  REQUIRE(trimmed);
  CHECK(trimmed->padding == 0);
  CHECK((out[0] & std::byte{0x20}) == std::byte{0});
  CHECK(media::parseRed(trimmed->payload)->redundant_count == 0);

  // A payload that says it has more blocks than it holds is not RED.
  media::RtpHeader header;
  header.payload_type = media::kRedPayloadType;
  std::vector<std::byte> junk;
  media::writeRtp(header, bytesOf(0xFF, 3), junk);
  const auto junk_rtp = media::parseRtp(junk);
  REQUIRE(junk_rtp);
  CHECK_FALSE(server::trimRedCopies(junk, *junk_rtp, 1, out));
}
