#include "media/rtp/nack_tracker.h"

#include <algorithm>

namespace parley::media {

NackTracker::Arrival NackTracker::onPacket(std::uint16_t sequence, Clock::TimePoint now) {
  const std::int64_t seq = unwrapper_.unwrap(sequence);
  if (newest_ && seq < *newest_ - kMaxGap) {
    ++stats_.restarts;
    stats_.given_up += missing_.size();
    missing_.clear();
    newest_.reset();
  }
  if (!newest_) {
    newest_ = seq;
    return {};
  }
  if (seq <= *newest_) {
    auto it = missing_.find(seq);
    if (it == missing_.end()) {
      return {};
    }
    Arrival arrival{true, std::nullopt};
    if (it->second.asked == 1 && it->second.last_asked) {
      arrival.round_trip = now - *it->second.last_asked;
    }
    missing_.erase(it);
    ++stats_.recovered;
    return arrival;
  }
  const std::int64_t gap = seq - *newest_ - 1;
  if (gap > kMaxGap) {
    ++stats_.gaps_skipped;
    stats_.given_up += missing_.size();
    missing_.clear();
  } else {
    for (std::int64_t s = *newest_ + 1; s < seq; ++s) {
      missing_.emplace(s, Missing{now, std::nullopt, 0});
      ++stats_.missing;
    }
    // A stream that loses more than it can repair: the oldest go first.
    while (missing_.size() > kMaxMissing) {
      missing_.erase(missing_.begin());
      ++stats_.given_up;
    }
  }
  newest_ = seq;
  return {};
}

std::vector<std::uint16_t> NackTracker::due(Clock::TimePoint now, Clock::Duration round_trip,
                                            std::size_t max_count) {
  const auto interval = std::max<Clock::Duration>(round_trip + round_trip / 4, kMinRetryInterval);
  std::vector<std::uint16_t> out;
  for (auto it = missing_.begin(); it != missing_.end() && out.size() < max_count;) {
    Missing& m = it->second;
    if (m.last_asked && now - *m.last_asked < interval) {
      ++it;
      continue;
    }
    if (m.asked >= kMaxRetries) {
      ++stats_.given_up;
      it = missing_.erase(it);
      continue;
    }
    m.last_asked = now;
    ++m.asked;
    ++stats_.requested;
    out.push_back(static_cast<std::uint16_t>(it->first & 0xFFFF));
    ++it;
  }
  return out;
}

std::optional<Clock::TimePoint> NackTracker::oldestMissingSince() const {
  if (missing_.empty()) {
    return std::nullopt;
  }
  return missing_.begin()->second.found;
}

void NackTracker::forgetBefore(std::uint16_t sequence) {
  const std::int64_t seq = unwrapper_.peek(sequence);
  while (!missing_.empty() && missing_.begin()->first < seq) {
    missing_.erase(missing_.begin());
    ++stats_.given_up;
  }
}

void NackTracker::forgetFoundBefore(Clock::TimePoint when) {
  std::erase_if(missing_, [&](const auto& entry) {
    if (entry.second.found <= when) {
      ++stats_.given_up;
      return true;
    }
    return false;
  });
}

}  // namespace parley::media
