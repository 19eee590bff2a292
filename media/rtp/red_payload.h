#pragma once
// RTP payload for redundant audio (RED, RFC 2198): one packet carries the
// current Opus frame (the primary) and copies of the one or two frames sent
// before it, so a receiver that lost those packets can still play them.
// Sent only while the receivers report enough loss to pay for it
// (docs/media.md, "Voice under loss").
//
//   redundant header: F=1 | block PT (7) | timestamp offset (14) | length (10)
//   primary header:   F=0 | block PT (7)
//   then the blocks' data in header order, the primary's last.
//
// Parley's rule on top of RFC 2198 (its receivers rely on it): the redundant
// blocks are the packets sent just before this one, consecutive, oldest
// first, so the i-th of n blocks is the packet n - i sequence numbers back.
// Plain functions and value types; no allocation; any thread.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/base/result.h"

namespace parley::media {

// Redundant blocks one packet may carry; more is refused (Parley sends two
// at most, browsers one or two).
inline constexpr std::size_t kMaxRedBlocks = 4;
inline constexpr std::uint32_t kMaxRedTimestampOffset = 0x3FFF;  // 14 bits
inline constexpr std::size_t kMaxRedBlockLength = 0x3FF;         // 10 bits
inline constexpr std::size_t kRedHeaderSize = 4;                 // per redundant block
inline constexpr std::size_t kRedPrimaryHeaderSize = 1;

struct RedBlock {
  std::uint8_t payload_type = 0;
  std::uint32_t timestamp_offset = 0;  // behind the RTP header's timestamp
  std::span<const std::byte> data;     // into the parsed payload
};

struct RedPayloadView {
  std::array<RedBlock, kMaxRedBlocks> blocks{};  // the redundant ones, as sent
  std::size_t redundant_count = 0;
  std::uint8_t primary_payload_type = 0;
  std::span<const std::byte> primary;

  [[nodiscard]] std::span<const RedBlock> redundant() const {
    return {blocks.data(), redundant_count};
  }
};

// Parses a RED payload from untrusted bytes. Fails with MediaMalformedPacket
// (naming the count or the overrun) when: the headers run past the end, more
// than kMaxRedBlocks redundant blocks are listed, the blocks' lengths add up
// to more than follows the headers, or the primary is empty. Never reads
// outside `payload`.
Result<RedPayloadView> parseRed(std::span<const std::byte> payload);

// Writes `redundant` (oldest first) and the primary into `out`; returns the
// bytes written. Fails when a block breaks the format's limits (payload type
// >= 128, offset over 14 bits, length over 10 bits, more than kMaxRedBlocks)
// or `out` is too small; `out` is then unspecified.
Result<std::size_t> writeRed(std::span<const RedBlock> redundant, std::uint8_t primary_payload_type,
                             std::span<const std::byte> primary, std::span<std::byte> out);

}  // namespace parley::media
