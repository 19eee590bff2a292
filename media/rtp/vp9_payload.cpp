#include "media/rtp/vp9_payload.h"

#include <algorithm>
#include <string>

#include "core/base/thread_check.h"
#include "media/rtp/byte_io.h"

namespace parley::media {

namespace {

using detail::readU8;

constexpr std::size_t kMaxPDiffs = 3;  // RFC 9628: at most 3 reference indices

Unexpected malformed(std::string why) {
  return makeError(ErrorCode::MediaMalformedPacket, "VP9 payload: " + std::move(why));
}

// Cursor over the descriptor: every read is checked.
class Reader {
 public:
  explicit Reader(std::span<const std::byte> in) : in_(in) {}
  bool read(std::uint8_t& out) {
    if (pos_ >= in_.size()) {
      return false;
    }
    out = readU8(in_, pos_++);
    return true;
  }
  bool skip(std::size_t n) {
    if (in_.size() - pos_ < n) {
      return false;
    }
    pos_ += n;
    return true;
  }
  [[nodiscard]] std::size_t pos() const { return pos_; }

 private:
  std::span<const std::byte> in_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<Vp9Descriptor> parseVp9Descriptor(std::span<const std::byte> payload) {
  Reader r(payload);
  Vp9Descriptor d;
  std::uint8_t b0 = 0;
  if (!r.read(b0)) {
    return malformed("empty payload");
  }
  const bool has_picture_id = (b0 & 0x80U) != 0;
  d.inter_predicted = (b0 & 0x40U) != 0;
  const bool has_layers = (b0 & 0x20U) != 0;
  d.flexible = (b0 & 0x10U) != 0;
  d.begin_of_frame = (b0 & 0x08U) != 0;
  d.end_of_frame = (b0 & 0x04U) != 0;
  d.has_scalability_structure = (b0 & 0x02U) != 0;
  d.not_reference = (b0 & 0x01U) != 0;

  if (has_picture_id) {
    std::uint8_t p0 = 0;
    if (!r.read(p0)) {
      return malformed("descriptor truncated before the picture id");
    }
    if ((p0 & 0x80U) != 0) {
      std::uint8_t p1 = 0;
      if (!r.read(p1)) {
        return malformed("descriptor truncated before the picture id's second byte");
      }
      d.picture_id = static_cast<std::uint16_t>(((p0 & 0x7FU) << 8U) | p1);
    } else {
      d.picture_id = p0;
    }
  }
  if (has_layers) {
    std::uint8_t l = 0;
    if (!r.read(l)) {
      return malformed("descriptor truncated before the layer indices");
    }
    d.temporal_id = static_cast<std::uint8_t>(l >> 5U);
    d.spatial_id = static_cast<std::uint8_t>((l >> 1U) & 0x07U);
    if (!d.flexible) {
      std::uint8_t tl0 = 0;
      if (!r.read(tl0)) {
        return malformed("descriptor truncated before TL0PICIDX");
      }
      d.tl0_pic_idx = tl0;
    }
  }
  if (d.flexible && d.inter_predicted) {
    for (std::size_t i = 0;; ++i) {
      if (i == kMaxPDiffs) {
        return malformed("more than 3 reference indices (P_DIFF)");
      }
      std::uint8_t pdiff = 0;
      if (!r.read(pdiff)) {
        return malformed("descriptor truncated in the reference indices");
      }
      if ((pdiff & 0x01U) == 0) {
        break;
      }
    }
  }
  if (d.has_scalability_structure) {
    std::uint8_t ss = 0;
    if (!r.read(ss)) {
      return malformed("descriptor truncated before the scalability structure");
    }
    const std::size_t spatial_layers = (ss >> 5U) + 1U;
    if ((ss & 0x10U) != 0 && !r.skip(4 * spatial_layers)) {  // Y: width, height each
      return malformed("scalability structure truncated in the resolutions");
    }
    if ((ss & 0x08U) != 0) {  // G: picture group description
      std::uint8_t groups = 0;
      if (!r.read(groups)) {
        return malformed("scalability structure truncated before N_G");
      }
      for (std::size_t g = 0; g < groups; ++g) {
        std::uint8_t gb = 0;
        if (!r.read(gb) || !r.skip((gb >> 2U) & 0x03U)) {
          return malformed("scalability structure truncated in the picture group");
        }
      }
    }
  }
  if (r.pos() >= payload.size()) {
    return malformed("no VP9 data after the " + std::to_string(r.pos()) + "-byte descriptor");
  }
  d.size = r.pos();
  return d;
}

Vp9Packetizer::Vp9Packetizer(std::size_t max_payload_size, std::uint16_t first_picture_id)
    : max_payload_size_(std::max(max_payload_size, kDescriptorSize + 1)),
      picture_id_(static_cast<std::uint16_t>(first_picture_id & 0x7FFFU)) {
  PARLEY_DCHECK(max_payload_size > kDescriptorSize);
}

Result<std::vector<std::vector<std::byte>>> Vp9Packetizer::packetize(
    std::span<const std::byte> frame, bool key_frame) {
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
    const std::uint32_t b0 = 0x80U | (key_frame ? 0U : 0x40U) | (i == 0 ? 0x08U : 0U) |
                             (i + 1 == sizes.size() ? 0x04U : 0U);
    detail::appendU8(p, b0);
    detail::appendU16(p, 0x8000U | picture_id_);  // M=1: 15-bit picture id
    const auto piece = frame.subspan(pos, sizes[i]);
    p.insert(p.end(), piece.begin(), piece.end());
    pos += sizes[i];
    payloads.push_back(std::move(p));
  }
  PARLEY_DCHECK(pos == frame.size());
  picture_id_ = static_cast<std::uint16_t>((picture_id_ + 1U) & 0x7FFFU);
  return payloads;
}

Result<InsertOutcome> Vp9Depacketizer::insert(std::uint16_t sequence, std::uint32_t timestamp,
                                              bool marker, std::span<const std::byte> payload,
                                              std::vector<AssembledFrame>& ready) {
  auto descriptor = parseVp9Descriptor(payload);
  if (!descriptor) {
    return makeError(std::move(descriptor).error());
  }
  if (descriptor->spatial_id.value_or(0) != 0) {
    return makeError(ErrorCode::MediaUnsupported, "VP9 payload: spatial layer " +
                                                      std::to_string(*descriptor->spatial_id) +
                                                      " (only one spatial layer is supported)");
  }
  PayloadPacket packet;
  packet.sequence = sequence;
  packet.timestamp = timestamp;
  packet.frame_start = descriptor->begin_of_frame;
  packet.frame_end = descriptor->end_of_frame || marker;
  packet.data = payload.subspan(descriptor->size);
  if (packet.frame_start) {
    packet.key_frame = !descriptor->inter_predicted;
    packet.picture_id = descriptor->picture_id;
  }
  return assembler_.insert(packet, ready);
}

}  // namespace parley::media
