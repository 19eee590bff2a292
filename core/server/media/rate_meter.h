#pragma once
// RateMeter: bytes per second over the last second, in ten 100 ms buckets,
// for the forwarder's view of how fast each stream arrives. Value type, one
// owner (the media strand); time injected.

#include <algorithm>
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
  // The window is the nine buckets before the current one and what has
  // passed of it: counting it as a whole second read a steady stream up to
  // 10 % low, depending on where in its bucket the question fell, so two
  // streams of one rate could read 10 % apart. In the first second, what
  // came so far over a whole second: a new stream ramps up.
  [[nodiscard]] std::uint64_t bitsPerSecond(Clock::TimePoint now) {
    advance(now);
    std::uint64_t total = 0;
    for (const auto b : buckets_) {
      total += b;
    }
    if (history_ < buckets_.size() - 1) {
      return total * 8;
    }
    const auto window = std::chrono::duration_cast<std::chrono::nanoseconds>(
        kBucket * (buckets_.size() - 1) + (now - start_));
    return static_cast<std::uint64_t>(static_cast<double>(total) * 8 * 1e9 /
                                      static_cast<double>(window.count()));
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
      history_ = std::min(history_ + 1, buckets_.size() - 1);
      if (now - start_ > std::chrono::seconds(2)) {
        buckets_.fill(0);
        start_ = now;
        history_ = 0;
        break;
      }
    }
  }
  std::array<std::uint64_t, 10> buckets_{};
  std::size_t index_ = 0;
  std::size_t history_ = 0;  // whole buckets behind the current one, up to nine
  Clock::TimePoint start_{};
};

}  // namespace parley::server
