#include "media/rtp/vp8_payload.h"

#include <algorithm>
#include <string>

#include "core/base/thread_check.h"
#include "media/rtp/byte_io.h"

namespace parley::media {

namespace {

using detail::readU8;

Unexpected malformed(std::string why) {
  return makeError(ErrorCode::MediaMalformedPacket, "VP8 payload: " + std::move(why));
}

}  // namespace

Result<Vp8Descriptor> parseVp8Descriptor(std::span<const std::byte> payload) {
  Vp8Descriptor d;
  std::size_t pos = 0;
  const auto need = [&](const char* what) -> Result<void> {
    if (pos >= payload.size()) {
      return malformed(std::string("descriptor truncated before ") + what);
    }
    return {};
  };
  if (auto ok = need("its first byte"); !ok) {
    return makeError(std::move(ok).error());
  }
  const std::uint8_t b0 = readU8(payload, pos++);
  d.non_reference = (b0 & 0x20U) != 0;
  d.start_of_partition = (b0 & 0x10U) != 0;
  d.partition_id = static_cast<std::uint8_t>(b0 & 0x07U);
  if ((b0 & 0x80U) != 0) {  // X: extension byte follows
    if (auto ok = need("the extension byte"); !ok) {
      return makeError(std::move(ok).error());
    }
    const std::uint8_t x = readU8(payload, pos++);
    if ((x & 0x80U) != 0) {  // I: picture id
      if (auto ok = need("the picture id"); !ok) {
        return makeError(std::move(ok).error());
      }
      const std::uint8_t p0 = readU8(payload, pos++);
      if ((p0 & 0x80U) != 0) {
        if (auto ok = need("the picture id's second byte"); !ok) {
          return makeError(std::move(ok).error());
        }
        const std::uint8_t p1 = readU8(payload, pos++);
        d.picture_id = static_cast<std::uint16_t>(((p0 & 0x7FU) << 8U) | p1);
        d.picture_id_15bit = true;
      } else {
        d.picture_id = p0;
      }
    }
    if ((x & 0x40U) != 0) {  // L: TL0PICIDX
      if (auto ok = need("TL0PICIDX"); !ok) {
        return makeError(std::move(ok).error());
      }
      d.tl0_pic_idx = readU8(payload, pos++);
    }
    if ((x & 0x30U) != 0) {  // T or K: one shared byte
      if (auto ok = need("the TID/KEYIDX byte"); !ok) {
        return makeError(std::move(ok).error());
      }
      const std::uint8_t t = readU8(payload, pos++);
      if ((x & 0x20U) != 0) {
        d.temporal_id = static_cast<std::uint8_t>(t >> 6U);
        d.layer_sync = (t & 0x20U) != 0;
      }
      if ((x & 0x10U) != 0) {
        d.key_idx = static_cast<std::uint8_t>(t & 0x1FU);
      }
    }
  }
  if (pos >= payload.size()) {
    return malformed("no VP8 data after the " + std::to_string(pos) + "-byte descriptor");
  }
  d.size = pos;
  return d;
}

Vp8Packetizer::Vp8Packetizer(std::size_t max_payload_size, std::uint16_t first_picture_id)
    : max_payload_size_(std::max(max_payload_size, kDescriptorSize + 1)),
      picture_id_(static_cast<std::uint16_t>(first_picture_id & 0x7FFFU)) {
  PARLEY_DCHECK(max_payload_size > kDescriptorSize);
}

Result<std::vector<std::vector<std::byte>>> Vp8Packetizer::packetize(
    std::span<const std::byte> frame) {
  if (frame.empty()) {
    return malformed("cannot packetize an empty frame");
  }
  if (frame.size() > kMaxAssembledFrameBytes) {
    return malformed("frame of " + std::to_string(frame.size()) + " bytes exceeds " +
                     std::to_string(kMaxAssembledFrameBytes));
  }
  const std::vector<std::size_t> sizes =
      detail::balancedSplit(frame.size(), max_payload_size_ - kDescriptorSize);
  std::vector<std::vector<std::byte>> payloads;
  payloads.reserve(sizes.size());
  std::size_t pos = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    std::vector<std::byte> p;
    p.reserve(kDescriptorSize + sizes[i]);
    detail::appendU8(p, 0x80U | (i == 0 ? 0x10U : 0U));  // X, S on the first, PID 0
    detail::appendU8(p, 0x80U);                          // I
    detail::appendU16(p, 0x8000U | picture_id_);         // M=1: 15-bit picture id
    const auto piece = frame.subspan(pos, sizes[i]);
    p.insert(p.end(), piece.begin(), piece.end());
    pos += sizes[i];
    payloads.push_back(std::move(p));
  }
  PARLEY_DCHECK(pos == frame.size());
  picture_id_ = static_cast<std::uint16_t>((picture_id_ + 1U) & 0x7FFFU);
  return payloads;
}

Result<InsertOutcome> Vp8Depacketizer::insert(std::uint16_t sequence, std::uint32_t timestamp,
                                              bool marker, std::span<const std::byte> payload,
                                              std::vector<AssembledFrame>& ready) {
  auto descriptor = parseVp8Descriptor(payload);
  if (!descriptor) {
    return makeError(std::move(descriptor).error());
  }
  PayloadPacket packet;
  packet.sequence = sequence;
  packet.timestamp = timestamp;
  packet.frame_start = descriptor->frameStart();
  packet.frame_end = marker;
  packet.data = payload.subspan(descriptor->size);
  if (packet.frame_start) {
    // VP8 payload header (RFC 7741 4.3): P bit, inverse key frame flag.
    packet.key_frame = (readU8(packet.data, 0) & 0x01U) == 0;
    packet.picture_id = descriptor->picture_id;
  }
  return assembler_.insert(packet, ready);
}

}  // namespace parley::media
