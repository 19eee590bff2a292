// Fuzzes the VP9 payload format (media/rtp/vp9_payload.h): the descriptor
// parser alone, Vp9Depacketizer (and FrameAssembler under it) with arbitrary
// packet sequences, and the packetizer/depacketizer pair with arbitrary
// frames delivered in arbitrary order.
//
// Input layout: byte 0 picks the mode (mod 3).
//  - 0: the rest is one payload for parseVp9Descriptor. Properties: an
//    accepted descriptor leaves at least one byte of VP9 data, its fields fit
//    their wire widths, and the same payload cut right after that byte parses
//    to the same descriptor (the parser reads no further than it says).
//  - 1: a stream of packet records, with the properties of
//    depacketizer_fuzz.h.
//  - 2: byte 1 sets the payload size limit, byte 2 seeds the delivery order
//    (its low bit: key frame or not), the rest is one frame. Properties:
//    packetizing then delivering the payloads shuffled (with one duplicated)
//    yields exactly that frame, with its key-frame flag and picture id.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "media/rtp/vp9_payload.h"
#include "tests/fuzz/depacketizer_fuzz.h"

namespace {

using namespace parley::media;  // NOLINT(google-build-using-namespace)
using parley::fuzz::fail;

bool sameFields(const Vp9Descriptor& a, const Vp9Descriptor& b) {
  return a.inter_predicted == b.inter_predicted && a.flexible == b.flexible &&
         a.begin_of_frame == b.begin_of_frame && a.end_of_frame == b.end_of_frame &&
         a.has_scalability_structure == b.has_scalability_structure &&
         a.not_reference == b.not_reference && a.picture_id == b.picture_id &&
         a.temporal_id == b.temporal_id && a.spatial_id == b.spatial_id &&
         a.tl0_pic_idx == b.tl0_pic_idx && a.size == b.size;
}

void fuzzDescriptor(std::span<const std::byte> payload) {
  const auto d = parseVp9Descriptor(payload);
  if (!d) {
    return;
  }
  if (d->size == 0 || d->size >= payload.size()) {
    fail("descriptor size leaves no VP9 data");
  }
  if (d->picture_id.value_or(0) > 0x7FFFU || d->temporal_id.value_or(0) > 7U ||
      d->spatial_id.value_or(0) > 7U) {
    fail("descriptor field wider than on the wire");
  }
  if (d->temporal_id.has_value() != d->spatial_id.has_value() ||
      (d->tl0_pic_idx && (d->flexible || !d->temporal_id))) {
    fail("layer fields set without the L bit, or TL0PICIDX in flexible mode");
  }
  const auto again = parseVp9Descriptor(payload.first(d->size + 1));
  if (!again || !sameFields(*d, *again)) {
    fail("descriptor depends on bytes after it");
  }
}

void fuzzRoundTrip(std::span<const std::byte> in) {
  if (in.size() < 3) {
    return;
  }
  const std::size_t max_payload =
      Vp9Packetizer::kDescriptorSize + 1 + static_cast<std::size_t>(in[0]);
  const bool key_frame = (static_cast<unsigned>(in[1]) & 1U) != 0;
  std::uint32_t state = 0x9e3779b9U ^ static_cast<std::uint32_t>(in[1]);
  const auto frame = in.subspan(2);
  const auto first_picture_id = static_cast<std::uint16_t>(state);
  Vp9Packetizer packetizer(max_payload, first_picture_id);
  const auto payloads = packetizer.packetize(frame, key_frame);
  if (!payloads) {
    if (!frame.empty()) {
      fail("packetize refused a valid frame");
    }
    return;
  }
  const std::vector<std::size_t> order = parley::fuzz::shuffledDelivery(payloads->size(), state);
  const auto first_seq = static_cast<std::uint16_t>(state >> 7U);
  const std::vector<AssembledFrame> out =
      parley::fuzz::deliver<Vp9Depacketizer>(*payloads, order, first_seq, max_payload);
  if (out.size() != 1 ||
      !std::equal(out[0].data.begin(), out[0].data.end(), frame.begin(), frame.end())) {
    fail("round trip did not give back the frame");
  }
  if (out[0].key_frame != key_frame || out[0].picture_id != (first_picture_id & 0x7FFFU)) {
    fail("round trip lost the key-frame flag or the picture id");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) {
    return 0;
  }
  const auto in = std::as_bytes(std::span<const std::uint8_t>(data + 1, size - 1));
  switch (data[0] % 3U) {
    case 0:
      fuzzDescriptor(in);
      break;
    case 1:
      parley::fuzz::fuzzStream<Vp9Depacketizer>(in);
      break;
    default:
      fuzzRoundTrip(in);
      break;
  }
  return 0;
}
