#pragma once
// AccountBackoff: the per-account part of the sign-in limits. Wrong passwords
// for one account from anywhere make every further sign-in for it wait a
// little before its password is checked:
//   min(first_delay * 2^(failures - slow_after), max_delay)
// It only slows, never refuses: strangers guessing alice's password from
// many addresses must not be able to lock alice out. Refusals belong to the
// per-address and per-(account, address) limits (RateLimiter), which a
// stranger cannot trip for someone at another address. max_delay is kept
// well below the handshake deadline, so the owner still signs in.
//
// Failures older than forget_after since the account's last failure are
// forgotten at its next failure.
//
// Lock-free: a fixed table of atomic counters indexed by a keyed hash of the
// account name. Two accounts sharing a slot slow each other, which costs at
// most max_delay and cannot be aimed (KeyedHash); concurrent updates of one
// slot may lose a count or reset it early, which only makes the delay a
// little shorter. Memory is fixed, so there is nothing to evict. Time comes
// from the injected Clock.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/base/clock.h"
#include "core/server/accounts/keyed_hash.h"

namespace parley::server {

class AccountBackoff {
 public:
  struct Policy {
    std::uint32_t slow_after = 10;
    std::chrono::milliseconds first_delay{100};
    std::chrono::milliseconds max_delay{2000};
    std::chrono::seconds forget_after{300};
  };
  static constexpr std::size_t kSlots = 4096;

  AccountBackoff(const Clock& clock, Policy policy);

  // How long a sign-in for `account` waits before its password is checked.
  [[nodiscard]] std::chrono::milliseconds delayFor(std::string_view account) const;
  void recordFailure(std::string_view account);

 private:
  struct Slot {
    std::atomic<std::uint32_t> failures{0};
    std::atomic<std::int64_t> last_failure_ns{0};
  };
  [[nodiscard]] Slot& slotOf(std::string_view account) const;
  [[nodiscard]] std::int64_t nowNs() const;

  const Clock& clock_;
  const Policy policy_;
  const KeyedHash hash_;
  const std::unique_ptr<Slot[]> slots_;
};

}  // namespace parley::server
