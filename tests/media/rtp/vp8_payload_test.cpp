#include "media/rtp/vp8_payload.h"

#include <string>

#include <catch2/catch.hpp>

#include "tests/media/rtp/packet_bytes.h"

using namespace parley::media;  // NOLINT(google-build-using-namespace): test of one namespace
using parley::ErrorCode;
using parley::media::test::bytes;
using parley::media::test::filled;

namespace {

// A fake encoded frame: first byte carries the VP8 payload header P bit
// (0 = key frame), the rest identifies the frame.
std::vector<std::byte> fakeFrame(std::size_t size, bool key, int id) {
  std::vector<std::byte> frame(size);
  for (std::size_t i = 0; i < size; ++i) {
    frame[i] = static_cast<std::byte>((id * 31 + static_cast<int>(i)) & 0xFF);
  }
  frame[0] = static_cast<std::byte>(key ? 0x10 : 0x11);
  return frame;
}

}  // namespace

TEST_CASE("VP8 descriptor parsing") {
  SECTION("minimal, one byte") {
    const auto d = parseVp8Descriptor(bytes({0x10, 0x00}));
    REQUIRE(d);
    CHECK(d->start_of_partition);
    CHECK(d->partition_id == 0);
    CHECK(d->frameStart());
    CHECK_FALSE(d->picture_id);
    CHECK(d->size == 1);
  }
  SECTION("7-bit picture id, partition 2 not a frame start") {
    const auto d = parseVp8Descriptor(bytes({0xB2, 0x80, 0x05, 0x00}));
    REQUIRE(d);
    CHECK(d->partition_id == 2);
    CHECK_FALSE(d->frameStart());
    CHECK(*d->picture_id == 5);
    CHECK_FALSE(d->picture_id_15bit);
    CHECK(d->size == 3);
  }
  SECTION("all extensions, 15-bit picture id") {
    const auto d = parseVp8Descriptor(bytes({0xA0, 0xF0, 0x81, 0x23, 0x42, 0xA5, 0x9D}));
    REQUIRE(d);
    CHECK(d->non_reference);
    CHECK_FALSE(d->start_of_partition);
    CHECK(*d->picture_id == 0x0123);
    CHECK(d->picture_id_15bit);
    CHECK(*d->tl0_pic_idx == 0x42);
    CHECK(*d->temporal_id == 2);
    CHECK(d->layer_sync);
    CHECK(*d->key_idx == 5);
    CHECK(d->size == 6);
  }
  SECTION("K without T shares the byte") {
    const auto d = parseVp8Descriptor(bytes({0x90, 0x10, 0x03, 0x00}));
    REQUIRE(d);
    CHECK_FALSE(d->temporal_id);
    CHECK(*d->key_idx == 3);
  }
  SECTION("malformed") {
    const std::vector<std::byte> cases[] = {
        {},
        bytes({0x10}),                    // nothing after the descriptor
        bytes({0x90}),                    // X without its byte
        bytes({0x90, 0x80}),              // I without picture id
        bytes({0x90, 0x80, 0x81}),        // 15-bit picture id cut
        bytes({0x90, 0x80, 0x81, 0x01}),  // complete descriptor, no data
        bytes({0x90, 0x40}),              // L without TL0PICIDX
        bytes({0x90, 0x20}),              // T without its byte
        bytes({0x90, 0xF0, 0x01, 0x02}),  // T/K byte missing
    };
    for (const auto& c : cases) {
      const auto d = parseVp8Descriptor(c);
      REQUIRE_FALSE(d);
      CHECK(d.error().code == ErrorCode::MediaMalformedPacket);
    }
  }
}

TEST_CASE("VP8 packetizer splits frames within the size limit") {
  struct Case {
    std::size_t frame_size;
    std::size_t max_payload;
    std::size_t packets;
  };
  const Case cases[] = {
      {1, 1200, 1},    {1196, 1200, 1},  {1197, 1200, 2}, {2392, 1200, 2},
      {2393, 1200, 3}, {10000, 1200, 9}, {100, 5, 100},
  };
  for (const Case& c : cases) {
    INFO(c.frame_size << " bytes, max " << c.max_payload);
    Vp8Packetizer packetizer(c.max_payload, 0x7FFF);
    const auto frame = fakeFrame(c.frame_size, true, 1);
    const auto payloads = packetizer.packetize(frame);
    REQUIRE(payloads);
    REQUIRE(payloads->size() == c.packets);
    std::vector<std::byte> joined;
    std::size_t smallest = c.max_payload;
    std::size_t largest = 0;
    for (std::size_t i = 0; i < payloads->size(); ++i) {
      const auto& p = (*payloads)[i];
      CHECK(p.size() <= c.max_payload);
      smallest = std::min(smallest, p.size());
      largest = std::max(largest, p.size());
      const auto d = parseVp8Descriptor(p);
      REQUIRE(d);
      CHECK(d->frameStart() == (i == 0));
      CHECK(d->partition_id == 0);
      CHECK(*d->picture_id == 0x7FFF);
      CHECK(d->picture_id_15bit);
      joined.insert(joined.end(), p.begin() + 4, p.end());
    }
    CHECK(largest - smallest <= 1);  // balanced
    CHECK(joined == frame);
    CHECK(packetizer.nextPictureId() == 0);  // wrapped at 2^15
  }
}

TEST_CASE("VP8 packetizer rejects empty and oversized frames") {
  Vp8Packetizer packetizer;
  CHECK_FALSE(packetizer.packetize({}));
  const auto huge = filled(kMaxAssembledFrameBytes + 1, 0);
  const auto r = packetizer.packetize(huge);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::MediaMalformedPacket);
  CHECK(packetizer.nextPictureId() == 0);  // failures use no picture id
}

namespace {

struct FrameSpec {
  std::size_t packets;
  bool key;
};
// One delivery step: packet `packet` of frame `frame`, or kSkip to call
// skipIncomplete (the caller's timer giving up). A duplicate is a repeated step.
struct Step {
  int frame;
  int packet;
};
struct Expected {
  int frame;
  bool after_loss;
};
struct AssemblyCase {
  const char* name;
  std::uint16_t first_sequence;
  std::vector<FrameSpec> frames;
  std::vector<Step> steps;
  std::vector<Expected> expected;
  std::uint64_t dropped;
};

constexpr int kSkip = -1;

// All packets of frames [from, to] in order.
std::vector<Step> inOrder(const std::vector<FrameSpec>& frames, int from, int to) {
  std::vector<Step> steps;
  for (int f = from; f <= to; ++f) {
    for (std::size_t p = 0; p < frames[static_cast<std::size_t>(f)].packets; ++p) {
      steps.push_back({f, static_cast<int>(p)});
    }
  }
  return steps;
}

std::vector<Step> concat(std::vector<std::vector<Step>> parts) {
  std::vector<Step> out;
  for (auto& p : parts) {
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

}  // namespace

TEST_CASE("VP8 depacketizer reassembles frames from a table of deliveries") {
  const std::vector<FrameSpec> three = {{3, true}, {2, false}, {3, false}};
  const std::vector<FrameSpec> four = {{2, true}, {2, false}, {2, false}, {2, true}};
  const std::vector<FrameSpec> big = {{5, true}, {5, false}};
  const AssemblyCase cases[] = {
      {"in order", 1000, three, inOrder(three, 0, 2), {{0, false}, {1, false}, {2, false}}, 0},
      {"reordered inside a frame",
       1000,
       three,
       {{0, 2}, {0, 0}, {0, 1}, {1, 1}, {1, 0}, {2, 1}, {2, 2}, {2, 0}},
       {{0, false}, {1, false}, {2, false}},
       0},
      {"next frame completes before the previous one",
       1000,
       three,
       {{0, 0}, {0, 1}, {1, 0}, {1, 1}, {0, 2}, {2, 0}, {2, 1}, {2, 2}},
       {{0, false}, {1, false}, {2, false}},
       0},
      {"duplicates ignored",
       1000,
       three,
       {{0, 0},
        {0, 0},
        {0, 1},
        {0, 2},
        {0, 2},
        {1, 0},
        {1, 1},
        {1, 1},
        {0, 1},
        {2, 0},
        {2, 1},
        {2, 2},
        {2, 2}},
       {{0, false}, {1, false}, {2, false}},
       0},
      {"lost packet holds later frames until skipped",
       1000,
       three,
       {{0, 0}, {0, 1}, {0, 2}, {1, 0}, {2, 0}, {2, 1}, {2, 2}, {-1, kSkip}},
       {{0, false}, {2, true}},
       1},
      {"lost packet arrives late, nothing lost",
       1000,
       three,
       {{0, 0}, {0, 1}, {0, 2}, {1, 0}, {2, 0}, {2, 1}, {2, 2}, {1, 1}},
       {{0, false}, {1, false}, {2, false}},
       0},
      {"whole frame lost, skip lets the next out",
       1000,
       three,
       concat({inOrder(three, 0, 0), inOrder(three, 2, 2), {{-1, kSkip}}}),
       {{0, false}, {2, true}},
       0},
      {"key frame ends the wait for a lost packet",
       1000,
       four,
       {{0, 0}, {0, 1}, {1, 0}, {2, 0}, {2, 1}, {3, 0}, {3, 1}},
       {{0, false}, {3, true}},
       2},
      {"skip with nothing complete does nothing",
       1000,
       three,
       {{0, 0}, {-1, kSkip}, {0, 1}, {0, 2}},
       {{0, false}},
       0},
      {"stream joined mid-frame waits for a key frame",
       1000,
       four,
       concat({{{0, 1}}, inOrder(four, 1, 3)}),
       {{3, true}},
       3},
      {"sequence numbers wrap at 65535",
       65533,
       three,
       {{0, 0}, {0, 1}, {0, 2}, {1, 1}, {1, 0}, {2, 0}, {2, 2}, {2, 1}},
       {{0, false}, {1, false}, {2, false}},
       0},
      {"wrap inside a reordered frame",
       65533,
       big,
       {{0, 4}, {0, 0}, {0, 3}, {0, 1}, {0, 2}, {1, 1}, {1, 0}, {1, 4}, {1, 2}, {1, 3}},
       {{0, false}, {1, false}},
       0},
      {"loss across the wrap, then skip",
       65533,
       big,
       {{0, 0}, {0, 1}, {0, 2}, {0, 4}, {1, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}, {-1, kSkip}},
       {{1, true}},
       1},
      {"packet from an emitted frame is late",
       1000,
       three,
       concat({inOrder(three, 0, 1), {{0, 1}, {0, 0}}, inOrder(three, 2, 2)}),
       {{0, false}, {1, false}, {2, false}},
       0},
  };

  for (const AssemblyCase& c : cases) {
    SECTION(c.name) {
      // Packetize every frame so each payload carries 10 bytes of data.
      Vp8Packetizer packetizer(4 + 10, 100);
      std::vector<std::vector<std::vector<std::byte>>> payloads;
      std::vector<std::vector<std::byte>> frames;
      std::vector<std::uint16_t> first_seq;
      std::uint16_t seq = c.first_sequence;
      for (std::size_t f = 0; f < c.frames.size(); ++f) {
        frames.push_back(fakeFrame(10 * c.frames[f].packets, c.frames[f].key, static_cast<int>(f)));
        auto p = packetizer.packetize(frames.back());
        REQUIRE(p);
        REQUIRE(p->size() == c.frames[f].packets);
        payloads.push_back(std::move(*p));
        first_seq.push_back(seq);
        seq = static_cast<std::uint16_t>(seq + c.frames[f].packets);
      }

      Vp8Depacketizer depacketizer;
      std::vector<AssembledFrame> out;
      for (const Step& step : c.steps) {
        if (step.packet == kSkip) {
          depacketizer.assembler().skipIncomplete(out);
          continue;
        }
        const auto f = static_cast<std::size_t>(step.frame);
        const auto p = static_cast<std::size_t>(step.packet);
        const auto r = depacketizer.insert(static_cast<std::uint16_t>(first_seq[f] + p),
                                           static_cast<std::uint32_t>(3000 * (f + 1)),
                                           p + 1 == payloads[f].size(), payloads[f][p], out);
        REQUIRE(r);
      }
      REQUIRE(out.size() == c.expected.size());
      for (std::size_t i = 0; i < out.size(); ++i) {
        const auto f = static_cast<std::size_t>(c.expected[i].frame);
        INFO("output " << i << " should be frame " << f);
        CHECK(out[i].timestamp == 3000 * (f + 1));
        CHECK(out[i].data == frames[f]);
        CHECK(out[i].key_frame == c.frames[f].key);
        CHECK(out[i].after_loss == c.expected[i].after_loss);
        CHECK(out[i].first_sequence == first_seq[f]);
        CHECK(out[i].last_sequence ==
              static_cast<std::uint16_t>(first_seq[f] + c.frames[f].packets - 1));
        CHECK(*out[i].picture_id == static_cast<std::uint16_t>(100 + f));
      }
      CHECK(depacketizer.assembler().stats().frames_dropped == c.dropped);
      CHECK(depacketizer.assembler().stats().frames_emitted == c.expected.size());
    }
  }
}

TEST_CASE("VP8 depacketizer rejects malformed payloads without changing state") {
  Vp8Depacketizer depacketizer;
  std::vector<AssembledFrame> out;
  const auto r = depacketizer.insert(1, 1, true, bytes({0x90, 0x80}), out);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::MediaMalformedPacket);
  CHECK(depacketizer.assembler().bufferedPackets() == 0);
  // A single-packet frame with the minimal descriptor.
  const auto ok = depacketizer.insert(2, 1, true, bytes({0x10, 0x00, 0x01}), out);
  REQUIRE(ok);
  CHECK(*ok == InsertOutcome::Buffered);
  REQUIRE(out.size() == 1);
  CHECK(out[0].key_frame);
  CHECK_FALSE(out[0].picture_id);
  CHECK(out[0].data == bytes({0x00, 0x01}));
}
