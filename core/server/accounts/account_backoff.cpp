#include "core/server/accounts/account_backoff.h"

#include <algorithm>

namespace parley::server {

AccountBackoff::AccountBackoff(const Clock& clock, Policy policy)
    : clock_(clock), policy_(policy), slots_(std::make_unique<Slot[]>(kSlots)) {}

AccountBackoff::Slot& AccountBackoff::slotOf(std::string_view account) const {
  return slots_[hash_(account) % kSlots];
}

std::int64_t AccountBackoff::nowNs() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_.now().time_since_epoch())
      .count();
}

std::chrono::milliseconds AccountBackoff::delayFor(std::string_view account) const {
  const Slot& slot = slotOf(account);
  const std::uint32_t failures = slot.failures.load(std::memory_order_relaxed);
  if (failures < policy_.slow_after || failures == 0) {
    return std::chrono::milliseconds::zero();
  }
  const auto since_last =
      std::chrono::nanoseconds(nowNs() - slot.last_failure_ns.load(std::memory_order_relaxed));
  if (since_last > policy_.forget_after) {
    return std::chrono::milliseconds::zero();
  }
  // Doubled in milliseconds and capped before it could overflow.
  const std::uint32_t exponent = failures - policy_.slow_after;
  std::int64_t delay = policy_.first_delay.count();
  for (std::uint32_t i = 0; i < exponent && delay > 0 && delay < policy_.max_delay.count(); ++i) {
    delay *= 2;
  }
  return std::chrono::milliseconds(std::min(delay, policy_.max_delay.count()));
}

void AccountBackoff::recordFailure(std::string_view account) {
  Slot& slot = slotOf(account);
  const std::int64_t now = nowNs();
  const std::int64_t last = slot.last_failure_ns.exchange(now, std::memory_order_relaxed);
  const auto forget_ns = std::chrono::nanoseconds(policy_.forget_after).count();
  if (last != 0 && now - last > forget_ns) {
    slot.failures.store(1, std::memory_order_relaxed);
    return;
  }
  // Saturating: a counter that wrapped to 0 would forgive a flood.
  std::uint32_t failures = slot.failures.load(std::memory_order_relaxed);
  while (failures < UINT32_MAX &&
         !slot.failures.compare_exchange_weak(failures, failures + 1, std::memory_order_relaxed)) {
  }
}

}  // namespace parley::server
