#include "media/rtp/frame_assembler.h"

#include <catch2/catch.hpp>

#include "tests/media/rtp/packet_bytes.h"

using namespace parley::media;  // NOLINT(google-build-using-namespace): test of one namespace
using parley::media::test::filled;

namespace {

PayloadPacket packet(std::uint16_t seq, std::uint32_t ts, bool start, bool end,
                     const std::vector<std::byte>& data, bool key = false) {
  PayloadPacket p;
  p.sequence = seq;
  p.timestamp = ts;
  p.frame_start = start;
  p.frame_end = end;
  p.key_frame = key;
  p.data = data;
  return p;
}

}  // namespace

TEST_CASE("FrameAssembler: padding packets fill sequence gaps") {
  FrameAssembler a;
  std::vector<AssembledFrame> out;
  const auto data = filled(10, 1);
  CHECK(a.insert(packet(10, 100, true, true, data, true), out) == InsertOutcome::Buffered);
  // 11 and 12 are padding, sent before and after the next frame arrives.
  a.insertPadding(11, out);
  CHECK(a.insert(packet(13, 200, true, true, data), out) == InsertOutcome::Buffered);
  CHECK(out.size() == 1);  // 12 still missing
  a.insertPadding(12, out);
  REQUIRE(out.size() == 2);
  CHECK_FALSE(out[1].after_loss);
  CHECK(out[1].timestamp == 200);
  a.insertPadding(12, out);  // duplicate padding: late now
  CHECK(a.stats().packets_late == 1);
}

TEST_CASE("FrameAssembler: outcomes for duplicate and late packets") {
  FrameAssembler a;
  std::vector<AssembledFrame> out;
  const auto data = filled(10, 1);
  CHECK(a.insert(packet(5, 1, true, false, data, true), out) == InsertOutcome::Buffered);
  CHECK(a.insert(packet(5, 1, true, false, data, true), out) == InsertOutcome::Duplicate);
  CHECK(a.insert(packet(6, 1, false, true, data), out) == InsertOutcome::Buffered);
  REQUIRE(out.size() == 1);
  CHECK(a.insert(packet(6, 1, false, true, data), out) == InsertOutcome::Late);
  CHECK(a.insert(packet(4, 1, false, false, data), out) == InsertOutcome::Late);
  CHECK(a.stats().packets_duplicate == 1);
  CHECK(a.stats().packets_late == 2);
  CHECK(a.bufferedPackets() == 0);
  CHECK(a.bufferedBytes() == 0);
}

TEST_CASE("FrameAssembler: a frame over the size limit is dropped") {
  FrameAssembler a;
  std::vector<AssembledFrame> out;
  const auto chunk = filled(64 * 1024, 2);
  std::uint16_t seq = 0;
  InsertOutcome last = InsertOutcome::Buffered;
  for (std::size_t i = 0; i * chunk.size() <= kMaxAssembledFrameBytes; ++i, ++seq) {
    last = a.insert(packet(seq, 7, i == 0, false, chunk, true), out);
  }
  CHECK(last == InsertOutcome::TooLarge);
  CHECK(a.stats().frames_dropped == 1);
  CHECK(a.bufferedBytes() == 0);
  CHECK(a.takeDroppedFrames() == std::vector<std::uint32_t>{7});
  CHECK(a.takeDroppedFrames().empty());
  CHECK(out.empty());
}

TEST_CASE("FrameAssembler: memory stays bounded under endless incomplete frames") {
  FrameAssembler a;
  std::vector<AssembledFrame> out;
  const auto data = filled(100, 3);
  // Every frame misses its last packet: nothing ever completes.
  for (std::uint32_t i = 0; i < 1000; ++i) {
    (void)a.insert(packet(static_cast<std::uint16_t>(i * 2), i, true, false, data), out);
    CHECK(a.pendingFrames() <= kMaxPendingFrames);
  }
  CHECK(out.empty());
  CHECK(a.stats().frames_dropped == 1000 - kMaxPendingFrames);
  CHECK(a.takeDroppedFrames().size() == kMaxDroppedFramesKept);
  CHECK(a.bufferedBytes() == kMaxPendingFrames * data.size());
}

TEST_CASE("FrameAssembler: a complete frame stuck behind a gap is let out by the bounds") {
  FrameAssembler a;
  std::vector<AssembledFrame> out;
  const auto data = filled(10, 4);
  REQUIRE(a.insert(packet(0, 0, true, true, data, true), out) == InsertOutcome::Buffered);
  // Sequence 1 never comes; frames 2.. are complete single-packet frames.
  for (std::uint32_t i = 1; i <= kMaxPendingFrames + 1; ++i) {
    (void)a.insert(packet(static_cast<std::uint16_t>(i + 1), i, true, true, data), out);
  }
  REQUIRE(out.size() >= 2);
  CHECK(out[1].after_loss);
  CHECK(out[1].timestamp == 1);
  CHECK(a.stats().frames_dropped == 0);
  CHECK(a.pendingFrames() == 0);  // the rest followed in order
}

TEST_CASE("FrameAssembler: a packet far beyond the window ages the old ones out") {
  FrameAssembler a;
  std::vector<AssembledFrame> out;
  const auto data = filled(10, 5);
  (void)a.insert(packet(100, 1, true, false, data, true), out);
  (void)a.insert(packet(static_cast<std::uint16_t>(100 + kMaxSequenceSpan + 1), 2, true, true, data,
                        true),
                 out);
  CHECK(a.stats().frames_dropped == 1);
  REQUIRE(out.size() == 1);
  CHECK(out[0].timestamp == 2);
  CHECK(a.insert(packet(101, 1, false, true, data), out) == InsertOutcome::Late);
}
