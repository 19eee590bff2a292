// Fuzzes Vp8Depacketizer and Vp9Depacketizer (and FrameAssembler under
// them) with arbitrary packet sequences, and the VP8 packetizer/depacketizer
// pair with arbitrary frames delivered in arbitrary order.
//
// Input layout: byte 0 picks the mode.
//  - 0 (mod 4) VP8, 2 (mod 4) VP9: a stream of packet records, with the
//    properties of depacketizer_fuzz.h (vp9_depacketizer_fuzzer goes further
//    into VP9: its descriptor alone and its packetizer).
//  - odd: byte 1 sets the payload size limit, byte 2 seeds the delivery
//    order, the rest is one frame. Properties: packetizing then delivering
//    the payloads shuffled (with one duplicated) yields exactly that frame.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "media/rtp/vp8_payload.h"
#include "media/rtp/vp9_payload.h"
#include "tests/fuzz/depacketizer_fuzz.h"

namespace {

using namespace parley::media;  // NOLINT(google-build-using-namespace)
using parley::fuzz::fail;
using parley::fuzz::fuzzStream;

void fuzzRoundTrip(std::span<const std::byte> in) {
  if (in.size() < 3) {
    return;
  }
  const std::size_t max_payload =
      Vp8Packetizer::kDescriptorSize + 1 + static_cast<std::size_t>(in[0]);
  std::uint32_t state = 0x9e3779b9U ^ static_cast<std::uint32_t>(in[1]);
  const auto frame = in.subspan(2);
  Vp8Packetizer packetizer(max_payload, static_cast<std::uint16_t>(state));
  const auto payloads = packetizer.packetize(frame);
  if (!payloads) {
    if (!frame.empty()) {
      fail("packetize refused a valid frame");
    }
    return;
  }
  const std::vector<std::size_t> order = parley::fuzz::shuffledDelivery(payloads->size(), state);

  const auto first_seq = static_cast<std::uint16_t>(state >> 7U);
  const std::vector<AssembledFrame> out =
      parley::fuzz::deliver<Vp8Depacketizer>(*payloads, order, first_seq, max_payload);
  if (out.size() != 1 ||
      !std::equal(out[0].data.begin(), out[0].data.end(), frame.begin(), frame.end())) {
    fail("round trip did not give back the frame");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) {
    return 0;
  }
  const auto in = std::as_bytes(std::span<const std::uint8_t>(data + 1, size - 1));
  if ((data[0] & 3U) == 0) {
    fuzzStream<Vp8Depacketizer>(in);
  } else if ((data[0] & 3U) == 2) {
    fuzzStream<Vp9Depacketizer>(in);
  } else {
    fuzzRoundTrip(in);
  }
  return 0;
}
