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

void ReceptionStatistics::Source::restart(std::uint16_t sequence) {
  base_seq = sequence;
  max_seq = sequence;
  cycles = 0;
  bad_seq = kSeqMod + 1;  // matches no sequence number
  received = 0;
  expected_prior = 0;
  received_prior = 0;
}

void ReceptionStatistics::onPacket(Clock::TimePoint arrival, std::uint32_t ssrc,
                                   std::uint16_t sequence) {
  auto it = sources_.find(ssrc);
  if (it == sources_.end()) {
    if (sources_.size() >= kMaxSources) {
      return;
    }
    it = sources_.emplace(ssrc, Source{}).first;
    it->second.restart(sequence);
  } else if (arrival - it->second.last_arrival > kResumeGap) {
    it->second.restart(sequence);
  } else {
    Source& s = it->second;
    const auto delta = static_cast<std::uint16_t>(sequence - s.max_seq);
    if (delta < kMaxDropout) {
      if (sequence < s.max_seq) {
        s.cycles += kSeqMod;
      }
      s.max_seq = sequence;
    } else if (delta <= kSeqMod - kMaxMisorder) {
      if (sequence == s.bad_seq) {
        s.restart(sequence);
      } else {
        s.bad_seq = (sequence + 1U) & (kSeqMod - 1);
        s.last_arrival = arrival;
        return;
      }
    }
    // Otherwise a duplicate or reordered packet: counted as received, as
    // RFC 3550 does (a retransmission that filled a gap is not loss).
  }
  Source& s = it->second;
  ++s.received;
  s.last_arrival = arrival;
  s.heard_since_report = true;
}

std::vector<ReportBlock> ReceptionStatistics::reportBlocks(Clock::TimePoint now) {
  std::erase_if(sources_,
                [&](const auto& entry) { return now - entry.second.last_arrival > kForgetAfter; });
  std::vector<std::pair<std::uint32_t, Source*>> heard;
  for (auto& [ssrc, source] : sources_) {
    if (source.heard_since_report) {
      heard.emplace_back(ssrc, &source);
    }
  }
  std::stable_sort(heard.begin(), heard.end(), [](const auto& a, const auto& b) {
    return a.second->last_reported < b.second->last_reported;
  });
  if (heard.size() > kMaxRtcpReportBlocks) {
    heard.resize(kMaxRtcpReportBlocks);
  }
  std::vector<ReportBlock> blocks;
  blocks.reserve(heard.size());
  for (auto& [ssrc, s] : heard) {
    const std::uint32_t expected = s->expected();
    const std::uint32_t expected_interval = expected - s->expected_prior;
    const std::uint32_t received_interval = s->received - s->received_prior;
    s->expected_prior = expected;
    s->received_prior = s->received;
    s->heard_since_report = false;
    s->last_reported = now;
    ReportBlock block;
    block.ssrc = ssrc;
    if (expected_interval > 0 && expected_interval > received_interval) {
      const auto lost = static_cast<std::uint64_t>(expected_interval - received_interval);
      block.fraction_lost =
          static_cast<std::uint8_t>(std::min<std::uint64_t>((lost << 8U) / expected_interval, 255));
    }
    const std::int64_t lost_total =
        static_cast<std::int64_t>(expected) - static_cast<std::int64_t>(s->received);
    block.cumulative_lost = static_cast<std::int32_t>(
        std::clamp<std::int64_t>(lost_total, kMinCumulativeLost, kMaxCumulativeLost));
    block.extended_highest_seq = s->extendedMax();
    blocks.push_back(block);
  }
  return blocks;
}

}  // namespace parley::media
