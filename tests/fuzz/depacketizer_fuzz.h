#pragma once
// What the VP8 and VP9 depacketizer fuzzers share: a packet stream read from
// the fuzzer's bytes and the assembler's properties checked after every
// packet, and a shuffled delivery order for the packetizer round trips.
//
// Stream records: [seq hi][seq lo][timestamp index][flags][length][payload...];
// flags bit 0 = marker, bit 1 = padding-only packet, bit 2 = call
// skipIncomplete after it. Properties: no crash or sanitizer report; memory
// within the documented bounds; frames come out in increasing sequence order,
// each within kMaxAssembledFrameBytes.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "media/rtp/frame_assembler.h"
#include "media/rtp/rtp_packet.h"
#include "tests/fuzz/fuzz_check.h"

namespace parley::fuzz {

// Mirrors the assembler's sequence unwrapping (fed every sequence number the
// assembler saw, in the same order) and remembers the unwrapped number of
// each buffered packet, to check that emitted frames only move forward.
// Consecutive frames may be more than half the 16-bit space apart (a jump
// ahead forces an old frame out), so the 16-bit numbers alone cannot tell.
struct OrderCheck {
  media::SequenceUnwrapper unwrapper;
  std::unordered_map<std::uint16_t, std::int64_t> buffered;
  std::optional<std::int64_t> last;

  void saw(std::uint16_t seq, bool kept) {
    const std::int64_t v = unwrapper.unwrap(seq);
    if (kept) {
      buffered[seq] = v;
    }
  }
  void check(const std::vector<media::AssembledFrame>& frames) {
    for (const media::AssembledFrame& f : frames) {
      if (f.data.empty() || f.data.size() > media::kMaxAssembledFrameBytes) {
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

inline void checkBounds(const media::FrameAssembler& a) {
  if (a.pendingFrames() > media::kMaxPendingFrames ||
      a.bufferedPackets() > media::kMaxBufferedPackets ||
      a.bufferedBytes() > media::kMaxBufferedBytes) {
    fail("assembler holds more than its bounds");
  }
}

template <typename Depacketizer>
void fuzzStream(std::span<const std::byte> in) {
  Depacketizer depacketizer;
  std::vector<media::AssembledFrame> out;
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
      order.saw(seq, *r == media::InsertOutcome::Buffered);
    }
    order.check(out);
    out.clear();
    if ((flags & 0x04U) != 0) {
      (void)depacketizer.assembler().skipIncomplete(out);
      order.check(out);
      out.clear();
    }
    checkBounds(depacketizer.assembler());
    if (depacketizer.assembler().takeDroppedFrames().size() > media::kMaxDroppedFramesKept) {
      fail("too many dropped frames kept");
    }
  }
}

// The indices 0..count-1 shuffled by a xorshift seeded with `state`, plus one
// of them again at the end (a duplicate), for count > 0. Advances `state`.
inline std::vector<std::size_t> shuffledDelivery(std::size_t count, std::uint32_t& state) {
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  for (std::size_t i = order.size(); i > 1; --i) {
    state ^= state << 13U;
    state ^= state >> 17U;
    state ^= state << 5U;
    std::swap(order[i - 1], order[state % i]);
  }
  order.push_back(order[state % order.size()]);
  return order;
}

// A packetizer's payloads of one frame fed to a fresh depacketizer in
// `order`, each checked against the packetizer's size limit; the frames the
// depacketizer gave back, which a round trip expects to be exactly one.
template <typename Depacketizer, typename Payloads>
std::vector<media::AssembledFrame> deliver(const Payloads& payloads,
                                           const std::vector<std::size_t>& order,
                                           std::uint16_t first_seq, std::size_t max_payload) {
  Depacketizer depacketizer;
  std::vector<media::AssembledFrame> out;
  for (const std::size_t i : order) {
    const auto& p = payloads[i];
    if (p.size() > max_payload) {
      fail("payload over the size limit");
    }
    const auto r = depacketizer.insert(static_cast<std::uint16_t>(first_seq + i), 90000,
                                       i + 1 == payloads.size(), p, out);
    if (!r) {
      fail("depacketizer refused a packetizer payload");
    }
  }
  return out;
}

}  // namespace parley::fuzz
