#include "media/rtp/vp9_payload.h"

#include <catch2/catch.hpp>

#include "tests/media/rtp/packet_bytes.h"

using namespace parley::media;  // NOLINT(google-build-using-namespace): test of one namespace
using parley::ErrorCode;
using parley::media::test::bytes;
using parley::media::test::filled;

TEST_CASE("VP9 descriptor parsing") {
  SECTION("non-flexible with layer indices") {
    // I P L - B E - -, 15-bit picture id 0x1234, TID 2 U SID 0, TL0PICIDX 9.
    const auto d = parseVp9Descriptor(bytes({0xEC, 0x92, 0x34, 0x50, 0x09, 0xAA}));
    REQUIRE(d);
    CHECK(d->inter_predicted);
    CHECK(d->begin_of_frame);
    CHECK(d->end_of_frame);
    CHECK(*d->picture_id == 0x1234);
    CHECK(*d->temporal_id == 2);
    CHECK(*d->spatial_id == 0);
    CHECK(*d->tl0_pic_idx == 9);
    CHECK(d->size == 5);
  }
  SECTION("flexible with two reference indices, 7-bit picture id") {
    const auto d = parseVp9Descriptor(bytes({0xD8, 0x05, 0x03, 0x04, 0xAA}));
    REQUIRE(d);
    CHECK(d->flexible);
    CHECK(*d->picture_id == 5);
    CHECK(d->size == 4);
  }
  SECTION("key frame with a scalability structure") {
    // V: N_S=0, Y=1, G=1; 640x480; N_G=2: one with R=1 (one P_DIFF), one R=0.
    const auto d = parseVp9Descriptor(
        bytes({0x8A, 0x80, 0x01, 0x18, 0x02, 0x80, 0x01, 0xE0, 0x02, 0x04, 0x01, 0x00, 0xAA}));
    REQUIRE(d);
    CHECK_FALSE(d->inter_predicted);
    CHECK(d->has_scalability_structure);
    CHECK(d->size == 12);
  }
  SECTION("malformed") {
    const std::vector<std::byte> cases[] = {
        {},
        bytes({0x08}),                          // no data
        bytes({0x88}),                          // I without picture id
        bytes({0x88, 0x81}),                    // 15-bit picture id cut
        bytes({0x28}),                          // L without its byte
        bytes({0x28, 0x00}),                    // non-flexible L without TL0PICIDX
        bytes({0x58, 0x03, 0x03, 0x03, 0xAA}),  // 4 chained P_DIFFs
        bytes({0x58, 0x03}),                    // P_DIFF chain cut
        bytes({0x0A}),                          // V without SS
        bytes({0x0A, 0x30, 0x00, 0x00}),        // SS resolutions cut
        bytes({0x0A, 0x08}),                    // SS without N_G
        bytes({0x0A, 0x08, 0x01, 0x08}),        // picture group P_DIFF missing
    };
    for (const auto& c : cases) {
      const auto d = parseVp9Descriptor(c);
      REQUIRE_FALSE(d);
      CHECK(d.error().code == ErrorCode::MediaMalformedPacket);
    }
  }
}

TEST_CASE("VP9 packetizer and depacketizer round trip") {
  Vp9Packetizer packetizer(3 + 100, 0x7FFE);
  Vp9Depacketizer depacketizer;
  std::vector<AssembledFrame> out;
  std::uint16_t seq = 65530;  // wraps before the third frame
  const bool keys[] = {true, false, false};
  std::vector<std::vector<std::byte>> frames;
  for (int f = 0; f < 3; ++f) {
    frames.push_back(filled(250 + static_cast<std::size_t>(f), f + 1));
    const auto payloads = packetizer.packetize(frames.back(), keys[f]);
    REQUIRE(payloads);
    REQUIRE(payloads->size() == 3);
    // Deliver in reverse to exercise reordering.
    for (std::size_t i = payloads->size(); i-- > 0;) {
      const auto& p = (*payloads)[i];
      CHECK(p.size() <= 103);
      const auto d = parseVp9Descriptor(p);
      REQUIRE(d);
      CHECK(d->begin_of_frame == (i == 0));
      CHECK(d->end_of_frame == (i + 1 == payloads->size()));
      CHECK(d->inter_predicted == !keys[f]);
      const auto r = depacketizer.insert(static_cast<std::uint16_t>(seq + i),
                                         static_cast<std::uint32_t>(f * 3000),
                                         i + 1 == payloads->size(), p, out);
      REQUIRE(r);
    }
    seq = static_cast<std::uint16_t>(seq + payloads->size());
  }
  REQUIRE(out.size() == 3);
  const std::uint16_t ids[] = {0x7FFE, 0x7FFF, 0};
  for (std::size_t f = 0; f < 3; ++f) {
    CHECK(out[f].data == frames[f]);
    CHECK(out[f].key_frame == keys[f]);
    CHECK(*out[f].picture_id == ids[f]);
    CHECK_FALSE(out[f].after_loss);
  }
  CHECK_FALSE(packetizer.packetize({}, true));
}

TEST_CASE("VP9 depacketizer refuses other spatial layers") {
  Vp9Depacketizer depacketizer;
  std::vector<AssembledFrame> out;
  // L with SID 1.
  const auto r = depacketizer.insert(1, 1, true, bytes({0x2C, 0x02, 0x00, 0xAA}), out);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::MediaUnsupported);
  const auto ok = depacketizer.insert(1, 1, true, bytes({0x2C, 0x00, 0x00, 0xAA}), out);
  REQUIRE(ok);
  REQUIRE(out.size() == 1);
  CHECK(out[0].key_frame);
}
