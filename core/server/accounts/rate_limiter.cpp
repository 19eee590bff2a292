#include "core/server/accounts/rate_limiter.h"

#include <algorithm>

namespace parley::server {

RateLimiter::RateLimiter(const Clock& clock, Policy policy) : clock_(clock), policy_(policy) {}

Clock::Duration RateLimiter::lockoutFor(std::uint32_t failures) const {
  if (failures < policy_.max_failures) {
    return Clock::Duration::zero();
  }
  const std::uint32_t exponent = failures - policy_.max_failures;
  // Doubled in whole seconds and capped before the conversion to the clock's
  // (nanosecond) ticks, which a large lockout_first would overflow.
  const std::int64_t cap_s = policy_.lockout_max.count();
  std::int64_t wait_s = policy_.lockout_first.count();
  for (std::uint32_t i = 0; i < exponent && wait_s > 0 && wait_s < cap_s; ++i) {
    wait_s *= 2;
  }
  return std::chrono::duration_cast<Clock::Duration>(std::chrono::seconds(std::min(wait_s, cap_s)));
}

std::optional<std::chrono::milliseconds> RateLimiter::check(const std::string& key) {
  const auto now = clock_.now();
  std::lock_guard lock(mu_);
  const auto it = entries_.find(key);
  if (it == entries_.end()) {
    return std::nullopt;
  }
  const auto wait = lockoutFor(it->second.failures);
  const auto ready = it->second.last_failure + wait;
  if (now >= ready) {
    return std::nullopt;
  }
  // Round up so "retry after" never says 0 while still locked.
  return std::chrono::ceil<std::chrono::milliseconds>(ready - now);
}

void RateLimiter::recordFailure(const std::string& key) {
  const auto now = clock_.now();
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    makeRoomLocked(now);
    it = entries_.emplace(key, Entry{}).first;
  }
  if (it->second.failures < UINT32_MAX) {
    ++it->second.failures;
  }
  it->second.last_failure = now;
}

void RateLimiter::recordSuccess(const std::string& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

void RateLimiter::forgiveFailure(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end() && --it->second.failures == 0) {
    entries_.erase(it);
  }
}

void RateLimiter::makeRoomLocked(Clock::TimePoint now) {
  if (entries_.size() < policy_.max_keys) {
    return;
  }
  // Forget keys idle past forget_after (their lockout, at most lockout_max,
  // has long expired when forget_after >= lockout_max).
  std::erase_if(entries_, [&](const auto& kv) {
    return now - kv.second.last_failure > policy_.forget_after;
  });
  if (entries_.size() < policy_.max_keys) {
    return;
  }
  // Still full (an attack from many addresses): drop the stalest key.
  auto stalest =
      std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
        return a.second.last_failure < b.second.last_failure;
      });
  entries_.erase(stalest);
}

std::size_t RateLimiter::sizeForTest() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace parley::server
