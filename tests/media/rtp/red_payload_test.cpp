// RED (RFC 2198) payloads: what writeRed builds parses back block for
// block, the wire layout matches the RFC's example, and every malformed
// block list is refused with a message that says what is wrong (the count
// of blocks, or how far the lengths overrun), never read past its end.

#include "media/rtp/red_payload.h"

#include <string>

#include <catch2/catch.hpp>

#include "tests/media/rtp/packet_bytes.h"

using namespace parley::media;  // NOLINT(google-build-using-namespace): test of one namespace
using parley::ErrorCode;
using parley::media::test::bytes;
using parley::media::test::filled;

namespace {

std::vector<std::byte> written(std::span<const RedBlock> redundant, std::uint8_t pt,
                               std::span<const std::byte> primary) {
  std::vector<std::byte> out(1500);
  auto n = writeRed(redundant, pt, primary, out);
  REQUIRE(n);
  out.resize(*n);
  return out;
}

bool same(std::span<const std::byte> a, std::span<const std::byte> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace

TEST_CASE("RED round trip with no, one and two redundant blocks", "[rtp][red]") {
  const auto older = filled(70, 0x11);
  const auto previous = filled(83, 0x22);
  const auto primary = filled(91, 0x33);
  SECTION("primary only") {
    const auto wire = written({}, 111, primary);
    CHECK(wire.size() == 1 + primary.size());
    auto red = parseRed(wire);
    REQUIRE(red);
    CHECK(red->redundant_count == 0);
    CHECK(red->primary_payload_type == 111);
    CHECK(same(red->primary, primary));
  }
  SECTION("two copies, oldest first") {
    const std::array<RedBlock, 2> blocks{RedBlock{111, 1920, older}, RedBlock{111, 960, previous}};
    const auto wire = written(blocks, 111, primary);
    CHECK(wire.size() == 2 * 4 + 1 + older.size() + previous.size() + primary.size());
    auto red = parseRed(wire);
    REQUIRE(red);
    REQUIRE(red->redundant().size() == 2);
    CHECK(red->redundant()[0].timestamp_offset == 1920);
    CHECK(red->redundant()[0].payload_type == 111);
    CHECK(same(red->redundant()[0].data, older));
    CHECK(red->redundant()[1].timestamp_offset == 960);
    CHECK(same(red->redundant()[1].data, previous));
    CHECK(same(red->primary, primary));
  }
  SECTION("the largest offset and length the fields hold") {
    const auto big = filled(kMaxRedBlockLength, 0x44);
    const std::array<RedBlock, 1> blocks{RedBlock{0x7F, kMaxRedTimestampOffset, big}};
    auto red = parseRed(written(blocks, 0, primary));
    REQUIRE(red);
    CHECK(red->redundant()[0].timestamp_offset == kMaxRedTimestampOffset);
    CHECK(red->redundant()[0].payload_type == 0x7F);
    CHECK(red->redundant()[0].data.size() == kMaxRedBlockLength);
  }
}

TEST_CASE("RED header layout is RFC 2198's", "[rtp][red]") {
  // F=1, PT 111, offset 960 (0x3C0), length 3; then F=0, PT 111.
  const auto wire = written(std::array{RedBlock{111, 960, bytes({1, 2, 3})}}, 111, bytes({9}));
  CHECK(wire == bytes({0xEF, 0x0F, 0x00, 0x03, 0x6F, 1, 2, 3, 9}));
}

TEST_CASE("RED refuses malformed block lists with what is wrong", "[rtp][red]") {
  const auto refused = [](const std::vector<std::byte>& wire) {
    auto red = parseRed(wire);
    REQUIRE_FALSE(red);
    CHECK(red.error().code == ErrorCode::MediaMalformedPacket);
    return red.error().detail;
  };
  SECTION("empty") { CHECK_THAT(refused({}), Catch::Contains("past the end")); }
  SECTION("a redundant header cut short") {
    CHECK_THAT(refused(bytes({0xEF, 0x0F, 0x00})), Catch::Contains("block header 1"));
  }
  SECTION("only redundant headers, no primary header") {
    CHECK_THAT(refused(bytes({0xEF, 0x0F, 0x00, 0x00})), Catch::Contains("past the end"));
  }
  SECTION("more blocks than the bound, counted") {
    std::vector<std::byte> wire;
    for (int i = 0; i < 7; ++i) {
      for (const auto b : bytes({0xEF, 0x0F, 0x00, 0x01})) {
        wire.push_back(b);
      }
    }
    for (const auto b : bytes({0x6F, 1, 2, 3, 4, 5, 6, 7, 8})) {
      wire.push_back(b);
    }
    CHECK_THAT(refused(wire), Catch::Contains("7 redundant blocks, at most 4"));
  }
  SECTION("lengths that run past the end") {
    // One block claims 0x3FF bytes; 3 follow the headers.
    CHECK_THAT(refused(bytes({0xEF, 0x0F, 0x03, 0xFF, 0x6F, 1, 2, 3})),
               Catch::Contains("1 redundant blocks claim 1023 bytes, 3 follow"));
  }
  SECTION("no room left for the primary") {
    CHECK_THAT(refused(bytes({0xEF, 0x0F, 0x00, 0x02, 0x6F, 1, 2})),
               Catch::Contains("the primary needs at least 1"));
  }
  SECTION("a primary header and nothing after it") {
    CHECK_THAT(refused(bytes({0x6F})), Catch::Contains("the primary needs at least 1"));
  }
}

TEST_CASE("writeRed refuses what the format cannot carry", "[rtp][red]") {
  std::vector<std::byte> out(1500);
  const auto data = filled(10, 1);
  CHECK_FALSE(
      writeRed(std::array{RedBlock{111, kMaxRedTimestampOffset + 1, data}}, 111, data, out));
  const auto big = filled(kMaxRedBlockLength + 1, 1);
  CHECK_FALSE(writeRed(std::array{RedBlock{111, 960, big}}, 111, data, out));
  CHECK_FALSE(writeRed(std::array{RedBlock{128, 960, data}}, 111, data, out));
  CHECK_FALSE(writeRed({}, 111, {}, out));
  const std::array<RedBlock, kMaxRedBlocks + 1> many{};
  CHECK_FALSE(writeRed(many, 111, data, out));
  std::vector<std::byte> small(10);
  CHECK_FALSE(writeRed(std::array{RedBlock{111, 960, data}}, 111, data, small));
}
