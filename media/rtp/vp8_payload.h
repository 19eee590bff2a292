#pragma once
// VP8 RTP payload format (RFC 7741): the payload descriptor, a packetizer
// that splits one encoded frame into RTP payloads, and a depacketizer that
// reassembles frames from received payloads (on top of FrameAssembler).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/base/result.h"
#include "media/rtp/frame_assembler.h"

namespace parley::media {

inline constexpr std::size_t kDefaultMaxVideoPayloadSize = 1200;  // descriptor included

// The fields of a VP8 payload descriptor (RFC 7741 section 4.2).
struct Vp8Descriptor {
  bool non_reference = false;               // N
  bool start_of_partition = false;          // S
  std::uint8_t partition_id = 0;            // PID, 0..7
  std::optional<std::uint16_t> picture_id;  // 7 or 15 bits
  bool picture_id_15bit = false;            // M, when picture_id is set
  std::optional<std::uint8_t> tl0_pic_idx;  // L
  std::optional<std::uint8_t> temporal_id;  // T: TID (2 bits)
  bool layer_sync = false;                  // Y, meaningful with T
  std::optional<std::uint8_t> key_idx;      // K: KEYIDX (5 bits)
  std::size_t size = 0;                     // bytes the descriptor takes on the wire

  // First packet of a frame: partition 0 starts here.
  [[nodiscard]] bool frameStart() const { return start_of_partition && partition_id == 0; }
};

// Parses the descriptor at the start of `payload` (untrusted). Fails with
// MediaMalformedPacket when it is truncated or nothing follows it.
Result<Vp8Descriptor> parseVp8Descriptor(std::span<const std::byte> payload);

// Splits encoded VP8 frames into RTP payloads of at most max_payload_size
// bytes each, descriptor included: X=1, I=1 with a 15-bit picture id, S=1 and
// PID=0 on the first. Payload sizes are balanced rather than full-then-tail.
// Owns the picture id counter of one outgoing stream (it advances by one per
// frame, wrapping at 2^15). Single-threaded: the sending stream's strand.
class Vp8Packetizer {
 public:
  static constexpr std::size_t kDescriptorSize = 4;

  // Precondition: max_payload_size > kDescriptorSize (DCHECKed; clamped).
  explicit Vp8Packetizer(std::size_t max_payload_size = kDefaultMaxVideoPayloadSize,
                         std::uint16_t first_picture_id = 0);

  // Returns the RTP payloads of `frame` in sending order; the caller sets the
  // RTP marker bit on the last one and gives them all the frame's timestamp.
  // Fails with MediaMalformedPacket when `frame` is empty or larger than
  // kMaxAssembledFrameBytes (the receiving side would never accept it).
  Result<std::vector<std::vector<std::byte>>> packetize(std::span<const std::byte> frame);

  // Picture id the next packetize() call will use.
  [[nodiscard]] std::uint16_t nextPictureId() const { return picture_id_; }

 private:
  std::size_t max_payload_size_;
  std::uint16_t picture_id_;
};

// Reassembles VP8 frames from RTP packets of one SSRC. The key-frame flag
// comes from the P bit of the VP8 payload header in the first packet. See
// FrameAssembler for ordering, loss reporting and memory bounds. Owned by the
// receive stream; single-threaded (its strand).
class Vp8Depacketizer {
 public:
  // Adds one received packet (its RTP sequence, timestamp, marker and
  // payload) and appends any frames now complete to `ready`. Fails with
  // MediaMalformedPacket when the payload descriptor is invalid; the packet
  // is then ignored and the state is unchanged.
  Result<InsertOutcome> insert(std::uint16_t sequence, std::uint32_t timestamp, bool marker,
                               std::span<const std::byte> payload,
                               std::vector<AssembledFrame>& ready);

  FrameAssembler& assembler() { return assembler_; }
  [[nodiscard]] const FrameAssembler& assembler() const { return assembler_; }

 private:
  FrameAssembler assembler_;
};

}  // namespace parley::media
