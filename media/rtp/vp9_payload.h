#pragma once
// VP9 RTP payload format (RFC 9628), restricted to what Parley sends: one
// spatial layer. The parser reads every descriptor field (flexible mode and
// the scalability structure included) so it can skip them; the packetizer
// writes non-flexible descriptors; the depacketizer shares FrameAssembler
// with VP8.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/base/result.h"
#include "media/rtp/frame_assembler.h"
#include "media/rtp/vp8_payload.h"  // kDefaultMaxVideoPayloadSize

namespace parley::media {

// The fields of a VP9 payload descriptor (RFC 9628 section 4.2).
struct Vp9Descriptor {
  bool inter_predicted = false;             // P: false means a key frame (one layer)
  bool flexible = false;                    // F
  bool begin_of_frame = false;              // B
  bool end_of_frame = false;                // E
  bool has_scalability_structure = false;   // V
  bool not_reference = false;               // Z
  std::optional<std::uint16_t> picture_id;  // 7 or 15 bits
  std::optional<std::uint8_t> temporal_id;  // L: TID
  std::optional<std::uint8_t> spatial_id;   // L: SID
  std::optional<std::uint8_t> tl0_pic_idx;  // L in non-flexible mode
  std::size_t size = 0;                     // bytes the descriptor takes on the wire
};

// Parses the descriptor at the start of `payload` (untrusted). Fails with
// MediaMalformedPacket when a field is truncated, more than 3 P_DIFFs are
// chained, or nothing follows the descriptor.
Result<Vp9Descriptor> parseVp9Descriptor(std::span<const std::byte> payload);

// Splits encoded VP9 frames (one spatial layer) into RTP payloads of at most
// max_payload_size bytes, descriptor included: I=1 with a 15-bit picture id,
// P=!key_frame, B on the first, E on the last; no scalability structure.
// Owns one outgoing stream's picture id counter. Single-threaded.
class Vp9Packetizer {
 public:
  static constexpr std::size_t kDescriptorSize = 3;

  // Precondition: max_payload_size > kDescriptorSize (DCHECKed; clamped).
  explicit Vp9Packetizer(std::size_t max_payload_size = kDefaultMaxVideoPayloadSize,
                         std::uint16_t first_picture_id = 0);

  // Returns the payloads of `frame` in sending order; the caller sets the RTP
  // marker on the last. Fails with MediaMalformedPacket for an empty frame or
  // one larger than kMaxAssembledFrameBytes.
  Result<std::vector<std::vector<std::byte>>> packetize(std::span<const std::byte> frame,
                                                        bool key_frame);

  [[nodiscard]] std::uint16_t nextPictureId() const { return picture_id_; }

 private:
  std::size_t max_payload_size_;
  std::uint16_t picture_id_;
};

// Reassembles VP9 frames of one SSRC, as Vp8Depacketizer does; a frame starts
// at B and ends at E (or the marker). Packets of a spatial layer other than 0
// fail with MediaUnsupported and are ignored. Single-threaded.
class Vp9Depacketizer {
 public:
  Result<InsertOutcome> insert(std::uint16_t sequence, std::uint32_t timestamp, bool marker,
                               std::span<const std::byte> payload,
                               std::vector<AssembledFrame>& ready);

  FrameAssembler& assembler() { return assembler_; }
  [[nodiscard]] const FrameAssembler& assembler() const { return assembler_; }

 private:
  FrameAssembler assembler_;
};

}  // namespace parley::media
