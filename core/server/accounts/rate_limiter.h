#pragma once
// RateLimiter: slows down password guessing. Keyed by strings such as
// "user:alice" and "addr:192.0.2.7". The first `max_failures` failures of a
// key are free; after that each attempt must wait
//   min(lockout_first * 2^(failures - max_failures), lockout_max)
// after the key's last failure. A success clears the key (the server clears
// only the account key; an address that guesses stays slowed).
//
// Memory is bounded: at most `max_keys` keys; keys idle longer than
// `forget_after` are dropped, and when still full the stalest key goes.
//
// Threads: called from many connection strands at once; one mutex guards all
// state (see mu_). Time comes from the injected Clock (virtual in tests).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/base/clock.h"
#include "core/base/thread_check.h"

namespace parley::server {

class RateLimiter {
 public:
  struct Policy {
    std::uint32_t max_failures = 5;
    std::chrono::seconds lockout_max{300};
    std::size_t max_keys = 100000;
    std::chrono::seconds forget_after{3600};
    // The first lockout; each further failure doubles it.
    std::chrono::seconds lockout_first{1};
  };

  RateLimiter(const Clock& clock, Policy policy);

  // nullopt when an attempt for `key` may run now, else how long to wait.
  [[nodiscard]] std::optional<std::chrono::milliseconds> check(const std::string& key);
  void recordFailure(const std::string& key);
  void recordSuccess(const std::string& key);
  // Undoes one recordFailure (the server records each attempt as a failure
  // before verifying, so parallel guesses cannot outrun the limiter, and
  // forgives the address key when the attempt succeeds).
  void forgiveFailure(const std::string& key);

  [[nodiscard]] std::size_t sizeForTest() const;

 private:
  struct Entry {
    std::uint32_t failures = 0;
    Clock::TimePoint last_failure{};
  };
  [[nodiscard]] Clock::Duration lockoutFor(std::uint32_t failures) const;
  void makeRoomLocked(Clock::TimePoint now);

  const Clock& clock_;
  const Policy policy_;
  // Guards entries_. Held only for map operations, never across a call out.
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_ PARLEY_GUARDED_BY(mu_);
};

}  // namespace parley::server
