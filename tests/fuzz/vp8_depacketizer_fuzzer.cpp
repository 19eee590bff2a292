// Fuzzes Vp8Depacketizer and Vp9Depacketizer (and FrameAssembler under
// them) with arbitrary packet sequences, and the VP8 packetizer/depacketizer
// pair with arbitrary frames delivered in arbitrary order.
//
// Input layout: byte 0 picks the mode.
//  - 0 (mod 4) VP8, 2 (mod 4) VP9: a stream of records, each [seq hi]
//    [seq lo][timestamp index][flags][length][payload...]; flags bit 0 =
//    marker, bit 1 = padding-only packet, bit 2 = call skipIncomplete after
//    it. Properties: no crash or sanitizer report; memory within the
//    documented bounds; frames come out in increasing sequence order, each
//    within kMaxAssembledFrameBytes.
//  - odd: byte 1 sets the payload size limit, byte 2 seeds the delivery
//    order, the rest is one frame. Properties: packetizing then delivering
//    the payloads shuffled (with one duplicated) yields exactly that frame.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "media/rtp/rtp_packet.h"
#include "media/rtp/vp8_payload.h"
#include "media/rtp/vp9_payload.h"

namespace {

using namespace parley::media;  // NOLINT(google-build-using-namespace)

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz check failed: %s\n", what);
  std::abort();
}

// Mirrors the assembler's sequence unwrapping (fed every sequence number the
// assembler saw, in the same order) and remembers the unwrapped number of
// each buffered packet, to check that emitted frames only move forward.
// Consecutive frames may be more than half the 16-bit space apart (a jump
// ahead forces an old frame out), so the 16-bit numbers alone cannot tell.
struct OrderCheck {
  SequenceUnwrapper unwrapper;
  std::unordered_map<std::uint16_t, std::int64_t> buffered;
  std::optional<std::int64_t> last;

  void saw(std::uint16_t seq, bool kept) {
    const std::int64_t v = unwrapper.unwrap(seq);
    if (kept) {
      buffered[seq] = v;
    }
  }
  void check(const std::vector<AssembledFrame>& frames) {
    for (const AssembledFrame& f : frames) {
      if (f.data.empty() || f.data.size() > kMaxAssembledFrameBytes) {
        fail("emitted frame size out of bounds");
      }
      const auto first = buffered.find(f.first_sequence);
      const auto end = buffered.find(f.last_sequence);
      if (first == buffered.end() || end == buffered.end()) {
        fail("emitted a frame from packets never buffered");
      }
      if (end->second < first->second || (last && first->second <= *last)) {
        fail("frames out of sequence order");
      }
      last = end->second;
    }
  }
};

void checkBounds(const FrameAssembler& a) {
  if (a.pendingFrames() > kMaxPendingFrames || a.bufferedPackets() > kMaxBufferedPackets ||
      a.bufferedBytes() > kMaxBufferedBytes) {
    fail("assembler holds more than its bounds");
  }
}

template <typename Depacketizer>
void fuzzStream(std::span<const std::byte> in) {
  Depacketizer depacketizer;
  std::vector<AssembledFrame> out;
  OrderCheck order;
  std::size_t pos = 0;
  while (in.size() - pos >= 5) {
    const auto seq = static_cast<std::uint16_t>((static_cast<unsigned>(in[pos]) << 8U) |
                                                static_cast<unsigned>(in[pos + 1]));
    const auto ts = static_cast<std::uint32_t>(in[pos + 2]) * 3000U;
    const auto flags = static_cast<unsigned>(in[pos + 3]);
    const std::size_t len = std::min(static_cast<std::size_t>(in[pos + 4]), in.size() - pos - 5);
    const auto payload = in.subspan(pos + 5, len);
    pos += 5 + len;
    if ((flags & 0x02U) != 0) {
      depacketizer.assembler().insertPadding(seq, out);
      order.saw(seq, false);
    } else if (const auto r = depacketizer.insert(seq, ts, (flags & 0x01U) != 0, payload, out)) {
      order.saw(seq, *r == InsertOutcome::Buffered);
    }
    order.check(out);
    out.clear();
    if ((flags & 0x04U) != 0) {
      (void)depacketizer.assembler().skipIncomplete(out);
      order.check(out);
      out.clear();
    }
    checkBounds(depacketizer.assembler());
    if (depacketizer.assembler().takeDroppedFrames().size() > kMaxDroppedFramesKept) {
      fail("too many dropped frames kept");
    }
  }
}

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
  std::vector<std::size_t> order(payloads->size());
  std::iota(order.begin(), order.end(), 0);
  for (std::size_t i = order.size(); i > 1; --i) {
    state ^= state << 13U;
    state ^= state >> 17U;
    state ^= state << 5U;
    std::swap(order[i - 1], order[state % i]);
  }
  order.push_back(order[state % order.size()]);  // one duplicate

  const auto first_seq = static_cast<std::uint16_t>(state >> 7U);
  Vp8Depacketizer depacketizer;
  std::vector<AssembledFrame> out;
  for (const std::size_t i : order) {
    const auto& p = (*payloads)[i];
    if (p.size() > max_payload) {
      fail("payload over the size limit");
    }
    const auto r = depacketizer.insert(static_cast<std::uint16_t>(first_seq + i), 90000,
                                       i + 1 == payloads->size(), p, out);
    if (!r) {
      fail("depacketizer refused a packetizer payload");
    }
  }
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
