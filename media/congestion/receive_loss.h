#pragma once
// ReceiveLossCounter: the receiver's side of the loss-based half of GCC. It
// counts, per received SSRC, the packets expected (from RTP sequence numbers)
// and received, and turns them into RTCP receiver report blocks (RFC 3550
// section 6.4.1 and appendix A.3): the fraction lost since the previous report
// tells the sender (for us the server, which picks the layers we get) that
// the link drops what it sends, which a short drop-tail queue does long before
// the delay-based estimate notices anything (the queue never grows past it).
//
// A stream that pauses is not loss: the server stops forwarding a layer when
// it switches the receiver to the other one and resumes it later at a key
// frame, with the sequence numbers the sender used meanwhile. So after a
// silence of `restart_after` (or a jump no real loss makes) a stream starts
// over from the packet that arrives.
//
// Value type, not thread-safe: used on the thread that receives the packets.
// Time is injected. Header-only (no I/O).

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <vector>

#include "core/base/clock.h"
#include "media/rtp/rtcp_packet.h"

namespace parley::media {

class ReceiveLossCounter {
 public:
  // Longer than any gap between two packets of a playing stream (a screen at
  // a few frames per second), shorter than a layer switch down and back up
  // (two plans and a key frame).
  static constexpr std::chrono::milliseconds kRestartAfter{500};
  // RFC 3550 appendix A.1's MAX_DROPOUT: a bigger forward jump is a restart.
  static constexpr std::uint16_t kMaxDropout = 3000;

  void onPacket(std::uint32_t ssrc, std::uint16_t seq, Clock::TimePoint now) {
    Stream& s = streams_[ssrc];
    const auto delta = static_cast<std::uint16_t>(seq - s.max_seq);
    if (!s.started || now - s.last_arrival >= kRestartAfter ||
        (delta >= kMaxDropout && delta < 0x8000)) {
      s = Stream{};
      s.started = true;
      s.base = seq;
      s.max_seq = seq;
      s.received = 1;
      s.last_arrival = now;
      return;
    }
    s.last_arrival = now;
    ++s.received;
    if (delta != 0 && delta < 0x8000) {
      if (seq < s.max_seq) {
        s.cycles += 0x10000;  // wrapped
      }
      s.max_seq = seq;
    }
    // Older (reordered, or a duplicate): counted as received, which is what
    // RFC 3550 does too (a duplicate may make the fraction read 0).
  }

  // One block per stream heard within kRestartAfter, at most `max_blocks`
  // (the busiest first); the interval restarts for each reported stream.
  std::vector<ReportBlock> reportBlocks(Clock::TimePoint now,
                                        std::size_t max_blocks = kMaxRtcpReportBlocks) {
    std::vector<std::pair<std::uint32_t, Stream*>> live;
    for (auto it = streams_.begin(); it != streams_.end();) {
      if (now - it->second.last_arrival >= std::chrono::seconds(10)) {
        it = streams_.erase(it);  // a stream gone for good
        continue;
      }
      if (now - it->second.last_arrival < kRestartAfter) {
        live.emplace_back(it->first, &it->second);
      }
      ++it;
    }
    std::stable_sort(live.begin(), live.end(), [](const auto& a, const auto& b) {
      return a.second->received - a.second->received_prior >
             b.second->received - b.second->received_prior;
    });
    live.resize(std::min(live.size(), max_blocks));
    std::vector<ReportBlock> blocks;
    for (auto& [ssrc, s] : live) {
      const std::uint32_t extended_max = s->cycles + s->max_seq;
      const std::int64_t expected = static_cast<std::int64_t>(extended_max) - s->base + 1;
      const std::int64_t expected_interval = expected - s->expected_prior;
      const std::int64_t received_interval =
          static_cast<std::int64_t>(s->received) - s->received_prior;
      const std::int64_t lost_interval = expected_interval - received_interval;
      s->expected_prior = expected;
      s->received_prior = static_cast<std::int64_t>(s->received);
      ReportBlock block;
      block.ssrc = ssrc;
      block.fraction_lost =
          expected_interval <= 0 || lost_interval <= 0
              ? 0
              : static_cast<std::uint8_t>(
                    std::min<std::int64_t>((lost_interval << 8) / expected_interval, 255));
      block.cumulative_lost = static_cast<std::int32_t>(
          std::clamp<std::int64_t>(expected - static_cast<std::int64_t>(s->received), -0x800000,
                                   0x7fffff));
      block.extended_highest_seq = extended_max;
      blocks.push_back(block);
    }
    return blocks;
  }

 private:
  struct Stream {
    bool started = false;
    std::uint16_t max_seq = 0;
    std::uint32_t cycles = 0;
    std::uint32_t base = 0;
    std::uint64_t received = 0;
    std::int64_t expected_prior = 0;
    std::int64_t received_prior = 0;
    Clock::TimePoint last_arrival{};
  };
  std::map<std::uint32_t, Stream> streams_;
};

}  // namespace parley::media
