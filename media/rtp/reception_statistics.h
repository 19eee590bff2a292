#pragma once
// ReceptionStatistics: what a receiver tells each sender about loss, as RTCP
// receiver report blocks (RFC 3550 section 6.4.1 and appendix A.3). Without
// them the server could only learn of downlink trouble from the delay-based
// estimate, which a short bottleneck queue (a token bucket that drops rather
// than delays) never moves. Owned by one receive path; not thread-safe. Time
// is injected.
//
// Parley's server forwards each layer of a source under its own SSRC and
// stops forwarding a layer while the receiver gets another one, so a stream
// may fall silent and come back with a jump in its sequence numbers that is
// no loss at all. A packet after kResumeGap of silence therefore starts that
// stream's counts afresh (like a new source in RFC 3550 A.1); a gap inside a
// flowing stream is loss.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "core/base/clock.h"
#include "media/rtp/rtcp_packet.h"

namespace parley::media {

// One source's counts (RFC 3550 A.1 and A.3), for a receiver that follows a
// single known stream (the server, per sender's voice): a value type with no
// allocation. Same rules as ReceptionStatistics below.
class StreamReception {
 public:
  void onPacket(Clock::TimePoint arrival, std::uint16_t sequence);
  // The block for `ssrc` with the loss since the previous one.
  [[nodiscard]] ReportBlock report(std::uint32_t ssrc, Clock::TimePoint now);

  [[nodiscard]] bool started() const { return started_; }
  // Packets the stream should have brought since the previous report.
  [[nodiscard]] std::uint32_t expectedSinceReport() const {
    return started_ ? expected() - expected_prior_ : 0;
  }
  [[nodiscard]] bool heardSinceReport() const { return heard_since_report_; }
  [[nodiscard]] Clock::TimePoint lastArrival() const { return last_arrival_; }
  [[nodiscard]] Clock::TimePoint lastReported() const { return last_reported_; }

 private:
  void restart(std::uint16_t sequence);
  [[nodiscard]] std::uint32_t extendedMax() const { return cycles_ + max_seq_; }
  [[nodiscard]] std::uint32_t expected() const { return extendedMax() - base_seq_ + 1; }

  std::uint16_t base_seq_ = 0;
  std::uint16_t max_seq_ = 0;
  std::uint32_t cycles_ = 0;  // sequence wraps, times 65536
  std::uint32_t bad_seq_ = 0;
  std::uint32_t received_ = 0;
  std::uint32_t expected_prior_ = 0;
  std::uint32_t received_prior_ = 0;
  Clock::TimePoint last_arrival_{};
  Clock::TimePoint last_reported_{};
  bool started_ = false;
  bool heard_since_report_ = false;
};

class ReceptionStatistics {
 public:
  // Silence after which a stream's next packet starts its counts again.
  static constexpr std::chrono::milliseconds kResumeGap{1000};
  // Sources tracked at once; packets of further SSRCs are not counted (a
  // hostile or buggy sender cannot grow the map).
  static constexpr std::size_t kMaxSources = 256;
  // A source not heard for this long is forgotten.
  static constexpr std::chrono::seconds kForgetAfter{10};

  void onPacket(Clock::TimePoint arrival, std::uint32_t ssrc, std::uint16_t sequence);

  // One block per source heard since its previous block (at most
  // kMaxRtcpReportBlocks, the longest unreported first, so every source gets
  // its turn), with the loss since that block. Forgets sources silent for kForgetAfter.
  [[nodiscard]] std::vector<ReportBlock> reportBlocks(Clock::TimePoint now);

  [[nodiscard]] std::size_t sourceCount() const { return sources_.size(); }

 private:
  std::map<std::uint32_t, StreamReception> sources_;
};

}  // namespace parley::media
