#pragma once
// NackTracker: which packets of one incoming video stream are missing, and
// when to ask for them again (generic NACK, RFC 4585). A gap is asked for at
// once (the lab and most paths keep order, and a needless NACK costs one
// small retransmission), then again every retry interval (a little over the
// round trip) up to kMaxRetries times. A jump of more than kMaxGap sequence
// numbers is not asked for: that is a stream restarted or a layer the
// server stopped forwarding for a while, and a key frame repairs it faster.
//
// The caller decides when waiting is over (forgetBefore, when a key frame
// made older packets moot; forgetOlderThan, when a frame's repair window
// passed). Value type owned by one stream's receiver; one thread; time
// injected.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "core/base/clock.h"
#include "media/rtp/rtp_packet.h"

namespace parley::media {

struct NackStats {
  std::uint64_t missing = 0;       // sequence numbers found missing
  std::uint64_t requested = 0;     // sequence numbers put in NACKs (retries included)
  std::uint64_t recovered = 0;     // missing ones that arrived after all
  std::uint64_t given_up = 0;      // missing ones no longer asked for
  std::uint64_t gaps_skipped = 0;  // jumps larger than kMaxGap
  std::uint64_t restarts = 0;      // steps back larger than kMaxGap
};

class NackTracker {
 public:
  static constexpr std::int64_t kMaxGap = 256;
  static constexpr int kMaxRetries = 8;
  static constexpr auto kMinRetryInterval = std::chrono::milliseconds(15);
  static constexpr std::size_t kMaxMissing = 1024;

  struct Arrival {
    bool was_missing = false;  // it filled a gap
    // When it was asked for exactly once: how long ago that was, a round-trip
    // sample (Karn: after a retry nobody knows which ask it answers).
    std::optional<Clock::Duration> round_trip;
  };

  // One packet of the stream arrived (first copy or retransmission). A step
  // back of more than kMaxGap is a restarted stream (a new sender on the same
  // SSRC counts from 0 again): the tracking starts over from it.
  Arrival onPacket(std::uint16_t sequence, Clock::TimePoint now);

  // The sequence numbers to put in a NACK now (oldest first, at most
  // `max_count`; the rest stay due); each is then not due again for a retry
  // interval. Those asked kMaxRetries times are given up.
  std::vector<std::uint16_t> due(Clock::TimePoint now, Clock::Duration round_trip,
                                 std::size_t max_count = 256);

  // When the oldest packet still missing was found missing.
  [[nodiscard]] std::optional<Clock::TimePoint> oldestMissingSince() const;
  // Stops asking for packets before `sequence` (a key frame starts there).
  void forgetBefore(std::uint16_t sequence);
  // Stops asking for packets found missing at or before `when`.
  void forgetFoundBefore(Clock::TimePoint when);

  [[nodiscard]] const NackStats& stats() const { return stats_; }
  [[nodiscard]] std::size_t missingCount() const { return missing_.size(); }

 private:
  struct Missing {
    Clock::TimePoint found{};
    std::optional<Clock::TimePoint> last_asked;
    int asked = 0;
  };
  SequenceUnwrapper unwrapper_;
  std::optional<std::int64_t> newest_;
  std::map<std::int64_t, Missing> missing_;  // by unwrapped sequence
  NackStats stats_;
};

}  // namespace parley::media
