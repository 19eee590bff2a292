#pragma once
// ReconnectBackoff: how long a session waits before its next reconnect.
// Exponential (initial, x multiplier, capped at max) with +-jitter so that
// many clients cut at once do not all come back in the same millisecond.
// Pure value type; the caller supplies the randomness, so tests are exact.
// Not thread-safe: owned by one ClientSession, used on its strand.

#include <chrono>

namespace parley::client {

struct BackoffPolicy {
  std::chrono::milliseconds initial{250};
  double multiplier = 2.0;
  std::chrono::milliseconds max{10'000};
  double jitter = 0.2;  // +-20% of the nominal delay
};

class ReconnectBackoff {
 public:
  explicit ReconnectBackoff(BackoffPolicy policy = {}) : policy_(policy) {}

  // Delay before the next attempt; each call grows the nominal delay.
  // `random01` is uniform in [0, 1): 0 gives -jitter, 0.5 nominal, ~1 +jitter.
  std::chrono::milliseconds next(double random01);
  // The nominal delay next() would jitter around, for tests and logs.
  [[nodiscard]] std::chrono::milliseconds nominal() const { return current_; }
  // After a connection got all the way into the room: start small again.
  void reset() { current_ = policy_.initial; }
  [[nodiscard]] int attempts() const { return attempts_; }

 private:
  BackoffPolicy policy_;
  std::chrono::milliseconds current_{policy_.initial};
  int attempts_ = 0;
};

}  // namespace parley::client
