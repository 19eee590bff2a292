#pragma once
// JitterBuffer: orders the packets of one remote Opus stream and decides, every
// 20 ms, what the decoder should produce next, keeping a playout delay that
// follows the measured network jitter. Owned by that stream's
// AudioReceiveStream; not thread-safe: insert() and pull() run on the one
// thread that owns the stream (the audio pull thread, fed through an SPSC
// queue from the network thread). Time is injected (Clock::TimePoint
// arguments), so tests run on virtual time. After construction nothing
// allocates: packets are copied into a fixed array of slots.
//
//   insert(seq, ts, payload, arrival)          pull(now), every 20 ms
//        |                                            |
//        v                                            v
//   unwrap seq/ts -> dedupe -> late? -> slots[50] -> Packet | Lost(+FEC) | Silence
//        |                                            ^
//        +-> transit, jitter, peak delay -> target ---+ (grow on underrun,
//                                                        shrink in silence)
//
// Playout model: `playout_ts` is the RTP timestamp of the next frame to play
// and advances by 960 per pull. The current delay is how far behind the
// fastest observed arrival (minimum transit over the last ~2 s) the playout
// point is; it is compared with the target delay, which is the peak relative
// delay of recent packets plus a margin (fast attack, slow decay), clamped to
// [min_delay, max_delay]. A packet faster than any before raises the peak by
// the difference (the earlier packets were that much later than measured),
// so a stream whose first packet was held up keeps that delay as jitter
// instead of cutting it out of speech. The initial delay is a guess that
// stands until the stream has run a second (and ten packets); then the peak
// drops to the largest relative delay measured so far, so a clean path plays
// at the floor from then on instead of decaying there over seconds.
// Delay grows by holding playout_ts
// (one frame of concealment or silence) when the buffer runs dry, and
// shrinks by skipping a frame during silence, or (far too high, 120 ms over)
// a packet in speech, one in five at most.
//
// RED (RFC 2198): insertRedundant() puts a copy of an earlier packet, carried
// by a later one, in that packet's place when it is missing and still due;
// while the sender adds copies the target keeps a frame more per copy
// (setRedundancyDepth), so the copy arrives before its frame is concealed.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/base/clock.h"
#include "media/audio/audio_format.h"

namespace parley::media {

struct JitterBufferConfig {
  // The floor only guards against a jitter estimate that is too optimistic:
  // the 20 ms pull cadence already adds 0-20 ms on top (docs/media.md).
  std::chrono::milliseconds min_delay{10};
  std::chrono::milliseconds max_delay{200};
  // Used until the stream has shown its jitter (settle_after and
  // settle_packets, whichever comes last); then the target is what was
  // measured, and from there follows the jitter.
  std::chrono::milliseconds initial_delay{40};
  std::chrono::milliseconds settle_after{1000};
  std::size_t settle_packets = 10;
  bool settle = true;  // false: the initial delay only decays (as before 2026-12-06)
  // Shrinking starts only past one frame of excess plus this, so scheduling
  // noise in the pull times does not make the delay oscillate by a frame
  // around the target. Small: at a fixed phase between arrivals and pulls
  // the excess sits still, and every millisecond of it is a millisecond of
  // mouth-to-ear for the unlucky phases (docs/benchmarks.md, 2026-12-06).
  std::chrono::milliseconds shrink_hysteresis{2};
  std::size_t capacity = 50;  // packets (1 s of audio); at most kMaxCapacity
};

struct JitterBufferStats {
  std::uint64_t received = 0;     // unique packets accepted by insert() (late ones included)
  std::uint64_t lost = 0;         // never arrived: highest seq - first seq + 1 - received
  std::uint64_t late = 0;         // arrived (or still buffered) after their playout time
  std::uint64_t duplicate = 0;    // already seen; dropped
  std::uint64_t overflow = 0;     // dropped because the buffer was full
  std::uint64_t discarded = 0;    // dropped on purpose to cut the delay
  std::uint64_t invalid = 0;      // empty or oversized payloads
  std::uint64_t played = 0;       // pulls that returned a packet
  std::uint64_t concealed = 0;    // pulls that returned Lost (with or without FEC)
  std::uint64_t fec_offered = 0;  // ... of which offered a next packet for FEC
  std::uint64_t silence = 0;      // pulls that returned Silence
  std::uint64_t resyncs = 0;      // stream restarts and delay jumps
  // Redundant copies (RED) that filled a missing packet's place, and those
  // that came after their frame was already played or concealed.
  std::uint64_t redundant_filled = 0;
  std::uint64_t redundant_late = 0;
  std::chrono::microseconds target_delay{0};
  std::chrono::microseconds current_delay{0};  // at the last pull
  std::chrono::microseconds jitter{0};         // RFC 3550 interarrival jitter
};

class JitterBuffer {
 public:
  static constexpr std::size_t kMaxCapacity = 50;

  enum class InsertResult { Accepted, Duplicate, Late, Overflow, Invalid };

  enum class PlayoutKind {
    NotStarted,  // nothing to play yet (no packet, or still filling to the target delay)
    Packet,      // decode `payload`
    Lost,        // frame missing: decode FEC from `payload` (the next packet) if not
                 // empty, else conceal
    Silence,     // sender is in DTX (or gone quiet): play silence / comfort noise
  };

  struct Playout {
    PlayoutKind kind = PlayoutKind::NotStarted;
    // Valid until the next call on this buffer.
    std::span<const std::byte> payload;
    std::uint16_t seq = 0;         // of `payload`, when there is one
    std::uint32_t timestamp = 0;   // RTP timestamp of the frame this pull covers
    bool from_redundancy = false;  // Packet: a redundant copy stood in for the lost one
  };

  explicit JitterBuffer(const JitterBufferConfig& config = {});

  // Takes a copy of `payload` (at most kMaxAudioPayloadBytes, one 20 ms Opus
  // frame). `arrival` is when the packet reached this host.
  InsertResult insert(std::uint16_t seq, std::uint32_t rtp_timestamp,
                      std::span<const std::byte> payload, Clock::TimePoint arrival);

  // What to play for the next 20 ms. Call once per frame at the playback
  // cadence; `now` must not go backwards.
  Playout pull(Clock::TimePoint now);

  // A redundant copy (RED) of an earlier packet, carried by the packet just
  // inserted: fills that packet's place if it is missing and still due.
  // Its arrival says nothing about the network's delay and it is not a
  // received packet (the loss count stays the network's); a copy of a packet
  // that arrived, or of one before the stream's first, is a quiet Duplicate.
  InsertResult insertRedundant(std::uint16_t seq, std::uint32_t rtp_timestamp,
                               std::span<const std::byte> payload);

  // The sender adds copies of up to `frames` earlier frames (RED): the
  // target delay keeps that many frames more, or a copy would arrive after
  // its frame was concealed. 0 when the sender stops (the delay then
  // shrinks back as usual).
  void setRedundancyDepth(int frames);

  // Forgets every packet and all timing, as for a new stream. Stats are kept.
  void reset();

  [[nodiscard]] JitterBufferStats stats() const;
  [[nodiscard]] std::size_t size() const { return count_; }
  [[nodiscard]] Clock::Duration targetDelay() const;

 private:
  struct Slot {
    bool used = false;
    std::int64_t seq = 0;  // extended (unwrapped)
    std::int64_t ts = 0;   // extended (unwrapped)
    std::uint16_t size = 0;
    bool redundant = false;  // a RED copy, not the packet itself
    std::array<std::byte, kMaxAudioPayloadBytes> data{};
  };

  [[nodiscard]] Clock::Duration tsToDuration(std::int64_t ext_ts) const;
  [[nodiscard]] Clock::Duration currentDelay(Clock::TimePoint now) const;
  void measure(std::int64_t ext_ts, Clock::TimePoint arrival);
  [[nodiscard]] Slot* earliest();
  void purgeBefore(std::int64_t ts, std::uint64_t& counter);
  void release(Slot& slot);
  // Unwraps against the highest packet so far. False: too far off to belong.
  [[nodiscard]] bool unwrap(std::uint16_t seq, std::uint32_t rtp_timestamp, std::int64_t& ext_seq,
                            std::int64_t& ext_ts) const;
  void store(std::int64_t ext_seq, std::int64_t ext_ts, std::span<const std::byte> payload,
             bool redundant);
  void startStream(std::int64_t ext_seq, std::int64_t ext_ts);
  Playout silenceOrHold(Clock::Duration excess, std::int64_t cap_ts);
  Playout playSlot(Slot& slot);

  JitterBufferConfig config_;
  std::array<Slot, kMaxCapacity> slots_{};
  std::size_t count_ = 0;
  // The packet handed out by the last pull: slots are reused, so it is copied.
  Slot current_;

  // Stream state.
  bool started_ = false;  // a packet arrived since construction or reset
  bool playing_ = false;  // playout began
  std::int64_t first_seq_ = 0;
  std::int64_t highest_seq_ = 0;
  std::int64_t highest_ts_ = 0;
  std::int64_t base_ts_ = 0;
  std::int64_t playout_ts_ = 0;
  std::int64_t last_seq_ = 0;  // last played (or declared lost) sequence number
  bool last_was_dtx_ = false;
  int consecutive_conceal_ = 0;
  int pulls_since_force_shrink_ = 0;    // spaces out packets dropped in speech
  Clock::Duration redundancy_delay_{};  // setRedundancyDepth's frames
  // Seen sequence numbers, for duplicate detection: index ext % size.
  std::array<std::int64_t, 256> seen_{};

  // Timing estimates.
  bool have_transit_ = false;
  Clock::Duration prev_transit_{};
  Clock::TimePoint last_arrival_{};
  bool have_last_arrival_ = false;
  Clock::Duration bucket_min_{};       // minimum transit in the current bucket
  Clock::Duration prev_bucket_min_{};  // ... and in the previous one
  Clock::Duration lowest_transit_{};   // since the stream (re)started
  int bucket_packets_ = 0;
  double jitter_ns_ = 0;  // RFC 3550 estimate
  double peak_ns_ = 0;    // peak relative delay, fast attack, slow decay
  // The initial delay is a guess; once the stream has shown enough of its
  // jitter the guess gives way to the largest relative delay seen so far.
  bool settled_ = false;
  Clock::TimePoint first_arrival_{};
  std::uint64_t measured_packets_ = 0;
  double observed_peak_ns_ = 0;  // largest relative delay since the (re)start

  std::uint64_t received_ = 0;  // since the last reset, for the loss count
  std::uint64_t lost_before_reset_ = 0;
  JitterBufferStats stats_;
};

}  // namespace parley::media
