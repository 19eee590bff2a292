#include "media/rtp/rtx.h"

#include <string>

#include "media/rtp/payload_types.h"
#include "media/rtp/rtp_packet.h"

namespace parley::media {
namespace {

Unexpected malformed(std::string why) {
  return makeError(ErrorCode::MediaMalformedPacket, "RTX: " + std::move(why));
}

constexpr std::uint8_t kPaddingBit = 0x20;
constexpr std::uint8_t kMarkerBit = 0x80;
constexpr std::size_t kOsnSize = 2;

// The header of `packet` as it was on the wire: everything before the
// payload (CSRCs and extension included), with the padding bit cleared
// because the copy carries no padding.
void copyHeader(std::span<const std::byte> packet, const RtpPacketView& view,
                std::vector<std::byte>& out) {
  const auto header_size = static_cast<std::size_t>(view.payload.data() - packet.data());
  out.assign(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(header_size));
  out[0] = static_cast<std::byte>(static_cast<std::uint8_t>(out[0]) & ~kPaddingBit);
}

void setTypeSequenceSsrc(std::vector<std::byte>& out, bool marker, std::uint8_t payload_type,
                         std::uint16_t sequence, std::uint32_t ssrc) {
  out[1] = static_cast<std::byte>((marker ? kMarkerBit : 0) | (payload_type & 0x7F));
  out[2] = static_cast<std::byte>(sequence >> 8);
  out[3] = static_cast<std::byte>(sequence & 0xFF);
  out[8] = static_cast<std::byte>(ssrc >> 24);
  out[9] = static_cast<std::byte>((ssrc >> 16) & 0xFF);
  out[10] = static_cast<std::byte>((ssrc >> 8) & 0xFF);
  out[11] = static_cast<std::byte>(ssrc & 0xFF);
}

}  // namespace

std::optional<std::uint8_t> rtxPayloadTypeFor(std::uint8_t media_payload_type) {
  if (media_payload_type == kVp8PayloadType || media_payload_type == kVp9PayloadType) {
    return static_cast<std::uint8_t>(media_payload_type + 1);
  }
  return std::nullopt;
}

std::optional<std::uint8_t> mediaPayloadTypeForRtx(std::uint8_t rtx_payload_type) {
  if (rtx_payload_type == kVp8PayloadType + 1 || rtx_payload_type == kVp9PayloadType + 1) {
    return static_cast<std::uint8_t>(rtx_payload_type - 1);
  }
  return std::nullopt;
}

Result<void> wrapRtx(std::span<const std::byte> original, std::uint32_t rtx_ssrc,
                     std::uint16_t rtx_sequence, std::vector<std::byte>& out) {
  auto view = parseRtp(original);
  if (!view) {
    return makeError(std::move(view).error());
  }
  const auto rtx_pt = rtxPayloadTypeFor(view->header.payload_type);
  if (!rtx_pt) {
    return malformed("payload type " + std::to_string(view->header.payload_type) +
                     " has no retransmission format");
  }
  const auto header_size = static_cast<std::size_t>(view->payload.data() - original.data());
  if (header_size + kOsnSize + view->payload.size() > kMaxMediaPacketSize) {
    return malformed("a retransmission of " + std::to_string(original.size()) +
                     " bytes would exceed " + std::to_string(kMaxMediaPacketSize));
  }
  copyHeader(original, *view, out);
  setTypeSequenceSsrc(out, view->header.marker, *rtx_pt, rtx_sequence, rtx_ssrc);
  out.push_back(static_cast<std::byte>(view->header.sequence >> 8));
  out.push_back(static_cast<std::byte>(view->header.sequence & 0xFF));
  out.insert(out.end(), view->payload.begin(), view->payload.end());
  return {};
}

Result<UnwrappedRtx> unwrapRtx(std::span<const std::byte> rtx, std::vector<std::byte>& out) {
  auto view = parseRtp(rtx);
  if (!view) {
    return makeError(std::move(view).error());
  }
  const auto media_pt = mediaPayloadTypeForRtx(view->header.payload_type);
  if (!media_pt) {
    return malformed("payload type " + std::to_string(view->header.payload_type) +
                     " is not a retransmission format");
  }
  if (!isRtxSsrc(view->header.ssrc)) {
    return malformed("SSRC " + std::to_string(view->header.ssrc) + " is not a retransmission SSRC");
  }
  if (view->payload.size() < kOsnSize) {
    return malformed("payload of " + std::to_string(view->payload.size()) +
                     " bytes has no original sequence number");
  }
  UnwrappedRtx result;
  result.media_ssrc = mediaSsrcForRtx(view->header.ssrc);
  result.original_sequence =
      static_cast<std::uint16_t>((static_cast<std::uint16_t>(view->payload[0]) << 8) |
                                 static_cast<std::uint16_t>(view->payload[1]));
  copyHeader(rtx, *view, out);
  setTypeSequenceSsrc(out, view->header.marker, *media_pt, result.original_sequence,
                      result.media_ssrc);
  out.insert(out.end(), view->payload.begin() + kOsnSize, view->payload.end());
  return result;
}

}  // namespace parley::media
