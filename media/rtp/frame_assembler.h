#pragma once
// FrameAssembler: turns the payloads of video RTP packets, arriving out of
// order, duplicated or lost, back into whole encoded frames, in decode order.
// Codec-neutral: the VP8 and VP9 depacketizers parse their payload
// descriptors and feed it PayloadPackets. Owned by one receive stream's
// depacketizer; single-threaded (the stream's receive strand), no clock: the
// caller decides when waiting for a missing packet is over (skipIncomplete).
//
// Contract:
//  - a frame is the packets sharing one RTP timestamp, from the one flagged
//    frame_start to the one flagged frame_end; it is emitted only when every
//    sequence number between them is present;
//  - frames come out in sequence order; a complete frame waits behind an
//    older incomplete one until that completes, the caller gives up on it
//    (skipIncomplete), a complete key frame makes it moot, or a bound below
//    forces it out;
//  - frames lost on the way are never silent: they are counted, their
//    timestamps (when any packet of them arrived) kept for takeDroppedFrames,
//    and the next frame emitted carries after_loss, which for a delta frame
//    means "ask the sender for a key frame".

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <unordered_map>
#include <vector>

#include "media/rtp/rtp_packet.h"

namespace parley::media {

inline constexpr std::size_t kMaxAssembledFrameBytes = 4 * 1024 * 1024;
inline constexpr std::size_t kMaxPendingFrames = 64;
inline constexpr std::size_t kMaxBufferedPackets = 8192;
inline constexpr std::size_t kMaxBufferedBytes = 8 * 1024 * 1024;
// Packets further apart than this (in sequence numbers) are not kept
// together: the oldest incomplete frames are dropped first.
inline constexpr std::int64_t kMaxSequenceSpan = 8192;
inline constexpr std::size_t kMaxDroppedFramesKept = 64;

// One RTP packet's codec payload, descriptor already parsed off.
struct PayloadPacket {
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  bool frame_start = false;                 // first packet of the frame (VP8 S=1,PID=0; VP9 B=1)
  bool frame_end = false;                   // last packet of the frame (RTP marker / VP9 E=1)
  bool key_frame = false;                   // read from the frame_start packet only
  std::optional<std::uint16_t> picture_id;  // likewise
  std::span<const std::byte> data;          // copied by insert()
};

struct AssembledFrame {
  std::vector<std::byte> data;
  std::uint32_t timestamp = 0;
  bool key_frame = false;
  std::optional<std::uint16_t> picture_id;
  std::uint16_t first_sequence = 0;
  std::uint16_t last_sequence = 0;
  // Frames before this one were lost (or this is the stream's first frame and
  // it is not a key frame): a delta frame with this set cannot be decoded.
  bool after_loss = false;
};

enum class InsertOutcome {
  Buffered,   // kept (a frame may have been emitted)
  Duplicate,  // this sequence number is already buffered: ignored
  Late,       // older than the last emitted frame or the window: ignored
  TooLarge,   // its frame passed kMaxAssembledFrameBytes: frame dropped
};

struct AssemblerStats {
  std::uint64_t frames_emitted = 0;
  std::uint64_t frames_dropped = 0;  // incomplete frames given up on
  std::uint64_t packets_duplicate = 0;
  std::uint64_t packets_late = 0;
};

class FrameAssembler {
 public:
  FrameAssembler() = default;

  // Adds one packet and appends to `ready` every frame that became
  // emittable, in decode order. `packet.data` need only live for the call.
  InsertOutcome insert(const PayloadPacket& packet, std::vector<AssembledFrame>& ready);

  // A sequence number that carries no frame data (RTP padding-only packets
  // sent for bandwidth probing): it fills its gap instead of looking lost.
  void insertPadding(std::uint16_t sequence, std::vector<AssembledFrame>& ready);

  // Gives up on everything missing before the oldest complete frame: drops
  // the incomplete frames older than it and emits it (with after_loss) and
  // whatever follows in order. Call when the caller's timer says the missing
  // packets are not coming (e.g. NACK answered nothing). Returns the number
  // of frames dropped; does nothing when no frame is complete.
  std::size_t skipIncomplete(std::vector<AssembledFrame>& ready);

  // Timestamps of frames dropped incomplete since the last call (at most
  // kMaxDroppedFramesKept, the newest kept).
  std::vector<std::uint32_t> takeDroppedFrames();

  [[nodiscard]] const AssemblerStats& stats() const { return stats_; }
  [[nodiscard]] std::size_t bufferedPackets() const { return packets_.size(); }
  [[nodiscard]] std::size_t bufferedBytes() const { return buffered_bytes_; }
  [[nodiscard]] std::size_t pendingFrames() const { return slots_.size(); }

 private:
  struct Packet {
    std::uint32_t timestamp = 0;
    std::vector<std::byte> data;
  };
  // What is known about one timestamp's packets.
  struct Slot {
    std::int64_t min_seq = 0;
    std::int64_t max_seq = 0;
    std::optional<std::int64_t> first_seq;  // the frame_start packet
    std::optional<std::int64_t> last_seq;   // the frame_end packet
    std::size_t packets = 0;
    std::size_t bytes = 0;
    bool key_frame = false;  // from the frame_start packet
    std::optional<std::uint16_t> picture_id;
  };

  [[nodiscard]] bool complete(const Slot& slot) const;
  void dropSlot(std::uint32_t timestamp, bool count_as_lost);
  void dropOlderThan(std::int64_t seq);
  void enforceBounds(std::vector<AssembledFrame>& ready);
  void emitReady(std::vector<AssembledFrame>& ready);
  void emit(std::uint32_t timestamp, std::vector<AssembledFrame>& ready);
  void advanceOverPadding();

  SequenceUnwrapper unwrapper_;
  std::map<std::int64_t, Packet> packets_;         // by unwrapped sequence
  std::unordered_map<std::uint32_t, Slot> slots_;  // by RTP timestamp
  std::set<std::int64_t> padding_;                 // padding seqs ahead of the emitted point
  std::size_t buffered_bytes_ = 0;
  std::optional<std::int64_t> last_emitted_;  // last sequence of the last frame out
  std::optional<std::int64_t> newest_;
  bool loss_pending_ = false;  // frames were dropped since the last emit
  std::vector<std::uint32_t> dropped_;
  AssemblerStats stats_;
};

namespace detail {
// Sizes for splitting `total` bytes into as few pieces of at most `room` bytes
// as possible, balanced so the last is not a tiny tail (shared by the VP8
// and VP9 packetizers). Preconditions: total > 0, room > 0.
std::vector<std::size_t> balancedSplit(std::size_t total, std::size_t room);
}  // namespace detail

}  // namespace parley::media
