#include "media/rtp/reception_statistics.h"

#include <algorithm>

namespace parley::media {
namespace {

// RFC 3550 A.1: a forward jump within kMaxDropout is loss; a step back within
// kMaxMisorder is a late or duplicate packet; anything else is a jump that
// only a second, consecutive packet confirms as the stream's new place.
constexpr std::uint16_t kMaxDropout = 3000;
constexpr std::uint16_t kMaxMisorder = 100;
constexpr std::uint32_t kSeqMod = 1U << 16;
constexpr std::int32_t kMaxCumulativeLost = 0x7fffff;  // 24-bit signed field
constexpr std::int32_t kMinCumulativeLost = -0x800000;

}  // namespace

void StreamReception::restart(std::uint16_t sequence) {
  started_ = true;
  base_seq_ = sequence;
  max_seq_ = sequence;
  cycles_ = 0;
  bad_seq_ = kSeqMod + 1;  // matches no sequence number
  received_ = 0;
  expected_prior_ = 0;
  received_prior_ = 0;
}

void StreamReception::onPacket(Clock::TimePoint arrival, std::uint16_t sequence) {
  if (!started_ || arrival - last_arrival_ > ReceptionStatistics::kResumeGap) {
    restart(sequence);
  } else {
    const auto delta = static_cast<std::uint16_t>(sequence - max_seq_);
    if (delta < kMaxDropout) {
      if (sequence < max_seq_) {
        cycles_ += kSeqMod;
      }
      max_seq_ = sequence;
    } else if (delta <= kSeqMod - kMaxMisorder) {
      if (sequence == bad_seq_) {
        restart(sequence);
      } else {
        bad_seq_ = (sequence + 1U) & (kSeqMod - 1);
        last_arrival_ = arrival;
        return;
      }
    }
    // Otherwise a duplicate or reordered packet: counted as received, as
    // RFC 3550 does (a retransmission that filled a gap is not loss).
  }
  ++received_;
  last_arrival_ = arrival;
  heard_since_report_ = true;
}

ReportBlock StreamReception::report(std::uint32_t ssrc, Clock::TimePoint now) {
  const std::uint32_t expected_now = expected();
  const std::uint32_t expected_interval = expected_now - expected_prior_;
  const std::uint32_t received_interval = received_ - received_prior_;
  expected_prior_ = expected_now;
  received_prior_ = received_;
  heard_since_report_ = false;
  last_reported_ = now;
  ReportBlock block;
  block.ssrc = ssrc;
  if (expected_interval > 0 && expected_interval > received_interval) {
    const auto lost = static_cast<std::uint64_t>(expected_interval - received_interval);
    block.fraction_lost =
        static_cast<std::uint8_t>(std::min<std::uint64_t>((lost << 8U) / expected_interval, 255));
  }
  const std::int64_t lost_total =
      static_cast<std::int64_t>(expected_now) - static_cast<std::int64_t>(received_);
  block.cumulative_lost = static_cast<std::int32_t>(
      std::clamp<std::int64_t>(lost_total, kMinCumulativeLost, kMaxCumulativeLost));
  block.extended_highest_seq = extendedMax();
  return block;
}

void ReceptionStatistics::onPacket(Clock::TimePoint arrival, std::uint32_t ssrc,
                                   std::uint16_t sequence) {
  auto it = sources_.find(ssrc);
  if (it == sources_.end()) {
    if (sources_.size() >= kMaxSources) {
      return;
    }
    it = sources_.emplace(ssrc, StreamReception{}).first;
  }
  it->second.onPacket(arrival, sequence);
}

std::vector<ReportBlock> ReceptionStatistics::reportBlocks(Clock::TimePoint now) {
  std::erase_if(sources_,
                [&](const auto& entry) { return now - entry.second.lastArrival() > kForgetAfter; });
  std::vector<std::pair<std::uint32_t, StreamReception*>> heard;
  for (auto& [ssrc, source] : sources_) {
    if (source.heardSinceReport()) {
      heard.emplace_back(ssrc, &source);
    }
  }
  std::stable_sort(heard.begin(), heard.end(), [](const auto& a, const auto& b) {
    return a.second->lastReported() < b.second->lastReported();
  });
  if (heard.size() > kMaxRtcpReportBlocks) {
    heard.resize(kMaxRtcpReportBlocks);
  }
  std::vector<ReportBlock> blocks;
  blocks.reserve(heard.size());
  for (auto& [ssrc, s] : heard) {
    blocks.push_back(s->report(ssrc, now));
  }
  return blocks;
}

}  // namespace parley::media
