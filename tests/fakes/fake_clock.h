#pragma once
// FakeClock: virtual time for tests. Starts at an arbitrary fixed point and
// moves only when advance() is called. Thread-safe (atomic), like Clock.

#include <atomic>
#include <chrono>
#include <cstdint>

#include "core/base/clock.h"

namespace parley::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t wall_start_ms = 1'700'000'000'000) : wall_ms_(wall_start_ms) {}

  [[nodiscard]] TimePoint now() const override {
    return TimePoint(Duration(ticks_.load(std::memory_order_acquire)));
  }
  [[nodiscard]] std::int64_t wallMillis() const override {
    return wall_ms_.load(std::memory_order_acquire);
  }

  // Moves both clocks forward by `d`.
  void advance(Duration d) {
    ticks_.fetch_add(d.count(), std::memory_order_acq_rel);
    wall_ms_.fetch_add(std::chrono::duration_cast<std::chrono::milliseconds>(d).count(),
                       std::memory_order_acq_rel);
  }

 private:
  // Starts well after the epoch so "now - 1 h" stays meaningful.
  std::atomic<Duration::rep> ticks_{
      std::chrono::duration_cast<Duration>(std::chrono::hours(1000)).count()};
  std::atomic<std::int64_t> wall_ms_;
};

}  // namespace parley::testing
