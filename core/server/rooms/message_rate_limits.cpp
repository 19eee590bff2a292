#include "core/server/rooms/message_rate_limits.h"

#include <algorithm>

namespace parley::server {

TokenBucket::TokenBucket(std::uint32_t per_second, std::uint32_t burst, Clock::TimePoint now)
    : per_second_(static_cast<std::int64_t>(std::max<std::uint32_t>(per_second, 1)) * kScale),
      capacity_(static_cast<std::int64_t>(std::max<std::uint32_t>(burst, 1)) * kScale),
      tokens_(capacity_),
      last_(now) {}

void TokenBucket::refill(Clock::TimePoint now) {
  if (now <= last_) {
    return;
  }
  const std::int64_t elapsed_us =
      std::chrono::duration_cast<std::chrono::microseconds>(now - last_).count();
  // Compared in time rather than multiplied out, so a long idle time cannot
  // overflow: past the time to fill up, the bucket is simply full.
  const std::int64_t missing = capacity_ - tokens_;
  const std::int64_t us_to_full = (missing * 1000000 + per_second_ - 1) / per_second_;
  if (elapsed_us >= us_to_full) {
    tokens_ = capacity_;
  } else {
    tokens_ += per_second_ * elapsed_us / 1000000;
  }
  last_ = now;
}

bool TokenBucket::take(Clock::TimePoint now) {
  refill(now);
  if (tokens_ < kScale) {
    return false;
  }
  tokens_ -= kScale;
  return true;
}

MessageRateLimits::MessageRateLimits(const Clock& clock, const Limits& limits)
    : clock_(clock),
      disconnect_after_(limits.disconnect_after),
      buckets_{TokenBucket(limits.chat_per_s, limits.chat_burst, clock.now()),
               TokenBucket(limits.presence_per_s, limits.presence_burst, clock.now()),
               TokenBucket(limits.signal_per_s, limits.signal_burst, clock.now())} {}

MessageRateLimits::Verdict MessageRateLimits::admit(MessageKind kind) {
  if (buckets_[static_cast<std::size_t>(kind)].take(clock_.now())) {
    over_in_a_row_ = 0;
    return Verdict::Allow;
  }
  if (over_in_a_row_ < UINT32_MAX) {
    ++over_in_a_row_;
  }
  if (disconnect_after_ != 0 && over_in_a_row_ >= disconnect_after_) {
    return Verdict::Disconnect;
  }
  return Verdict::OverLimit;
}

}  // namespace parley::server
