#include "media/rtp/red_payload.h"

#include <algorithm>
#include <string>

namespace parley::media {
namespace {

constexpr std::uint8_t kFollowsBit = 0x80;
constexpr std::uint8_t kPayloadTypeMask = 0x7F;

Unexpected malformed(std::string what) {
  return makeError(ErrorCode::MediaMalformedPacket, "RED payload: " + std::move(what));
}

std::uint8_t byteAt(std::span<const std::byte> p, std::size_t at) {
  return static_cast<std::uint8_t>(p[at]);
}

}  // namespace

Result<RedPayloadView> parseRed(std::span<const std::byte> payload) {
  RedPayloadView view;
  std::size_t at = 0;
  std::size_t listed = 0;  // redundant headers, counted past the bound for the message
  std::size_t data_bytes = 0;
  std::array<std::size_t, kMaxRedBlocks> lengths{};
  while (true) {
    if (at >= payload.size()) {
      return malformed("block headers run past the end (" + std::to_string(payload.size()) +
                       " bytes)");
    }
    const std::uint8_t first = byteAt(payload, at);
    if ((first & kFollowsBit) == 0) {
      view.primary_payload_type = first & kPayloadTypeMask;
      at += kRedPrimaryHeaderSize;
      break;
    }
    if (payload.size() - at < kRedHeaderSize) {
      return malformed("block header " + std::to_string(listed + 1) + " runs past the end");
    }
    const std::uint8_t b1 = byteAt(payload, at + 1);
    const std::uint8_t b2 = byteAt(payload, at + 2);
    const std::uint8_t b3 = byteAt(payload, at + 3);
    const std::size_t length = (static_cast<std::size_t>(b2 & 0x03U) << 8U) | b3;
    if (listed < kMaxRedBlocks) {
      RedBlock& block = view.blocks[listed];
      block.payload_type = first & kPayloadTypeMask;
      block.timestamp_offset = (static_cast<std::uint32_t>(b1) << 6U) | (b2 >> 2U);
      lengths[listed] = length;  // the data's place is known after the last header
    }
    ++listed;
    data_bytes += length;
    at += kRedHeaderSize;
  }
  if (listed > kMaxRedBlocks) {
    return malformed(std::to_string(listed) + " redundant blocks, at most " +
                     std::to_string(kMaxRedBlocks));
  }
  const std::size_t remaining = payload.size() - at;
  if (data_bytes >= remaining) {
    return malformed(std::to_string(listed) + " redundant blocks claim " +
                     std::to_string(data_bytes) + " bytes, " + std::to_string(remaining) +
                     " follow the headers (the primary needs at least 1)");
  }
  view.redundant_count = listed;
  for (std::size_t i = 0; i < listed; ++i) {
    view.blocks[i].data = payload.subspan(at, lengths[i]);
    at += lengths[i];
  }
  view.primary = payload.subspan(at);
  return view;
}

Result<std::size_t> writeRed(std::span<const RedBlock> redundant, std::uint8_t primary_payload_type,
                             std::span<const std::byte> primary, std::span<std::byte> out) {
  if (redundant.size() > kMaxRedBlocks) {
    return malformed(std::to_string(redundant.size()) + " redundant blocks, at most " +
                     std::to_string(kMaxRedBlocks));
  }
  if (primary_payload_type > kPayloadTypeMask || primary.empty()) {
    return malformed("bad primary");
  }
  std::size_t total = kRedPrimaryHeaderSize + primary.size();
  for (const RedBlock& block : redundant) {
    if (block.payload_type > kPayloadTypeMask || block.timestamp_offset > kMaxRedTimestampOffset ||
        block.data.size() > kMaxRedBlockLength) {
      return malformed("a redundant block outside the format's limits");
    }
    total += kRedHeaderSize + block.data.size();
  }
  if (total > out.size()) {
    return malformed(std::to_string(total) + " bytes do not fit in " + std::to_string(out.size()));
  }
  std::size_t at = 0;
  for (const RedBlock& block : redundant) {
    const auto length = static_cast<std::uint32_t>(block.data.size());
    out[at] = static_cast<std::byte>(kFollowsBit | block.payload_type);
    out[at + 1] = static_cast<std::byte>(block.timestamp_offset >> 6U);
    out[at + 2] = static_cast<std::byte>(((block.timestamp_offset & 0x3FU) << 2U) | (length >> 8U));
    out[at + 3] = static_cast<std::byte>(length & 0xFFU);
    at += kRedHeaderSize;
  }
  out[at++] = static_cast<std::byte>(primary_payload_type);
  for (const RedBlock& block : redundant) {
    std::copy(block.data.begin(), block.data.end(), out.begin() + static_cast<std::ptrdiff_t>(at));
    at += block.data.size();
  }
  std::copy(primary.begin(), primary.end(), out.begin() + static_cast<std::ptrdiff_t>(at));
  return at + primary.size();
}

}  // namespace parley::media
