#pragma once
// Retransmission (RTX, RFC 4588, SSRC-multiplexed): a lost video packet sent
// again on a stream of its own, so the original stream's sequence numbers,
// SRTP replay windows and loss statistics never see a packet twice. An RTX
// packet is the original's header with the RTX payload type, the RTX SSRC
// and the RTX stream's own sequence number, followed by the original
// sequence number (OSN) and the original payload.
//
// Association without negotiation: both ends are Parley. The RTX payload
// type is the original's plus one (VP8 96 -> 97, VP9 98 -> 99), and a
// stream's RTX SSRC is its SSRC with kRtxSsrcBit set; the server assigns
// SSRCs with that bit clear (core/server/media/media_ssrc.h, docs/media.md
// "Retransmission"). Plain functions over untrusted bytes: safe on any thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/base/result.h"

namespace parley::media {

inline constexpr std::uint32_t kRtxSsrcBit = 0x8;

constexpr std::uint32_t rtxSsrcFor(std::uint32_t media_ssrc) { return media_ssrc | kRtxSsrcBit; }
constexpr bool isRtxSsrc(std::uint32_t ssrc) { return (ssrc & kRtxSsrcBit) != 0; }
constexpr std::uint32_t mediaSsrcForRtx(std::uint32_t rtx_ssrc) { return rtx_ssrc & ~kRtxSsrcBit; }

// The RTX payload type of a video payload type, and back; nullopt for
// anything that has none (audio, RTX itself, unknown types).
std::optional<std::uint8_t> rtxPayloadTypeFor(std::uint8_t media_payload_type);
std::optional<std::uint8_t> mediaPayloadTypeForRtx(std::uint8_t rtx_payload_type);

// Writes the RTX packet for `original` (a plain RTP packet) into `out`
// (replacing its contents): padding is left off, marker, timestamp and
// header extension are kept. Fails with MediaMalformedPacket when `original`
// does not parse, its payload type has no RTX type, or the result would be
// larger than kMaxMediaPacketSize.
Result<void> wrapRtx(std::span<const std::byte> original, std::uint32_t rtx_ssrc,
                     std::uint16_t rtx_sequence, std::vector<std::byte>& out);

struct UnwrappedRtx {
  std::uint32_t media_ssrc = 0;
  std::uint16_t original_sequence = 0;
};

// Turns an RTX packet from the network back into the original packet in
// `out` (replacing its contents). Fails with MediaMalformedPacket, saying
// why, when: it does not parse as RTP, its payload type is not an RTX type,
// its SSRC lacks kRtxSsrcBit, or its payload is shorter than the OSN.
Result<UnwrappedRtx> unwrapRtx(std::span<const std::byte> rtx, std::vector<std::byte>& out);

}  // namespace parley::media
