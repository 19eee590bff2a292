#pragma once
// RateMeter: bytes per second over the last second, in ten 100 ms buckets,
// for the forwarder's view of how fast each stream arrives. Value type, one
// owner (the media strand); time injected.

#include <array>
#include <chrono>
#include <cstdint>

#include "core/base/clock.h"

namespace parley::server {

class RateMeter {
 public:
  void add(std::size_t bytes, Clock::TimePoint now) {
    advance(now);
    buckets_[index_] += bytes;
  }
  // Bits per second over the last second (the current bucket included).
  [[nodiscard]] std::uint64_t bitsPerSecond(Clock::TimePoint now) {
    advance(now);
    std::uint64_t total = 0;
    for (const auto b : buckets_) {
      total += b;
    }
    return total * 8;
  }

 private:
  static constexpr auto kBucket = std::chrono::milliseconds(100);
  void advance(Clock::TimePoint now) {
    if (start_ == Clock::TimePoint{}) {
      start_ = now;
      return;
    }
    // Clear every bucket we moved past (at most all ten).
    while (now - start_ >= kBucket) {
      start_ += kBucket;
      index_ = (index_ + 1) % buckets_.size();
      buckets_[index_] = 0;
      if (now - start_ > std::chrono::seconds(2)) {
        buckets_.fill(0);
        start_ = now;
        break;
      }
    }
  }
  std::array<std::uint64_t, 10> buckets_{};
  std::size_t index_ = 0;
  Clock::TimePoint start_{};
};

}  // namespace parley::server
